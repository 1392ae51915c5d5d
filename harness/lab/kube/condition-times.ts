/**
 * `lastTransitionTime` for status conditions written without one. The API server requires it on
 * every condition (`metav1.Condition` validation of a Service's status, the Cilium CRDs' schemas),
 * while l2lab's LB-IPAM operator, like the model, leaves bookkeeping fields out — so a status write
 * stamps the missing ones with the write's wall time, as apimachinery's `meta.SetStatusCondition`
 * does for a new condition. Conditions that carry a time keep it. Pure.
 */

/** RFC 3339 UTC with whole seconds (`metav1.Time`) of epoch ms. */
export function rfc3339Seconds(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** `body` with `status.conditions[*].lastTransitionTime` set to `nowIso` where missing. */
export function withConditionTimes(body: { readonly [key: string]: unknown }, nowIso: string): { readonly [key: string]: unknown } {
  const status = body['status'];
  if (typeof status !== 'object' || status === null || Array.isArray(status)) return body;
  const conditions = (status as Record<string, unknown>)['conditions'];
  if (!Array.isArray(conditions) || conditions.every((c: unknown) => typeof c !== 'object' || c === null || 'lastTransitionTime' in c)) return body;
  const stamped = conditions.map((condition: unknown) =>
    typeof condition === 'object' && condition !== null && !('lastTransitionTime' in condition) ? { ...condition, lastTransitionTime: nowIso } : condition,
  );
  return { ...body, status: { ...status, conditions: stamped } };
}
