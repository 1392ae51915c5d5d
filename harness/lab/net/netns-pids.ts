/**
 * Which processes live in which named network namespace (what `ip netns pids` does, for many
 * namespaces in one /proc scan). Teardown uses it to stop what a run left in its own namespaces
 * without a record (a crash between spawn and record) — never this process or its ancestors, which
 * may themselves run inside the lab netns (`ip netns exec l2l-<run>-lab node …`).
 */
import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { NETNS_DIR } from '../../control-plane/netns.ts';

/** Upper bound on the parent walk (a PID chain is never this deep). */
const MAX_ANCESTORS = 256;

/** The parent PID from `/proc/<pid>/stat` text (field 4). Pure. */
export function parentPidOf(statText: string): number | undefined {
  const close = statText.lastIndexOf(')');
  const ppid = Number(statText.slice(close + 2).split(' ')[1]);
  return close < 0 || !Number.isInteger(ppid) ? undefined : ppid;
}

/** This process and all its ancestors up to PID 1. */
export async function selfAndAncestors(): Promise<Set<number>> {
  const out = new Set<number>();
  let pid = process.pid;
  for (let i = 0; i < MAX_ANCESTORS && pid > 0 && !out.has(pid); i += 1) {
    out.add(pid);
    const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    const parent = text === undefined ? undefined : parentPidOf(text);
    if (parent === undefined) break;
    pid = parent;
  }
  return out;
}

/** The `net:[inode]` identity of each named namespace that exists. */
async function namespaceInodes(names: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of names) {
    const info = await stat(`${NETNS_DIR}/${name}`).catch(() => undefined);
    if (info !== undefined) out.set(`net:[${info.ino}]`, name);
  }
  return out;
}

/** PIDs in each of the named namespaces (missing namespaces are absent from the result). */
export async function pidsInNamespaces(names: readonly string[]): Promise<Map<string, number[]>> {
  const byInode = await namespaceInodes(names);
  const result = new Map<string, number[]>();
  if (byInode.size === 0) return result;
  const entries = await readdir('/proc').catch(() => [] as string[]);
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const link = await readlink(`/proc/${entry}/ns/net`).catch(() => undefined);
    const name = link === undefined ? undefined : byInode.get(link);
    if (name === undefined) continue;
    result.set(name, [...(result.get(name) ?? []), Number(entry)]);
  }
  return result;
}
