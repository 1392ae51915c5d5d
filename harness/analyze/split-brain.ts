/**
 * Split-brain windows of one IP: where two or more MACs claim it within the split window of each
 * other. Precisely (docs/analyze.md "Findings"):
 *
 * - a claim by MAC M at t *conflicts* with the most recent claim of every other MAC made at most
 *   `splitWindowUs` before t;
 * - conflicts chain into one window while each new conflict's earlier claim is not after the
 *   window's latest claim; a claim that conflicts with nothing ends the chain, and its MAC is the
 *   *survivor* (at the end of the capture: the MAC that claimed last);
 * - the window starts at the earlier claim of its first conflict and ends at the last claim of any
 *   MAC other than the survivor (from there on only the survivor claims), but not before the later
 *   claim of its first conflict; claims are counted up to that end.
 *
 * So a window does not stretch to the survivor's claims that follow the other MAC's last one
 * within the split window, and its bounds do not depend on the split window once that exceeds the
 * interval between claims. Memory: per IP, the last claim of each MAC and one open window.
 */
import type { SplitBrainWindow } from './analysis-types.ts';

interface OpenWindow {
  readonly startUs: number;
  /** The later claim of the first conflict. */
  readonly firstPairEndUs: number;
  /** The window's latest claim (chaining reference). */
  lastClaimUs: number;
  readonly claims: Map<string, number>;
  /** The MAC of the current run of consecutive claims, when it started and its claims. */
  runMac: string;
  runStartUs: number;
  runClaims: number;
  /** The last claim before the current run (by another MAC). */
  beforeRunUs: number;
  runs: number;
}

function byMac(a: { mac: string }, b: { mac: string }): number {
  return a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0;
}

/** Follows one IP's claims; closed windows go to `emit`. */
export class SplitBrainTracker {
  private readonly splitWindowUs: number;
  private readonly emit: (window: SplitBrainWindow) => void;
  private readonly lastClaimByMac = new Map<string, number>();
  private open: OpenWindow | undefined;

  constructor(splitWindowUs: number, emit: (window: SplitBrainWindow) => void) {
    this.splitWindowUs = splitWindowUs;
    this.emit = emit;
  }

  /** A claim of the IP by `mac` at `tUs` (claims come in capture order). */
  claim(mac: string, tUs: number): void {
    let earliestConflictUs = Number.POSITIVE_INFINITY;
    let latestConflictUs = Number.NEGATIVE_INFINITY;
    let conflicts: string[] | undefined;
    for (const [other, lastUs] of this.lastClaimByMac) {
      if (other !== mac && tUs >= lastUs && tUs - lastUs <= this.splitWindowUs) {
        (conflicts ??= []).push(other);
        earliestConflictUs = Math.min(earliestConflictUs, lastUs);
        latestConflictUs = Math.max(latestConflictUs, lastUs);
      }
    }
    this.lastClaimByMac.set(mac, tUs);
    const open = this.open;
    if (conflicts === undefined) {
      if (open !== undefined) this.close(open, mac);
      return;
    }
    if (open !== undefined && earliestConflictUs <= open.lastClaimUs) {
      for (const other of conflicts) if (!open.claims.has(other)) open.claims.set(other, 1);
      this.count(open, mac, tUs);
      return;
    }
    if (open !== undefined) this.close(open, undefined);
    const claims = new Map<string, number>();
    for (const other of conflicts) claims.set(other, 1);
    claims.set(mac, 1);
    this.open = { startUs: earliestConflictUs, firstPairEndUs: tUs, lastClaimUs: tUs, claims, runMac: mac, runStartUs: tUs, runClaims: 1, beforeRunUs: latestConflictUs, runs: 2 };
  }

  /** Ends the capture: an open window closes with the last claimer as survivor. */
  finish(): void {
    if (this.open !== undefined) this.close(this.open, undefined);
  }

  private count(open: OpenWindow, mac: string, tUs: number): void {
    if (mac !== open.runMac) {
      open.beforeRunUs = open.lastClaimUs;
      open.runMac = mac;
      open.runStartUs = tUs;
      open.runClaims = 0;
      open.runs += 1;
    }
    open.runClaims += 1;
    open.claims.set(mac, (open.claims.get(mac) ?? 0) + 1);
    open.lastClaimUs = Math.max(open.lastClaimUs, tUs);
  }

  private close(open: OpenWindow, survivor: string | undefined): void {
    this.open = undefined;
    let endUs = open.lastClaimUs;
    if ((survivor ?? open.runMac) === open.runMac) {
      // The last run is the survivor's: the window ends with the claim before it (or the first conflict).
      endUs = Math.max(open.firstPairEndUs, open.beforeRunUs);
      const kept = open.runStartUs <= endUs ? 1 : 0;
      open.claims.set(open.runMac, (open.claims.get(open.runMac) ?? 0) - (open.runClaims - kept));
    }
    const macs = [...open.claims].filter(([, claims]) => claims > 0).map(([mac, claims]) => ({ mac, claims })).sort(byMac);
    this.emit({ startUs: open.startUs, endUs, durationUs: endUs - open.startUs, macs, interleaved: open.runs > open.claims.size });
  }
}
