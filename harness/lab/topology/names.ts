/**
 * How lab objects are named after their run: namespaces `l2l-<runId>-<what>`, so `l2lab reap` can
 * find every namespace of a run from `ip netns list` alone.
 */

/** A run id: lowercase letters and digits (6 by the CLI; up to 12 accepted). */
export const RUN_ID_PATTERN = /^[a-z0-9]{1,12}$/;

/** Prefix of every namespace a lab run creates. */
export const RUN_NETNS_PREFIX = 'l2l-';

/** Suffix of the lab namespace (bridges, orchestrator). */
export const LAB_NETNS_SUFFIX = 'lab';
/** Suffix of the control-plane namespace. */
export const CP_NETNS_SUFFIX = 'cp';

/** `l2l-<runId>-<what>`. */
export function runNetnsName(runId: string, what: string): string {
  return `${RUN_NETNS_PREFIX}${runId}-${what}`;
}

/**
 * Prefix of a container's network namespace attached under a name by the cluster world's docker
 * provider (`l2d-<runId>-<node|client>`): a name only — deleting it never touches the container.
 */
export const ATTACHED_NETNS_PREFIX = 'l2d-';

/** `l2d-<runId>-<what>`. */
export function attachedNetnsName(runId: string, what: string): string {
  return `${ATTACHED_NETNS_PREFIX}${runId}-${what}`;
}

/** The run id of an attached container namespace name (`l2d-<runId>-*`), or undefined. Pure. */
export function runIdOfAttachedNetns(name: string): string | undefined {
  return /^l2d-([a-z0-9]{1,12})-(.+)$/.exec(name)?.[1];
}

/** The run id of a lab namespace name, or undefined when the name is not one of ours. Pure. */
export function runIdOfNetns(name: string): string | undefined {
  const match = /^l2l-([a-z0-9]{1,12})-(.+)$/.exec(name);
  return match?.[1];
}
