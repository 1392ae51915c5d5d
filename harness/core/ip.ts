/**
 * IP text ⇄ number codec (LB-IPAM ranges, manifest validation). Cilium compares addresses as `netip.Addr`; here an address is
 * its family plus an unsigned bigint (IPv6-safe), so ranges, counters and ordering are plain bigint
 * arithmetic. Parsing goes through `ip-address` (no hand-written parsing) with Go's stricter rules
 * layered on top: `netip.ParseAddr` rejects a `/len` suffix, `netip.ParsePrefix` requires one.
 */
import { Address4, Address6 } from 'ip-address';
import type { IpFamily } from '../model/types.ts';

/** A parsed address: family and numeric value (0 … 2^32-1 or 0 … 2^128-1). */
export interface ParsedIp {
  readonly family: IpFamily;
  readonly value: bigint;
}

/** A parsed CIDR: family and the inclusive numeric range it covers (host bits masked off). */
export interface ParsedCidr {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
  readonly prefixLength: number;
}

/**
 * Parses a single address as Go's `netip.ParseAddr` would accept it; `undefined` when it is not
 * one. IPv4-mapped IPv6 (`::ffff:1.2.3.4`) stays IPv6, as `netip.Addr.Is6()` reports it.
 */
export function parseIp(text: string): ParsedIp | undefined {
  const cached = parsedIps.get(text);
  if (cached !== undefined || parsedIps.has(text)) return cached;
  return remember(parsedIps, text, parseIpUncached(text));
}

/**
 * Memo tables of the three codec functions: they are pure and their results frozen, and the
 * operator re-parses the same pool blocks and service addresses on every LB-IPAM run (the sim runs
 * thousands of small worlds with the same manifests). Bounded: a table is emptied when it grows
 * past {@link MEMO_LIMIT} entries.
 */
const MEMO_LIMIT = 65_536;
const parsedIps = new Map<string, ParsedIp | undefined>();
const parsedCidrs = new Map<string, ParsedCidr | undefined>();
const formatted = { IPv4: new Map<bigint, string>(), IPv6: new Map<bigint, string>() };

function remember<K, V>(table: Map<K, V>, key: K, value: V): V {
  if (table.size >= MEMO_LIMIT) table.clear();
  table.set(key, value === undefined ? value : Object.freeze(value));
  return value;
}

function parseIpUncached(text: string): ParsedIp | undefined {
  // ip-address accepts "10.0.0.1/32" as an address; Go does not (C21 #28255 is about that suffix).
  if (text.length === 0 || text.includes('/')) {
    return undefined;
  }
  if (Address4.isValid(text)) {
    return { family: 'IPv4', value: new Address4(text).bigInt() };
  }
  if (Address6.isValid(text)) {
    return { family: 'IPv6', value: new Address6(text).bigInt() };
  }
  return undefined;
}

/** Parses `addr/len` as Go's `netip.ParsePrefix` + `Masked()`; `undefined` when invalid. */
export function parseCidr(text: string): ParsedCidr | undefined {
  const cached = parsedCidrs.get(text);
  if (cached !== undefined || parsedCidrs.has(text)) return cached;
  return remember(parsedCidrs, text, parseCidrUncached(text));
}

function parseCidrUncached(text: string): ParsedCidr | undefined {
  // A prefix length is mandatory for a CIDR block; ip-address would read "10.0.0.1" as a /32.
  if (!/^[^/\s]+\/\d{1,3}$/.test(text)) {
    return undefined;
  }
  try {
    if (Address4.isValid(text)) {
      const address = new Address4(text);
      return {
        family: 'IPv4',
        first: address.startAddress().bigInt(),
        last: address.endAddress().bigInt(),
        prefixLength: address.subnetMask,
      };
    }
    if (Address6.isValid(text)) {
      const address = new Address6(text);
      return {
        family: 'IPv6',
        first: address.startAddress().bigInt(),
        last: address.endAddress().bigInt(),
        prefixLength: address.subnetMask,
      };
    }
  } catch {
    // isValid already filtered; a throw here would be a library quirk, treated as invalid input.
  }
  return undefined;
}

/** Canonical text of an address (`10.0.0.1`, `fd00::1`), as Go's `netip.Addr.String()` prints it. */
export function formatIp(family: IpFamily, value: bigint): string {
  const table = formatted[family];
  const cached = table.get(value);
  if (cached !== undefined) return cached;
  if (table.size >= MEMO_LIMIT) table.clear();
  const text = family === 'IPv4' ? Address4.fromBigInt(value).correctForm() : Address6.fromBigInt(value).correctForm();
  table.set(value, text);
  return text;
}

/** A stable map key for an address: family plus value, so v4 and v6 never collide. */
export function ipKey(ip: ParsedIp): string {
  return `${ip.family}:${ip.value.toString(16)}`;
}
