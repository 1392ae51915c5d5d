/**
 * Kubernetes label selectors as Cilium's L2 announcer and LB-IPAM evaluate them (spec §1.1, §5.1).
 *
 * Both components convert a `LabelSelector` with `LabelSelectorAsSelector` and match it against a
 * label set. A nil selector is special-cased by Cilium to "everything" (plain Kubernetes would say
 * "nothing"), and an empty selector is "everything" in both. Service selectors see the service's
 * labels plus two synthetic labels, added *after* copying the real ones, so a user label with the
 * same key is overwritten (`svcAndMetaLabels` in `pkg/l2announcer`, `svcLabels` in LB-IPAM).
 *
 * Matching here is literal and never fails; whether Kubernetes would even accept the selector is a
 * separate question answered by {@link validateSelector} (Cilium marks such a policy
 * `io.cilium/bad-service-selector` / `bad-node-selector` and ignores it).
 */
import type { LabelSelector, LabelSelectorRequirement, Service, StringMap } from '../model/types.ts';

/** Synthetic service label carrying the service's namespace (spec §1.1). */
export const SERVICE_NAMESPACE_LABEL = 'io.kubernetes.service.namespace';
/** Synthetic service label carrying the service's name (spec §1.1). */
export const SERVICE_NAME_LABEL = 'io.kubernetes.service.name';

function has(labels: StringMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

function matchesRequirement(req: LabelSelectorRequirement, labels: StringMap): boolean {
  const present = has(labels, req.key);
  switch (req.operator) {
    case 'In':
      return present && req.values.includes(labels[req.key] as string);
    case 'NotIn':
      // Kubernetes: NotIn is satisfied by a missing key (unlike `!=` on a set-based reading).
      return !present || !req.values.includes(labels[req.key] as string);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    default:
      // Unknown operators cannot come from a validated manifest; refuse to match rather than guess.
      return false;
  }
}

/**
 * Does `selector` select an object with `labels`? Kubernetes semantics: `matchLabels` and every
 * `matchExpressions` entry must hold (AND); `NotIn` holds when the key is absent. `undefined`
 * (nil) and an empty selector match everything, as in Cilium's L2 announcer and LB-IPAM.
 *
 * Selectors Kubernetes would reject (`In` without values…) are evaluated literally (`In []` never
 * matches, `NotIn []` always does); run {@link validateSelector} to find them. Never throws.
 */
export function matchesSelector(selector: LabelSelector | undefined, labels: StringMap): boolean {
  if (selector === undefined) {
    return true;
  }
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (!has(labels, key) || labels[key] !== value) {
      return false;
    }
  }
  return selector.matchExpressions.every((req) => matchesRequirement(req, labels));
}

/**
 * The label set a policy's or pool's `serviceSelector` is matched against: the service's labels
 * plus `io.kubernetes.service.namespace` and `io.kubernetes.service.name`. The synthetic labels
 * win over user labels with the same key, because Cilium clones the labels and then assigns the
 * two keys (so a service cannot pretend to live in another namespace).
 */
export function serviceSelectorLabels(svc: Pick<Service, 'labels' | 'namespace' | 'name'>): StringMap {
  return { ...svc.labels, [SERVICE_NAMESPACE_LABEL]: svc.namespace, [SERVICE_NAME_LABEL]: svc.name };
}

function describeRequirement(req: LabelSelectorRequirement): string {
  const values = req.values.join(',');
  switch (req.operator) {
    case 'In':
      return req.values.length === 1 ? `${req.key}=${values}` : `${req.key} in (${values})`;
    case 'NotIn':
      return req.values.length === 1 ? `${req.key}!=${values}` : `${req.key} notin (${values})`;
    case 'Exists':
      return req.key;
    case 'DoesNotExist':
      return `!${req.key}`;
    default:
      return `${req.key} ${String(req.operator)} (${values})`;
  }
}

/**
 * A one-line, human-readable form close to `kubectl`'s selector syntax:
 * `role=cp, tier in (a,b), zone!=x, gpu, !legacy`. `<all>` for nil or empty selectors.
 * `matchLabels` come first, sorted by key (as Kubernetes prints them), then expressions in order.
 */
export function describeSelector(selector: LabelSelector | undefined): string {
  if (selector === undefined) {
    return '<all>';
  }
  const parts = [
    ...Object.keys(selector.matchLabels)
      .sort()
      .map((key) => `${key}=${selector.matchLabels[key] ?? ''}`),
    ...selector.matchExpressions.map(describeRequirement),
  ];
  return parts.length === 0 ? '<all>' : parts.join(', ');
}

// Kubernetes' label syntax (apimachinery validation): a name segment is ≤ 63 characters of
// alphanumerics, '-', '_', '.', starting and ending alphanumeric; an optional prefix is a DNS-1123
// subdomain (≤ 253). `labels.NewRequirement` enforces this, so Cilium's selector conversion fails on
// anything else just as it does on a missing `In` value.
const NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN_RE.test(prefix))) {
    return `key '${key}': prefix must be a lower-case DNS subdomain of at most 253 characters`;
  }
  if (name.length === 0 || name.length > 63 || !NAME_RE.test(name)) {
    return `key '${key}': name part must be 1–63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric`;
  }
  return undefined;
}

function labelValueProblem(key: string, value: string): string | undefined {
  if (value === '') {
    return undefined;
  }
  if (value.length > 63 || !NAME_RE.test(value)) {
    return `key '${key}': value '${value}' must be at most 63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric`;
  }
  return undefined;
}

/**
 * Why Kubernetes' `LabelSelectorAsSelector` (and therefore Cilium) would reject this selector, one
 * message per problem; `[]` when it is valid (nil is valid). Checks: `In`/`NotIn` need at least one
 * value, `Exists`/`DoesNotExist` take none, unknown operators, and label key/value syntax. For
 * Cilium CRDs the API server does not run these checks; the agent does, sets the
 * `io.cilium/bad-*-selector` condition and ignores the policy (spec §1.1). Messages name the
 * field path relative to the selector (`matchExpressions[1].values`).
 */
export function validateSelector(selector: LabelSelector | undefined): string[] {
  if (selector === undefined) {
    return [];
  }
  const problems: string[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    const p = labelKeyProblem(key) ?? labelValueProblem(key, value);
    if (p !== undefined) {
      problems.push(`matchLabels: ${p}`);
    }
  }
  selector.matchExpressions.forEach((req, i) => {
    const at = `matchExpressions[${i}]`;
    const keyProblem = labelKeyProblem(req.key);
    if (keyProblem !== undefined) {
      problems.push(`${at}.key: ${keyProblem}`);
    }
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (req.values.length === 0) {
          problems.push(`${at}.values: operator ${req.operator} needs at least one value`);
        }
        for (const v of req.values) {
          const p = labelValueProblem(req.key, v);
          if (p !== undefined) {
            problems.push(`${at}.values: ${p}`);
          }
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (req.values.length > 0) {
          problems.push(`${at}.values: operator ${req.operator} takes no values (got ${req.values.length})`);
        }
        break;
      default:
        problems.push(`${at}.operator: '${String(req.operator)}' is not one of In, NotIn, Exists, DoesNotExist`);
    }
  });
  return problems;
}
