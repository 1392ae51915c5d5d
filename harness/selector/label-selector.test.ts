import { describe, expect, it } from 'vitest';
import type { LabelSelector, LabelSelectorRequirement, Service } from '../model/types.ts';
import {
  describeSelector,
  matchesSelector,
  SERVICE_NAME_LABEL,
  SERVICE_NAMESPACE_LABEL,
  serviceSelectorLabels,
  validateSelector,
} from './label-selector.ts';

const sel = (matchLabels: Record<string, string>, matchExpressions: LabelSelectorRequirement[] = []): LabelSelector => ({
  matchLabels,
  matchExpressions,
});
const req = (key: string, operator: LabelSelectorRequirement['operator'], values: string[] = []): LabelSelectorRequirement => ({
  key,
  operator,
  values,
});

describe('matchesSelector (Kubernetes semantics, spec §1.1)', () => {
  const labels = { role: 'worker', tier: 'a', zone: 'z1' };
  const cases: [string, LabelSelector | undefined, boolean][] = [
    ['nil selector matches all (Cilium special-cases nil)', undefined, true],
    ['empty selector matches all', sel({}), true],
    ['matchLabels equal', sel({ role: 'worker' }), true],
    ['matchLabels different value', sel({ role: 'cp' }), false],
    ['matchLabels missing key', sel({ gpu: 'yes' }), false],
    ['matchLabels AND expressions: both hold', sel({ role: 'worker' }, [req('tier', 'In', ['a', 'b'])]), true],
    ['matchLabels AND expressions: one fails', sel({ role: 'worker' }, [req('tier', 'In', ['b'])]), false],
    ['In: value listed', sel({}, [req('zone', 'In', ['z1', 'z2'])]), true],
    ['In: key absent', sel({}, [req('gpu', 'In', ['yes'])]), false],
    ['NotIn: value listed', sel({}, [req('role', 'NotIn', ['worker'])]), false],
    ['NotIn: value not listed', sel({}, [req('role', 'NotIn', ['cp'])]), true],
    ['NotIn: key absent is a match', sel({}, [req('gpu', 'NotIn', ['yes'])]), true],
    ['Exists: present', sel({}, [req('role', 'Exists')]), true],
    ['Exists: absent', sel({}, [req('gpu', 'Exists')]), false],
    ['DoesNotExist: absent', sel({}, [req('gpu', 'DoesNotExist')]), true],
    ['DoesNotExist: present', sel({}, [req('role', 'DoesNotExist')]), false],
    ['invalid In [] evaluates literally to false', sel({}, [req('role', 'In', [])]), false],
    ['invalid NotIn [] evaluates literally to true', sel({}, [req('role', 'NotIn', [])]), true],
  ];
  it.each(cases)('%s', (_name, selector, expected) => {
    expect(matchesSelector(selector, labels)).toBe(expected);
  });

  it('an empty label value is a present key', () => {
    expect(matchesSelector(sel({}, [req('x', 'Exists')]), { x: '' })).toBe(true);
    expect(matchesSelector(sel({ x: '' }), { x: '' })).toBe(true);
    expect(matchesSelector(sel({ x: '' }), {})).toBe(false);
  });

  it('does not see inherited object properties as labels', () => {
    expect(matchesSelector(sel({}, [req('toString', 'Exists')]), {})).toBe(false);
    expect(matchesSelector(sel({}, [req('constructor', 'DoesNotExist')]), {})).toBe(true);
  });
});

