/**
 * The decision behind `neigh-changed` in the lab: given what the client's table held for an IP and
 * a line the kernel printed, is it a change, and what does the op say? Mirrors the sim's neighbour
 * cache (`harness/net/neighbour-cache.ts`, `#put`): an op only when the state or the MAC differs,
 * `fromState` `NONE` and `fromMac` null for a new entry, state `DELETED` with MAC null on removal.
 *
 * INCOMPLETE and FAILED lines carry no `lladdr` although the kernel entry keeps its address (as the
 * sim's does); the last known MAC is carried over so both worlds report the same `mac` there.
 * Pure.
 */
import { neighStateText, type NeighEntryLine } from './neigh-line.ts';

/** What the monitor remembers about one IP. */
export interface KnownNeigh {
  readonly state: string;
  readonly mac: string | null;
}

/** The `neigh-changed` value without the client (docs/history.md, "Clients"). */
export interface NeighChange {
  readonly ip: string;
  readonly mac: string | null;
  readonly state: string;
  readonly fromState: string;
  readonly fromMac: string | null;
}

/** The decision for one line: the op to record (if any) and the entry to remember (undefined = forget). */
export interface NeighPlan {
  readonly change: NeighChange | undefined;
  readonly next: KnownNeigh | undefined;
}

/** Decides what `line` means against `known` (the remembered entry of its IP, if any). */
export function planNeighChange(known: KnownNeigh | undefined, line: NeighEntryLine): NeighPlan {
  if (line.deleted) {
    const fromState = known?.state ?? neighStateText(line);
    const fromMac = known?.mac ?? line.mac ?? null;
    return { change: { ip: line.ip, mac: null, state: 'DELETED', fromState, fromMac }, next: undefined };
  }
  const next: KnownNeigh = { state: neighStateText(line), mac: line.mac ?? known?.mac ?? null };
  if (known !== undefined && known.state === next.state && known.mac === next.mac) return { change: undefined, next };
  return { change: { ip: line.ip, mac: next.mac, state: next.state, fromState: known?.state ?? 'NONE', fromMac: known?.mac ?? null }, next };
}

/** The remembered table after an initial `ip neigh show` (entries only; other lines skipped). */
export function seedKnownNeighs(lines: readonly NeighEntryLine[]): Map<string, KnownNeigh> {
  const known = new Map<string, KnownNeigh>();
  for (const line of lines) {
    if (!line.deleted) known.set(line.ip, { state: neighStateText(line), mac: line.mac ?? null });
  }
  return known;
}
