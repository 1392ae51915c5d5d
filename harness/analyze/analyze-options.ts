/**
 * Parsing `l2lab analyze`'s options: `--vip` (IPs and CIDRs, repeated or comma-separated) into an
 * IP filter, and durations that may go below a millisecond (`250us`) into µs. Pure; bad input
 * comes back as a message for the CLI to turn into exit 2.
 */
import { parseCidr, parseIp } from '../core/ip.ts';
import { parseDurationMs } from '../scenario/duration.ts';

/** A parsed option or what was wrong with it. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** Parses a duration (`1s`, `200ms`, `1m`, `250us`/`250µs`) into whole µs. */
export function parseDurationUs(text: string, option: string): Parsed<number> {
  const micro = /^(\d+)(us|µs)$/.exec(text);
  if (micro !== null) return { ok: true, value: Number(micro[1]) };
  const parsed = parseDurationMs(text);
  if (!parsed.ok) return { ok: false, message: `${option}: ${parsed.message.replace('like 3s', 'like 1s, 250us')}` };
  return { ok: true, value: parsed.ms * 1000 };
}

/** Parses `--vip` values (each an IPv4 address or CIDR, or a comma-separated list) into a filter. */
export function parseVipFilter(values: readonly string[]): Parsed<((ip: string) => boolean) | undefined> {
  const ranges: { first: bigint; last: bigint }[] = [];
  for (const text of values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '')) {
    const cidr = text.includes('/') ? parseCidr(text) : undefined;
    const ip = text.includes('/') ? undefined : parseIp(text);
    const family = cidr?.family ?? ip?.family;
    if (family !== 'IPv4') {
      return { ok: false, message: `--vip ${JSON.stringify(text)}: expected an IPv4 address or CIDR (ARP is IPv4 only), e.g. 198.18.0.100 or 198.18.0.0/24` };
    }
    ranges.push(cidr === undefined ? { first: ip?.value ?? 0n, last: ip?.value ?? 0n } : { first: cidr.first, last: cidr.last });
  }
  if (ranges.length === 0) return { ok: true, value: undefined };
  return {
    ok: true,
    value: (text) => {
      const parsed = parseIp(text);
      return parsed !== undefined && parsed.family === 'IPv4' && ranges.some((r) => parsed.value >= r.first && parsed.value <= r.last);
    },
  };
}