describe('serviceSelectorLabels (spec §1.1 synthetic labels)', () => {
  const svc = { namespace: 'web', name: 'front', labels: { app: 'x' } } as Pick<Service, 'labels' | 'namespace' | 'name'>;

  it('adds io.kubernetes.service.namespace and io.kubernetes.service.name', () => {
    expect(serviceSelectorLabels(svc)).toEqual({ app: 'x', [SERVICE_NAMESPACE_LABEL]: 'web', [SERVICE_NAME_LABEL]: 'front' });
  });

  it('synthetic labels win over user labels with the same key (Cilium assigns them after cloning)', () => {
    const spoof = { ...svc, labels: { [SERVICE_NAMESPACE_LABEL]: 'kube-system', [SERVICE_NAME_LABEL]: 'other' } };
    expect(serviceSelectorLabels(spoof)).toEqual({ [SERVICE_NAMESPACE_LABEL]: 'web', [SERVICE_NAME_LABEL]: 'front' });
  });

  it('a policy can select one service by namespace and name', () => {
    const byName = sel({ [SERVICE_NAMESPACE_LABEL]: 'web', [SERVICE_NAME_LABEL]: 'front' });
    expect(matchesSelector(byName, serviceSelectorLabels(svc))).toBe(true);
    expect(matchesSelector(byName, svc.labels)).toBe(false);
  });
});

describe('describeSelector', () => {
  it.each([
    [undefined, '<all>'],
    [sel({}), '<all>'],
    [sel({ tier: 'x', app: 'a' }), 'app=a, tier=x'],
    [
      sel({}, [req('role', 'NotIn', ['cp']), req('tier', 'In', ['a', 'b']), req('gpu', 'Exists'), req('old', 'DoesNotExist')]),
      'role!=cp, tier in (a,b), gpu, !old',
    ],
    [sel({}, [req('role', 'NotIn', ['a', 'b']), req('z', 'In', ['1'])]), 'role notin (a,b), z=1'],
  ] as [LabelSelector | undefined, string][])('%j → %s', (selector, text) => {
    expect(describeSelector(selector)).toBe(text);
  });
});

describe('validateSelector (LabelSelectorAsSelector rules → io.cilium/bad-*-selector)', () => {
  it('accepts nil, empty and well-formed selectors', () => {
    expect(validateSelector(undefined)).toEqual([]);
    expect(validateSelector(sel({}))).toEqual([]);
    expect(
      validateSelector(sel({ 'app.kubernetes.io/name': 'web', empty: '' }, [req('tier', 'In', ['a']), req('gpu', 'Exists')])),
    ).toEqual([]);
  });

  it.each([
    [sel({}, [req('tier', 'In', [])]), 'matchExpressions[0].values: operator In needs at least one value'],
    [sel({}, [req('tier', 'NotIn', [])]), 'matchExpressions[0].values: operator NotIn needs at least one value'],
    [sel({}, [req('gpu', 'Exists', ['yes'])]), 'matchExpressions[0].values: operator Exists takes no values (got 1)'],
    [sel({}, [req('gpu', 'DoesNotExist', ['a', 'b'])]), 'matchExpressions[0].values: operator DoesNotExist takes no values (got 2)'],
    [sel({}, [{ key: 'a', operator: 'Equals' as never, values: [] }]), "matchExpressions[0].operator: 'Equals' is not one of In, NotIn, Exists, DoesNotExist"],
  ])('%j is rejected', (selector, message) => {
    expect(validateSelector(selector)).toEqual([message]);
  });

  it('reports label key and value syntax errors with their field', () => {
    const problems = validateSelector(sel({ 'bad key': 'v', ok: 'not valid!' }, [req('Upper.Case/x', 'In', ['-lead'])]));
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^matchLabels: key 'bad key'/);
    expect(problems[1]).toMatch(/^matchLabels: key 'ok': value 'not valid!'/);
    expect(problems[2]).toMatch(/^matchExpressions\[0\]\.key: key 'Upper.Case\/x': prefix/);
    expect(problems[3]).toMatch(/^matchExpressions\[0\]\.values: key 'Upper.Case\/x': value '-lead'/);
  });

  it('limits names to 63 characters', () => {
    expect(validateSelector(sel({ ['a'.repeat(63)]: 'b'.repeat(63) }))).toEqual([]);
    expect(validateSelector(sel({ ['a'.repeat(64)]: 'b' }))).toHaveLength(1);
    expect(validateSelector(sel({ a: 'b'.repeat(64) }))).toHaveLength(1);
  });
});
