import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject, StoreResponse } from '../core/object-store.ts';
import { ConflictError, InvalidRequestError, NotFoundError } from '../core/store-errors.ts';
import { ObjectTable } from './object-table.ts';

const lease = (name: string, holder: string, resourceVersion?: string): KubeObject => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: resourceVersion === undefined ? { name, namespace: 'kube-system' } : { name, namespace: 'kube-system', resourceVersion },
  spec: { holderIdentity: holder },
});
const ref = (name: string) => ({ resource: 'leases', namespace: 'kube-system', name });
const okObject = (response: StoreResponse): KubeObject => {
  if (!response.ok || response.object === undefined) throw new Error(`expected an object, got ${JSON.stringify(response)}`);
  return response.object;
};

describe('ObjectTable', () => {
  it('creates with a resourceVersion and uid, and refuses a second create of the name (409 already-exists)', () => {
    const table = new ObjectTable();
    const created = okObject(table.apply({ verb: 'create', resource: 'leases', object: lease('a', 'n1') }).response);
    expect(created.metadata).toMatchObject({ resourceVersion: '1', uid: 'sim-uid-1' });
    const again = table.apply({ verb: 'create', resource: 'leases', object: lease('a', 'n2') });
    expect(again.response.ok).toBe(false);
    expect(!again.response.ok && again.response.error).toBeInstanceOf(ConflictError);
    expect(!again.response.ok && (again.response.error as ConflictError).reason).toBe('already-exists');
  });

  it('update is a compare-and-swap on resourceVersion: the stale writer gets 409', () => {
    const table = new ObjectTable();
    const v1 = okObject(table.apply({ verb: 'create', resource: 'leases', object: lease('a', 'n1') }).response);
    const winner = table.apply({ verb: 'update', resource: 'leases', object: lease('a', 'n2', v1.metadata.resourceVersion) });
    const loser = table.apply({ verb: 'update', resource: 'leases', object: lease('a', 'n3', v1.metadata.resourceVersion) });
    expect(okObject(winner.response).metadata.resourceVersion).toBe('2');
    expect(winner.change?.type).toBe('MODIFIED');
    expect(!loser.response.ok && loser.response.error.code).toBe('store-conflict');
    expect(table.peek(ref('a'))?.spec).toEqual({ holderIdentity: 'n2' });
  });

  it('a write that changes nothing keeps the resourceVersion and emits no change', () => {
    const table = new ObjectTable();
    const v1 = okObject(table.apply({ verb: 'create', resource: 'leases', object: lease('a', 'n1') }).response);
    const same = table.apply({ verb: 'update', resource: 'leases', object: lease('a', 'n1', v1.metadata.resourceVersion) });
    expect(okObject(same.response).metadata.resourceVersion).toBe('1');
    expect(same.change).toBeUndefined();
  });

  it('patch merges, keeps identity fields, honours a resourceVersion precondition', () => {
    const table = new ObjectTable();
    table.apply({ verb: 'create', resource: 'leases', object: lease('a', 'n1') });
    const patched = table.apply({ verb: 'patch', ref: ref('a'), patch: { metadata: { name: 'evil' }, spec: { leaseTransitions: 3 } } });
    expect(okObject(patched.response)).toMatchObject({ metadata: { name: 'a', resourceVersion: '2' }, spec: { holderIdentity: 'n1', leaseTransitions: 3 } });
    const stale = table.apply({ verb: 'patch', ref: ref('a'), patch: { spec: { holderIdentity: null } }, resourceVersion: '1' });
    expect(!stale.response.ok && stale.response.error.code).toBe('store-conflict');
  });

  it('get/update/patch/delete of a missing object are 404; create with a resourceVersion is 422', () => {
    const table = new ObjectTable();
    for (const request of [
      { verb: 'get', ref: ref('x') },
      { verb: 'update', resource: 'leases', object: lease('x', 'n1', '5') },
      { verb: 'patch', ref: ref('x'), patch: {} },
      { verb: 'delete', ref: ref('x') },
    ] as const) {
      const { response } = table.apply(request);
      expect(!response.ok && response.error).toBeInstanceOf(NotFoundError);
    }
    const { response } = table.apply({ verb: 'create', resource: 'leases', object: lease('x', 'n1', '5') });
    expect(!response.ok && response.error).toBeInstanceOf(InvalidRequestError);
  });

  it('lists by namespace sorted by name; delete emits DELETED at a new revision', () => {
    const table = new ObjectTable();
    for (const name of ['c', 'a', 'b']) table.apply({ verb: 'create', resource: 'leases', object: lease(name, 'n1') });
    table.apply({ verb: 'create', resource: 'leases', object: { ...lease('z', 'n1'), metadata: { name: 'z', namespace: 'other' } } });
    expect(table.listOf('leases', 'kube-system').map((o) => o.metadata.name)).toEqual(['a', 'b', 'c']);
    const deleted = table.apply({ verb: 'delete', ref: ref('b') });
    expect(deleted.change).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'b', resourceVersion: '5' } } });
    expect(table.peek(ref('b'))).toBeUndefined();
  });

  it('stored objects are frozen: clients cannot mutate server state', () => {
    const table = new ObjectTable();
    const created = okObject(table.apply({ verb: 'create', resource: 'leases', object: lease('a', 'n1') }).response);
    expect(() => {
      (created.spec as { holderIdentity: string }).holderIdentity = 'hacker';
    }).toThrow(TypeError);
  });

  it('property: resourceVersions of successful writes strictly increase', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('create' as const), name: fc.constantFrom('a', 'b') }),
      fc.record({ kind: fc.constant('update' as const), name: fc.constantFrom('a', 'b'), holder: fc.constantFrom('n1', 'n2', 'n3'), stale: fc.boolean() }),
      fc.record({ kind: fc.constant('delete' as const), name: fc.constantFrom('a', 'b') }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const table = new ObjectTable();
        let last = 0;
        for (const o of ops) {
          const current = table.peek(ref(o.name));
          const applied =
            o.kind === 'create'
              ? table.apply({ verb: 'create', resource: 'leases', object: lease(o.name, 'n0') })
              : o.kind === 'update'
                ? table.apply({ verb: 'update', resource: 'leases', object: lease(o.name, o.holder, o.stale ? '0' : (current?.metadata.resourceVersion ?? '0')) })
                : table.apply({ verb: 'delete', ref: ref(o.name) });
          if (applied.change !== undefined) {
            const rv = Number(applied.change.object.metadata.resourceVersion);
            expect(rv).toBeGreaterThan(last);
            last = rv;
          }
        }
      }),
    );
  });
});
