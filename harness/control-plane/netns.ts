/**
 * Network-namespace helpers for running the control plane inside a given namespace (the lab's
 * control-plane netns). The namespace is the caller's; this module only reads it and makes sure its
 * loopback is up (etcd listens there).
 */
import { stat } from 'node:fs/promises';
import type { Exec } from './exec.ts';

/** Named namespaces as `ip netns` keeps them. */
export const NETNS_DIR = '/run/netns';

const NETNS_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A namespace that does not exist or cannot be entered. */
export class NetnsError extends Error {
  readonly code = 'netns';
}

/** @throws NetnsError for a name `ip netns` would not accept. */
export function assertNetnsName(name: string): void {
  if (!NETNS_NAME_RE.test(name)) throw new NetnsError(`netns name '${name}' is not valid (letters, digits, '_', '.', '-')`);
}

/** True when this process already runs in the named namespace (same inode as /run/netns/NAME). */
export async function insideNetns(name: string): Promise<boolean> {
  assertNetnsName(name);
  const [target, self] = await Promise.all([
    stat(`${NETNS_DIR}/${name}`).catch(() => undefined),
    stat('/proc/self/ns/net').catch(() => undefined),
  ]);
  if (target === undefined) throw new NetnsError(`netns '${name}' does not exist (no ${NETNS_DIR}/${name}); create it first, e.g. 'ip netns add ${name}'`);
  return self !== undefined && self.ino === target.ino && self.dev === target.dev;
}

/** Brings `lo` up in the namespace (idempotent); etcd binds 127.0.0.1 there. */
export async function ensureLoopbackUp(exec: Exec, name: string): Promise<void> {
  await exec('ip', ['-n', name, 'link', 'set', 'lo', 'up'], { timeoutMs: 5000 });
}
