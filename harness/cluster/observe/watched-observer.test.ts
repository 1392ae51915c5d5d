import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceObject } from '../../agent/model-objects.ts';
import type { Service } from '../../model/types.ts';
import type { KubeObject, ObjectStore, WatchEvent } from '../../core/object-store.ts';
import { MemoryHistory } from '../../history/memory-history.ts';
import { getProfile } from '../../profiles/profiles.ts';
import { OBSERVED_RESOURCES, WatchedObserver } from './watched-observer.ts';

/** Only `watch` is used: each resource's handler is kept so the test can push events. */
function fakeStore(): { store: ObjectStore; push(resource: string, event: WatchEvent): void; stopped: string[] } {
  const handlers = new Map<string, (event: WatchEvent) => void>();
  const stopped: string[] = [];
  const refuse = (): never => {
    throw new Error('not used');
  };
  const store: ObjectStore = {
    get: refuse, list: refuse, create: refuse, replace: refuse, patch: refuse, delete: refuse,
    watch: (resource, _ns, onEvent) => {
      handlers.set(resource, onEvent);
      return { stop: () => void stopped.push(resource) };
    },
  };
  return { store, push: (resource, event) => handlers.get(resource)?.(event), stopped };
}

/** A Service as the model store gives it. */
const service = (ips: readonly string[]): KubeObject =>
  serviceObject({ kind: 'Service', namespace: 'default', name: 'web', labels: {}, annotations: {}, type: 'LoadBalancer', externalIPs: [], externalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ports: [], ingressIPs: ips, source: { file: 'test', line: 1 } } as unknown as Service);

describe('WatchedObserver', () => {
  it('watches every observed resource, keeps vips.json current and stops every watch', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'l2lab-watched-'));
    const vipsPath = join(dir, 'sub', 'vips.json');
    const fake = fakeStore();
    const problems: string[] = [];
    const watched = new WatchedObserver({ profile: getProfile('cilium-1.16'), history: new MemoryHistory({ monotonicMs: () => 0 }), modelStore: fake.store, leaseNamespace: 'kube-system', vipsPath, onProblem: (m) => problems.push(m) });
    await watched.watch();
    expect(JSON.parse(await readFile(vipsPath, 'utf8'))).toEqual({});
    fake.push('services', { type: 'ADDED', object: service(['198.18.0.240']) });
    expect(watched.vipsOf('default/web')).toEqual(['198.18.0.240']);
    fake.push('services', { type: 'DELETED', object: service(['198.18.0.240']) });
    fake.push('services', { type: 'ADDED', object: service(['198.18.0.241']) });
    await watched.stop();
    expect(JSON.parse(await readFile(vipsPath, 'utf8'))).toEqual({ 'default/web': ['198.18.0.241'] });
    expect(fake.stopped.sort()).toEqual([...OBSERVED_RESOURCES].sort());
    expect(problems).toEqual([]);
  });

  it('gives the observer each event as mapEvent returns it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'l2lab-watched-'));
    const fake = fakeStore();
    const seen: string[] = [];
    const watched = new WatchedObserver({
      profile: getProfile('cilium-1.16'), history: new MemoryHistory({ monotonicMs: () => 0 }), modelStore: fake.store, leaseNamespace: 'kube-system', vipsPath: join(dir, 'vips.json'), onProblem: () => undefined,
      mapEvent: (resource, event) => {
        seen.push(`${resource}/${event.object.metadata.name}`);
        return resource === 'services' ? { ...event, object: service(['198.18.0.250']) } : event;
      },
    });
    await watched.watch();
    fake.push('services', { type: 'ADDED', object: service(['198.18.0.240']) });
    await watched.stop();
    expect(seen).toEqual(['services/web']);
    expect(watched.vipsOf('default/web')).toEqual(['198.18.0.250']);
  });
});
