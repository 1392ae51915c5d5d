/**
 * The result of decoding bytes from the wire: decoders in `harness/packet` never throw on hostile
 * input (mdlayher/arp's `UnmarshalBinary` contract), they return a tagged failure with a stable
 * reason that callers count and tests assert, as MetalLB counts its drop reasons.
 */

/** `{ ok: true, value }` or `{ ok: false, reason }` with a stable reason string. */
export type DecodeResult<T, Reason extends string> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: Reason; readonly detail?: string };

/** A successful decode. */
export function decoded<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

/** A failed decode; `detail` says which bytes were wrong (for humans, not for matching). */
export function rejected<Reason extends string>(reason: Reason, detail?: string): { readonly ok: false; readonly reason: Reason; readonly detail?: string } {
  return detail === undefined ? { ok: false, reason } : { ok: false, reason, detail };
}
