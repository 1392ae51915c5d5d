/**
 * The identities a control-plane run authenticates, each with its own static bearer token
 * (`--token-auth-file`), so that every request in the audit log is attributed to the process that
 * sent it:
 *
 * - `admin` (group `system:masters`): setup and inspection. Exempt from API Priority and Fairness.
 * - `operator`: the LB-IPAM operator (group `l2lab:operators`, RBAC in `kind/rbac/`).
 * - `scraper`: reads `/metrics` (group `system:monitoring`, bound by a bootstrap ClusterRole).
 * - one per emulated node: `system:node:<name>` in `system:nodes` (the Node authorizer lets it
 *   write its own Node and kube-node-lease Lease, and APF treats it like a kubelet) and
 *   `l2lab:agents` (RBAC for the L2-announcement Leases and the Cilium objects).
 */

/** What an identity is for. */
export type IdentityRole = 'admin' | 'operator' | 'scraper' | 'node';

/** One authenticated identity. `id` is file-name safe and names its kubeconfig. */
export interface Identity {
  readonly id: string;
  readonly role: IdentityRole;
  readonly username: string;
  readonly uid: string;
  readonly groups: readonly string[];
  readonly token: string;
}

/** Raised for a node list that cannot become identities. */
export class IdentityConfigError extends Error {
  readonly code = 'identity-config';
}

/** Group bound to `l2lab:agent` in kind/rbac/l2lab-roles.yaml. */
export const AGENTS_GROUP = 'l2lab:agents';
/** Group bound to `l2lab:lbipam-operator` in kind/rbac/l2lab-roles.yaml. */
export const OPERATORS_GROUP = 'l2lab:operators';
/** The operator's user name. */
export const OPERATOR_USERNAME = 'l2lab-lbipam-operator';

const NODE_NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_NODES = 1000;

/**
 * Reads a node list: a count (`3` gives `node-1`…`node-3`) or comma-separated DNS labels.
 * @throws IdentityConfigError for a count outside 0..1000, a bad name or a duplicate.
 */
export function parseNodeNames(spec: string): string[] {
  const trimmed = spec.trim();
  if (/^\d+$/.test(trimmed)) {
    const count = Number(trimmed);
    if (count > MAX_NODES) throw new IdentityConfigError(`node count ${count} exceeds the limit of ${MAX_NODES}`);
    return Array.from({ length: count }, (_, i) => `node-${i + 1}`);
  }
  const names = trimmed === '' ? [] : trimmed.split(',').map((n) => n.trim());
  const seen = new Set<string>();
  for (const name of names) {
    if (!NODE_NAME_RE.test(name) || name.length > 63) {
      throw new IdentityConfigError(`node name '${name}' is not a DNS label (lower-case alphanumerics and '-', at most 63)`);
    }
    if (seen.has(name)) throw new IdentityConfigError(`node name '${name}' appears twice`);
    seen.add(name);
  }
  if (names.length > MAX_NODES) throw new IdentityConfigError(`${names.length} nodes exceed the limit of ${MAX_NODES}`);
  return names;
}

/** Plans the identities of a run. `newToken` supplies the secrets (inject a fixed one in tests). */
export function planIdentities(nodeNames: readonly string[], newToken: () => string): Identity[] {
  const fixed: Identity[] = [
    { id: 'admin', role: 'admin', username: 'l2lab-admin', uid: 'l2lab-admin', groups: ['system:masters'], token: newToken() },
    { id: 'operator', role: 'operator', username: OPERATOR_USERNAME, uid: OPERATOR_USERNAME, groups: [OPERATORS_GROUP], token: newToken() },
    { id: 'scraper', role: 'scraper', username: 'l2lab-scraper', uid: 'l2lab-scraper', groups: ['system:monitoring'], token: newToken() },
  ];
  const nodes: Identity[] = nodeNames.map((name) => ({
    id: `node-${name.replace(/^node-/, '')}`,
    role: 'node',
    username: `system:node:${name}`,
    uid: `node-${name}`,
    groups: ['system:nodes', AGENTS_GROUP],
    token: newToken(),
  }));
  return [...fixed, ...nodes];
}

/** Renders the `--token-auth-file` CSV: `token,user,uid,"group1,group2"` per line. */
export function renderTokenCsv(identities: readonly Identity[]): string {
  return identities.map((i) => `${i.token},${i.username},${i.uid},"${i.groups.join(',')}"`).join('\n') + '\n';
}
