import { describe, expect, it } from 'vitest';
import { ENDPOINTS, IP_POOLS, modelOf, NODES, serviceFromObject, SERVICES } from '../../agent/model-objects.ts';
import type { KubeObject, WatchEvent } from '../../core/object-store.ts';
import { InvalidRequestError } from '../../core/store-errors.ts';
import type { IpPool, Node } from '../../model/types.ts';
import { ModelObjectStore, toModelObjects } from './model-store.ts';

/** A Service as kube-apiserver v1.36 returns it after defaulting (what a real watch delivers). */
const realService: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', resourceVersion: '812', uid: 'u-1', ...({ creationTimestamp: '2026-11-21T10:00:00Z', managedFields: [{ manager: 'l2lab' }] } as object) },
  spec: {
    type: 'LoadBalancer',
    ports: [{ port: 7, protocol: 'UDP', targetPort: 7, nodePort: 31000 }],
    clusterIP: '198.19.252.10',
    clusterIPs: ['198.19.252.10'],
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    sessionAffinity: 'None',
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    allocateLoadBalancerNodePorts: true,
  },
  status: { loadBalancer: { ingress: [{ ip: '198.18.0.241', ipMode: 'VIP' }] }, conditions: [] },
};

describe('toModelObjects (real object → model encoding)', () => {
  it('reads a defaulted Service as the model, keeping identity and the controllers’ status', () => {
    const [object] = toModelObjects(SERVICES, realService);
    expect(object?.metadata).toMatchObject({ name: 'web', namespace: 'default', resourceVersion: '812', uid: 'u-1' });
    const service = object === undefined ? undefined : serviceFromObject(object);
    expect(service?.type).toBe('LoadBalancer');
    expect(service?.ingressIPs).toEqual(['198.18.0.241']);
    expect(service?.externalTrafficPolicy).toBe('Cluster');
  });

  it('reads a Node with its labels and cluster-scoped namespace ""', () => {
    const real: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', namespace: '', resourceVersion: '5', labels: { 'l2lab.io/announce': 'true' } } };
    const [object] = toModelObjects(NODES, real);
    expect(object?.metadata.namespace).toBe('');
    expect(object === undefined ? undefined : modelOf<Node>(object, 'Node')?.labels).toEqual({ 'l2lab.io/announce': 'true' });
  });

  it('keeps a pool’s status conditions', () => {
    const real: KubeObject = { apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumLoadBalancerIPPool', metadata: { name: 'lan', namespace: '', resourceVersion: '9' }, spec: { blocks: [{ cidr: '198.18.0.240/28' }] }, status: { conditions: [{ type: 'cilium.io/PoolConflict', status: 'False' }] } };
    const [object] = toModelObjects(IP_POOLS, real);
    expect(object === undefined ? undefined : modelOf<IpPool>(object, 'CiliumLoadBalancerIPPool')?.name).toBe('lan');
    expect(object?.status).toEqual(real.status);
  });

  it('splits an EndpointSlice into one model endpoint per entry', () => {
    const real: KubeObject = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-abc', namespace: 'default', resourceVersion: '3', labels: { 'kubernetes.io/service-name': 'web' } }, ...({ addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'], nodeName: 'n1', conditions: { ready: true } }, { addresses: ['10.0.0.2'], nodeName: 'n2' }] } as object) };
    expect(toModelObjects(ENDPOINTS, real).map((o) => o.metadata.name)).toEqual(['web-abc.0', 'web-abc.1']);
  });

  it('refuses an object the manifest parser rejects, naming it', () => {
    const bad: KubeObject = { ...realService, spec: { ...(realService.spec as object), bogusField: 1 } };
    expect(() => toModelObjects(SERVICES, bad)).toThrow(InvalidRequestError);
    expect(() => toModelObjects(SERVICES, bad)).toThrow(/services\/default\/web/);
  });
});

describe('ModelObjectStore', () => {
  it('turns EndpointSlice edits that drop an endpoint into a DELETED model event', () => {
    let emit: ((event: WatchEvent) => void) | undefined;
    const real = { watch: (_r: string, _n: string, onEvent: (event: WatchEvent) => void) => ((emit = onEvent), { stop: () => undefined }) } as unknown as ConstructorParameters<typeof ModelObjectStore>[0];
    const events: string[] = [];
    new ModelObjectStore(real).watch(ENDPOINTS, '', (e) => events.push(`${e.type} ${e.object.metadata.name}`), { identity: 't' });
    const slice = (n: number): KubeObject => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 's', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } }, ...({ addressType: 'IPv4', endpoints: Array.from({ length: n }, (_, i) => ({ addresses: [`10.0.0.${i + 1}`] })) } as object) });
    emit?.({ type: 'ADDED', object: slice(2) });
    emit?.({ type: 'MODIFIED', object: slice(1) });
    emit?.({ type: 'DELETED', object: slice(1) });
    expect(events).toEqual(['ADDED s.0', 'ADDED s.1', 'DELETED s.1', 'MODIFIED s.0', 'DELETED s.0']);
  });

  it('a deleted object’s DELETED model event carries the deletion’s revision, so an informer applies it', () => {
    let emit: ((event: WatchEvent) => void) | undefined;
    const real = { watch: (_r: string, _n: string, onEvent: (event: WatchEvent) => void) => ((emit = onEvent), { stop: () => undefined }) } as unknown as ConstructorParameters<typeof ModelObjectStore>[0];
    const events: WatchEvent[] = [];
    new ModelObjectStore(real).watch(SERVICES, '', (e) => events.push(e), { identity: 't' });
    const at = (resourceVersion: string): KubeObject => ({ ...realService, metadata: { ...realService.metadata, resourceVersion } });
    emit?.({ type: 'ADDED', object: at('7') });
    emit?.({ type: 'DELETED', object: at('9') });
    expect(events.map((e) => `${e.type} ${e.object.metadata.resourceVersion}`)).toEqual(['ADDED 7', 'DELETED 9']);
  });

  it('passes status patches through to the real resource and refuses spec patches', async () => {
    const calls: string[] = [];
    const real = { patch: async (ref: { resource: string }) => (calls.push(ref.resource), realService) } as unknown as ConstructorParameters<typeof ModelObjectStore>[0];
    const store = new ModelObjectStore(real);
    await store.patch({ resource: SERVICES, namespace: 'default', name: 'web' }, { status: { loadBalancer: { ingress: [] } } }, { identity: 'operator' });
    expect(calls).toEqual(['services']);
    await expect(store.patch({ resource: SERVICES, namespace: 'default', name: 'web' }, { spec: {} }, { identity: 'x' })).rejects.toThrow(InvalidRequestError);
  });
});
