/**
 * The owner mark: the ifalias of the lab netns's `lo`, `l2lab:<runId> owner=<pid>:<startTicks>
 * manifest=<path>`. It lives on the kernel object itself (containerlab marks ownership the same
 * way), so `l2lab reap` can tell a live run from a dead one — and find its manifest — even when the
 * manifest is in another runs directory (tests use temporary ones).
 */
import { runAlias } from '../topology/lab-plan.ts';

/** What a mark says. */
export interface OwnerMark {
  readonly runId: string;
  readonly ownerPid: number;
  readonly ownerStartTicks: number;
  readonly manifestPath: string;
}

/** The mark text. Pure. */
export function ownerMark(runId: string, owner: { readonly pid: number; readonly startTimeTicks: number }, manifestPath: string): string {
  return `${runAlias(runId)} owner=${owner.pid}:${owner.startTimeTicks} manifest=${manifestPath}`;
}

/** Reads a mark; undefined for any other alias. Pure. */
export function parseOwnerMark(alias: string): OwnerMark | undefined {
  const match = /^l2lab:([a-z0-9]{1,12}) owner=(\d+):(\d+) manifest=(\/.*)$/.exec(alias);
  if (match === null) return undefined;
  const [, runId = '', pid = '', ticks = '', manifestPath = ''] = match;
  return { runId, ownerPid: Number(pid), ownerStartTicks: Number(ticks), manifestPath };
}
