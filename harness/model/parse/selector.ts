import type { LabelSelector } from '../types.ts';
import type { RawLabelSelector } from './common-schemas.ts';

/** Validated raw selector → model selector; null/absent stays undefined ("nil": matches all). */
export function toLabelSelector(raw: RawLabelSelector | null | undefined): LabelSelector | undefined {
  if (raw === null || raw === undefined) return undefined;
  return {
    matchLabels: raw.matchLabels ?? {},
    matchExpressions: (raw.matchExpressions ?? []).map((e) => ({ key: e.key, operator: e.operator, values: e.values ?? [] })),
  };
}
