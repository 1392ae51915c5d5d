import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { LabelSelector, LabelSelectorRequirement, StringMap } from '../model/types.ts';
import { matchesSelector } from './label-selector.ts';

/**
 * Reference evaluator written differently on purpose: it turns the selector into the set of
 * "allowed values" per key (a key may also be required-absent or required-present), intersecting
 * constraints, and then checks the label map against that formula. Agreement with the
 * operator-by-operator evaluator on random inputs is issue 2 item 7.
 */
type Constraint = { mustExist: boolean; mustNotExist: boolean; allowed: Set<string> | 'any'; forbidden: Set<string> };

function referenceMatches(selector: LabelSelector | undefined, labels: StringMap): boolean {
  if (selector === undefined) return true;
  const constraints = new Map<string, Constraint>();
  const get = (key: string): Constraint => {
    let c = constraints.get(key);
    if (c === undefined) {
      c = { mustExist: false, mustNotExist: false, allowed: 'any', forbidden: new Set() };
      constraints.set(key, c);
    }
    return c;
  };
  const restrict = (c: Constraint, values: readonly string[]): void => {
    const next = new Set(values);
    c.allowed = c.allowed === 'any' ? next : new Set([...c.allowed].filter((v) => next.has(v)));
  };
  const asReqs: LabelSelectorRequirement[] = Object.entries(selector.matchLabels).map(([key, v]) => ({
    key,
    operator: 'In',
    values: [v],
  }));
  for (const r of [...asReqs, ...selector.matchExpressions]) {
    const c = get(r.key);
    if (r.operator === 'In') {
      c.mustExist = true;
      restrict(c, r.values);
    } else if (r.operator === 'NotIn') {
      r.values.forEach((v) => c.forbidden.add(v));
    } else if (r.operator === 'Exists') {
      c.mustExist = true;
    } else {
      c.mustNotExist = true;
    }
  }
  const present = new Map(Object.entries(labels));
  for (const [key, c] of constraints) {
    const value = present.get(key);
    if (value === undefined) {
      if (c.mustExist) return false;
      continue;
    }
    if (c.mustNotExist) return false;
    if (c.allowed !== 'any' && !c.allowed.has(value)) return false;
    if (c.forbidden.has(value)) return false;
  }
  return true;
}

// Small alphabets so that keys and values collide often enough to exercise every branch.
const key = fc.constantFrom('app', 'tier', 'role', 'zone', 'io.kubernetes.service.name');
const value = fc.constantFrom('', 'a', 'b', 'c');
const labelsArb = fc.dictionary(key, value, { maxKeys: 5 });
const requirement: fc.Arbitrary<LabelSelectorRequirement> = fc.record({
  key,
  operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'),
  values: fc.array(value, { maxLength: 3 }),
});
const selectorArb: fc.Arbitrary<LabelSelector | undefined> = fc.option(
  fc.record({ matchLabels: fc.dictionary(key, value, { maxKeys: 3 }), matchExpressions: fc.array(requirement, { maxLength: 4 }) }),
  { nil: undefined, freq: 8 },
);

describe('matchesSelector property (issue 2 item 7)', () => {
  it('agrees with a set-based reference evaluator on random labels and selectors', () => {
    fc.assert(
      fc.property(selectorArb, labelsArb, (selector, labels) => matchesSelector(selector, labels) === referenceMatches(selector, labels)),
      { numRuns: 3000 },
    );
  });
});
