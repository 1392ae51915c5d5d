/**
 * The prober's view of the VIP file the orchestrator keeps (`{ "ns/name": ["ip", …] }`): which
 * addresses to probe, on which port. Pure.
 */

/** A VIP to probe and the UDP port of the service it belongs to. */
export interface ProbeTarget {
  readonly vip: string;
  readonly port: number;
}

/**
 * Parses the VIP file's text.
 * @throws Error naming the path when it is not `{ "ns/name": string[] }`.
 */
export function parseVipFile(text: string, path: string): ReadonlyMap<string, readonly string[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`reading the VIP list ${path}: not JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`reading the VIP list ${path}: expected an object of "namespace/name": [IPs]`);
  const out = new Map<string, readonly string[]>();
  for (const [service, ips] of Object.entries(raw)) {
    if (!Array.isArray(ips) || ips.some((ip) => typeof ip !== 'string')) throw new Error(`reading the VIP list ${path}: ${service}: expected a list of IP strings`);
    out.set(service, ips as string[]);
  }
  return out;
}

/**
 * The targets of a client: every VIP of its services, sorted; a VIP shared by several services
 * is probed once, on the port of the first service (in the client's order) that has it.
 */
export function probeTargets(services: readonly { readonly service: string; readonly port: number }[], vips: ReadonlyMap<string, readonly string[]>): ProbeTarget[] {
  const byVip = new Map<string, number>();
  for (const { service, port } of services) {
    for (const vip of vips.get(service) ?? []) if (!byVip.has(vip)) byVip.set(vip, port);
  }
  return [...byVip.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([vip, port]) => ({ vip, port }));
}
