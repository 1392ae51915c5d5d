/**
 * MAC and IPv4 text ⇄ bytes for the packet codecs. These run once per frame in `l2lab analyze`
 * and the lab datapath, so they work on byte offsets with lookup tables and never allocate per
 * byte. Text forms are canonical: MACs lowercase colon-separated (`02:00:00:00:00:01`, as
 * `ip link` and tcpdump print them), IPv4 dotted quad without leading zeros.
 *
 * IPv4 parsing follows Go's `netip.ParseAddr` (what `harness/core/ip.ts` implements over
 * ip-address): exactly four decimal parts 0–255, no leading zeros, nothing else. It is written
 * out here because the codec path must not build an ip-address object per frame; a property test
 * checks it agrees with `parseIp` on arbitrary strings.
 */

/** The Ethernet broadcast address. */
export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';
/** The all-zero MAC (ARP target hardware address of requests and probes). */
export const ZERO_MAC = '00:00:00:00:00:00';
/** The unspecified IPv4 address (sender IP of an RFC 5227 probe). */
export const ZERO_IPV4 = '0.0.0.0';

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Formats the 6 bytes at `offset` as `aa:bb:cc:dd:ee:ff`. The caller guarantees the bounds. */
export function formatMacAt(bytes: Uint8Array, offset: number): string {
  return (
    `${HEX_BYTE[bytes[offset] ?? 0]}:${HEX_BYTE[bytes[offset + 1] ?? 0]}:${HEX_BYTE[bytes[offset + 2] ?? 0]}:` +
    `${HEX_BYTE[bytes[offset + 3] ?? 0]}:${HEX_BYTE[bytes[offset + 4] ?? 0]}:${HEX_BYTE[bytes[offset + 5] ?? 0]}`
  );
}

/** Formats the 4 bytes at `offset` as a dotted quad. The caller guarantees the bounds. */
export function formatIpv4At(bytes: Uint8Array, offset: number): string {
  return `${bytes[offset] ?? 0}.${bytes[offset + 1] ?? 0}.${bytes[offset + 2] ?? 0}.${bytes[offset + 3] ?? 0}`;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87; // a-f
  return -1;
}

/**
 * Writes MAC `text` (`aa:bb:cc:dd:ee:ff` or `aa-bb-…`, any case) into `target` at `offset`.
 * Returns false, writing nothing useful, when the text is not a 48-bit MAC.
 */
export function writeMac(text: string, target: Uint8Array, offset: number): boolean {
  if (text.length !== 17) return false;
  const separator = text.charCodeAt(2);
  if (separator !== 58 && separator !== 45) return false; // ':' or '-'
  for (let i = 0; i < 6; i += 1) {
    const at = i * 3;
    if (i > 0 && text.charCodeAt(at - 1) !== separator) return false;
    const high = hexValue(text.charCodeAt(at));
    const low = hexValue(text.charCodeAt(at + 1));
    if (high < 0 || low < 0) return false;
    target[offset + i] = (high << 4) | low;
  }
  return true;
}

/** Canonical form of a MAC text (lowercase, colons); `undefined` when it is not a MAC. */
export function normaliseMac(text: string): string | undefined {
  const bytes = new Uint8Array(6);
  return writeMac(text, bytes, 0) ? formatMacAt(bytes, 0) : undefined;
}

/**
 * Parses an IPv4 dotted quad (Go `netip.ParseAddr` rules) to an unsigned 32-bit number;
 * `undefined` when it is not one.
 */
export function parseIpv4(text: string): number | undefined {
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= text.length; i += 1) {
    const code = i < text.length ? text.charCodeAt(i) : 46; // a virtual '.' closes the last part
    if (code === 46) {
      if (digits === 0 || parts === 4) return undefined;
      value = value * 256 + part;
      parts += 1;
      part = 0;
      digits = 0;
      continue;
    }
    if (code < 48 || code > 57) return undefined;
    if (digits > 0 && part === 0) return undefined; // leading zero ("01"); Go rejects it
    part = part * 10 + (code - 48);
    digits += 1;
    if (part > 255) return undefined;
  }
  return parts === 4 ? value : undefined;
}

/** Writes IPv4 `text` into `target` at `offset`; false when it is not an IPv4 address. */
export function writeIpv4(text: string, target: Uint8Array, offset: number): boolean {
  const value = parseIpv4(text);
  if (value === undefined) return false;
  target[offset] = value >>> 24;
  target[offset + 1] = (value >>> 16) & 0xff;
  target[offset + 2] = (value >>> 8) & 0xff;
  target[offset + 3] = value & 0xff;
  return true;
}

/** Dotted quad of an unsigned 32-bit number. */
export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/** True for a group (multicast or broadcast) MAC: the I/G bit of the first octet. */
export function isGroupMac(text: string): boolean {
  return (hexValue(text.charCodeAt(1)) & 1) === 1;
}

/** Lowercase hex of bytes (fixtures, logs). */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 1) out += HEX_BYTE[bytes[i] ?? 0];
  return out;
}

/**
 * Bytes of a hex string; whitespace, `:` and `-` are ignored so annotated fixtures can group
 * bytes. `undefined` on an odd digit count or a non-hex character.
 */
export function fromHex(text: string): Uint8Array | undefined {
  const clean = text.replace(/[\s:-]/g, '');
  if (clean.length % 2 !== 0) return undefined;
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i += 1) {
    const high = hexValue(clean.charCodeAt(2 * i));
    const low = hexValue(clean.charCodeAt(2 * i + 1));
    if (high < 0 || low < 0) return undefined;
    out[i] = (high << 4) | low;
  }
  return out;
}
