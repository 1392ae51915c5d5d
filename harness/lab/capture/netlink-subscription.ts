/**
 * Waiting until an `ip monitor` child is subscribed to its netlink group: `ip monitor` prints
 * nothing when it starts, and a change before the subscription would be lost silently. The
 * child's sockets (`/proc/<pid>/fd`) are matched against `/proc/<pid>/net/netlink`, whose
 * `Groups` column holds the first 32 multicast groups as a bit mask.
 */
import { readFile, readdir, readlink } from 'node:fs/promises';
import type { Clock } from '../../core/clock.ts';
import type { TrackedChild } from './tracked-child.ts';

/** `RTNLGRP_LINK` (link changes). */
export const RTNLGRP_LINK = 1;
/** `RTNLGRP_NEIGH` (neighbour changes). */
export const RTNLGRP_NEIGH = 3;
const POLL_MS = 10;

/**
 * Inodes of NETLINK_ROUTE sockets subscribed to `group` in a /proc/net/netlink table
 * (columns `sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode`). Pure.
 */
export function netlinkSubscribers(table: string, group: number): string[] {
  const bit = 1 << (group - 1);
  const inodes: string[] = [];
  for (const row of table.split('\n').slice(1)) {
    const columns = row.trim().split(/\s+/);
    if (columns.length < 10 || columns[1] !== '0') continue;
    const groups = Number.parseInt(columns[3] ?? '', 16);
    if (Number.isFinite(groups) && (groups & bit) !== 0 && columns[9] !== undefined) inodes.push(columns[9]);
  }
  return inodes;
}

/** True when one of `pid`'s sockets is a NETLINK_ROUTE socket subscribed to `group`. */
async function isSubscribed(pid: number, group: number): Promise<boolean> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [])) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match?.[1] !== undefined) inodes.add(match[1]);
  }
  if (inodes.size === 0) return false;
  const table = await readFile(`/proc/${pid}/net/netlink`, 'utf8').catch(() => '');
  return netlinkSubscribers(table, group).some((inode) => inodes.has(inode));
}

/**
 * Polls until `tracked` is subscribed to `group`.
 * @throws Error "starting <what>: …" when it exits first or is not subscribed within `timeoutMs`.
 */
export async function waitNetlinkSubscription(tracked: TrackedChild, group: number, what: string, timeoutMs: number, clock: Pick<Clock, 'monotonicMs' | 'sleep'>): Promise<void> {
  const deadlineMs = clock.monotonicMs() + timeoutMs;
  const maxPolls = Math.ceil(timeoutMs / POLL_MS) + 1;
  for (let poll = 0; poll < maxPolls; poll += 1) {
    const exit = tracked.exitStatus();
    if (exit !== undefined) throw new Error(`starting ${what}: exited (${exit.signal ?? `code ${exit.code}`}) before subscribing`);
    if (await isSubscribed(tracked.record.pid, group)) return;
    if (clock.monotonicMs() >= deadlineMs) break;
    await clock.sleep(POLL_MS);
  }
  throw new Error(`starting ${what}: not subscribed to netlink group ${group} within ${timeoutMs} ms`);
}
