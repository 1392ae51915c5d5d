/**
 * The audit policy of a control-plane run: every Lease request at `Metadata` level (user, verb,
 * object, code, timestamps; no bodies), nothing else. `RequestReceived` is omitted so each request
 * logs once, at `ResponseComplete` (watches also log `ResponseStarted`).
 */
import { stringify } from 'yaml';

/** Extra resources to audit besides Leases, as `{ group, resources }`. */
export interface AuditedResource {
  readonly group: string;
  readonly resources: readonly string[];
}

/** Renders the policy YAML. */
export function renderAuditPolicy(extra: readonly AuditedResource[] = []): string {
  return stringify({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [
      { level: 'Metadata', resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }, ...extra.map((r) => ({ group: r.group, resources: [...r.resources] }))] },
      { level: 'None' },
    ],
  });
}
