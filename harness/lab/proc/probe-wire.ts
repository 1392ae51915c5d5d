/**
 * The UDP payloads between a client's prober and a node's echo backend. Pure.
 *
 * - probe: `{"seq": <packet id>, "client": <client id>, "vip": <address probed>}` — `vip` lets the
 *   echo answer *from* the VIP (a reply from the node's own address would be dropped by the
 *   prober's connected socket);
 * - echo: `{"seq": <the probe's seq>, "node": <node name>}` — `node` is the probe's `answeredBy`.
 */

/** A probe as sent. */
export interface ProbePayload {
  readonly seq: number;
  readonly client: string;
  readonly vip: string;
}

/** An echo as answered. */
export interface EchoPayload {
  readonly seq: number;
  readonly node: string;
}

/** The bytes of a probe. */
export function encodeProbe(probe: ProbePayload): Buffer {
  return Buffer.from(JSON.stringify({ seq: probe.seq, client: probe.client, vip: probe.vip }));
}

/** The bytes of an echo. */
export function encodeEcho(echo: EchoPayload): Buffer {
  return Buffer.from(JSON.stringify({ seq: echo.seq, node: echo.node }));
}

function parseObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A probe from bytes, or undefined for anything else (stray traffic is ignored). */
export function decodeProbe(bytes: Uint8Array): ProbePayload | undefined {
  const o = parseObject(bytes);
  if (o === undefined || !Number.isSafeInteger(o['seq']) || typeof o['client'] !== 'string' || typeof o['vip'] !== 'string') return undefined;
  return { seq: o['seq'] as number, client: o['client'], vip: o['vip'] };
}

/** An echo from bytes, or undefined. */
export function decodeEcho(bytes: Uint8Array): EchoPayload | undefined {
  const o = parseObject(bytes);
  if (o === undefined || !Number.isSafeInteger(o['seq']) || typeof o['node'] !== 'string') return undefined;
  return { seq: o['seq'] as number, node: o['node'] };
}
