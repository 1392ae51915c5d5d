/**
 * KubeObjectStore against a scripted fake API server (node:http on 127.0.0.1 in this process):
 * the REST paths and bodies it sends, the status subresource routing, error typing, abort and
 * deadline, and the resuming watch (re-open from the last revision after a broken stream, re-LIST
 * and synthesized events after 410, re-open after an idle stream). The real API server's
 * semantics are exercised by `kube-object-store.lab.test.ts`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject, WatchEvent } from '../../core/object-store.ts';
import { ConflictError, InvalidRequestError, NotFoundError, TimeoutError, UnavailableError } from '../../core/store-errors.ts';
import { LabClock, labEpochNow, parseEpochMonoNs } from '../lab-clock.ts';
import { KubeObjectStore } from './kube-object-store.ts';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server;
let url = '';
let handler: Handler = (_req, _body, res) => res.writeHead(500).end();
const log: string[] = [];
const clock = new LabClock(parseEpochMonoNs(labEpochNow().epochMonoNs));
const stores: KubeObjectStore[] = [];

function newStore(options: { requestTimeoutMs?: number; idleTimeoutMs?: number } = {}): KubeObjectStore {
  const store = new KubeObjectStore({ serverUrl: url, token: 't0k', ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }), watch: { backoffStartMs: 20, backoffMaxMs: 100, ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }) } }, clock);
  stores.push(store);
  return store;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = clock.monotonicMs() + timeoutMs;
  // Bounded by the deadline.
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (clock.monotonicMs() > deadline) throw new Error(`waiting for ${what}: not within ${timeoutMs} ms; log: ${log.join(' | ')}`);
    await clock.sleep(10);
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      log.push(`${req.method} ${req.url}${body === '' ? '' : ` ${body}`}`);
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  log.length = 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const lease = (rv?: string): KubeObject => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l1', namespace: 'kube-system', ...(rv === undefined ? {} : { resourceVersion: rv }) }, spec: { holderIdentity: 'n1' } });

describe('KubeObjectStore requests', () => {
  it('sends CRUD to the resource paths with the bearer token, CAS bodies and preconditions', async () => {
    let auth = '';
    handler = (req, body, res) => {
      auth = req.headers.authorization ?? '';
      if (req.method === 'DELETE') return json(res, 200, { kind: 'Status', status: 'Success' });
      json(res, req.method === 'POST' ? 201 : 200, body === '' ? lease('5') : { ...JSON.parse(body), metadata: { ...JSON.parse(body).metadata, resourceVersion: '6' } });
    };
    const store = newStore();
    const got = await store.get({ resource: 'leases', namespace: 'kube-system', name: 'l1' }, { identity: 'n1' });
    await store.create('leases', lease(), { identity: 'n1' });
    const replaced = await store.replace('leases', got, { identity: 'n1' });
    await store.delete({ resource: 'leases', namespace: 'kube-system', name: 'l1' }, { identity: 'n1', resourceVersion: '6' });
    expect(auth).toBe('Bearer t0k');
    expect(replaced.metadata.resourceVersion).toBe('6');
    expect(log.map((line) => line.replace(/ \{.*$/, ''))).toEqual([
      'GET /apis/coordination.k8s.io/v1/namespaces/kube-system/leases/l1',
      'POST /apis/coordination.k8s.io/v1/namespaces/kube-system/leases',
      'PUT /apis/coordination.k8s.io/v1/namespaces/kube-system/leases/l1',
      'DELETE /apis/coordination.k8s.io/v1/namespaces/kube-system/leases/l1',
    ]);
    expect(log[2]).toContain('"resourceVersion":"5"');
    expect(JSON.parse(log[3]?.replace(/^DELETE \S+ /, '') ?? '{}')).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { resourceVersion: '6' } });
    await store.delete({ resource: 'pods', namespace: 'l2lab-k1', name: 'agent-x' }, { identity: 'harness', gracePeriodSeconds: 0 });
    expect(log[4]).toBe('DELETE /api/v1/namespaces/l2lab-k1/pods/agent-x {"apiVersion":"v1","kind":"DeleteOptions","gracePeriodSeconds":0}');
  });

  it('routes status-only patches to /status with condition times, and refuses mixed ones', async () => {
    handler = (_req, _body, res) => json(res, 200, { metadata: { name: 'web', namespace: 'default', resourceVersion: '9' }, spec: {}, status: {} });
    const store = newStore();
    const patched = await store.patch({ resource: 'services', namespace: 'default', name: 'web' }, { status: { loadBalancer: { ingress: [{ ip: '198.18.0.240' }] }, conditions: [{ type: 'cilium.io/IPAMRequestSatisfied', status: 'True', reason: 'satisfied', message: '' }] } }, { identity: 'operator' });
    expect(patched).toMatchObject({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', resourceVersion: '9' } });
    expect(log[0]).toMatch(/^PATCH \/api\/v1\/namespaces\/default\/services\/web\/status /);
    expect(log[0]).toMatch(/"lastTransitionTime":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/);
    await store.patch({ resource: 'services', namespace: 'default', name: 'web' }, { metadata: { labels: { a: 'b' } } }, { identity: 'admin', resourceVersion: '9' });
    expect(log[1]).toBe('PATCH /api/v1/namespaces/default/services/web {"metadata":{"labels":{"a":"b"},"resourceVersion":"9"}}');
    await expect(store.patch({ resource: 'services', namespace: 'default', name: 'web' }, { spec: {}, status: {} }, { identity: 'admin' })).rejects.toThrow(InvalidRequestError);
    expect(log).toHaveLength(2);
  });

  it('creates an object with status in two requests (the server drops status on create)', async () => {
    handler = (_req, body, res) => json(res, 201, { ...JSON.parse(body), metadata: { name: 'p', resourceVersion: '3' } });
    const pool: KubeObject = { apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumLoadBalancerIPPool', metadata: { name: 'p', namespace: '' }, spec: { blocks: [{ cidr: '198.18.0.240/28' }] }, status: { conditions: [] } };
    const created = await newStore().create('ciliumloadbalancerippools', pool, { identity: 'admin' });
    expect(log.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(['POST /apis/cilium.io/v2alpha1/ciliumloadbalancerippools', 'PATCH /apis/cilium.io/v2alpha1/ciliumloadbalancerippools/p/status']);
    expect(log[0]).not.toContain('"namespace"');
    expect(log[0]).not.toContain('"status"');
    expect(created.metadata.namespace).toBe('');
  });

  /** Why this test? pool-edit writes a cilium.io/v2 pool; a v2 body on the v2alpha1 URL is a 400. */
  it('writes an object at the version it is written in (a v2 pool to /v2), reads at the default', async () => {
    handler = (_req, body, res) => json(res, 201, { ...JSON.parse(body), metadata: { name: 'p2', resourceVersion: '4' } });
    const pool: KubeObject = { apiVersion: 'cilium.io/v2', kind: 'CiliumLoadBalancerIPPool', metadata: { name: 'p2', namespace: '' }, spec: { blocks: [{ cidr: '198.18.0.240/28' }] } };
    await newStore().create('ciliumloadbalancerippools', pool, { identity: 'admin' });
    await newStore().replace('ciliumloadbalancerippools', { ...pool, metadata: { ...pool.metadata, resourceVersion: '4' } }, { identity: 'admin' });
    expect(log.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(['POST /apis/cilium.io/v2/ciliumloadbalancerippools', 'PUT /apis/cilium.io/v2/ciliumloadbalancerippools/p2']);
  });

  it('lists with kind, apiVersion and namespace filled in, sorted by namespace/name', async () => {
    handler = (_req, _body, res) => json(res, 200, { kind: 'NodeList', metadata: { resourceVersion: '40' }, items: [{ metadata: { name: 'n2', resourceVersion: '7' } }, { metadata: { name: 'n1', resourceVersion: '8' } }] });
    const items = await newStore().list('nodes', '', { identity: 'n1' });
    expect(items.map((o) => [o.kind, o.apiVersion, o.metadata.namespace, o.metadata.name])).toEqual([['Node', 'v1', '', 'n1'], ['Node', 'v1', '', 'n2']]);
    expect(log[0]).toBe('GET /api/v1/nodes');
  });

  it('types the server’s refusals, naming verb, object and identity', async () => {
    handler = (req, _body, res) => json(res, req.method === 'PUT' ? 409 : 404, { kind: 'Status', reason: req.method === 'PUT' ? 'Conflict' : 'NotFound', message: 'nope' });
    const store = newStore();
    await expect(store.replace('leases', lease('1'), { identity: 'n2' })).rejects.toThrow(ConflictError);
    await expect(store.get({ resource: 'leases', namespace: 'kube-system', name: 'l1' }, { identity: 'n2' })).rejects.toThrow('get leases kube-system/l1 as n2: HTTP 404 NotFound: nope');
    await expect(store.get({ resource: 'leases', namespace: 'kube-system', name: 'l1' }, { identity: 'n2' })).rejects.toThrow(NotFoundError);
    await expect(store.get({ resource: 'widgets', namespace: 'x', name: 'y' }, { identity: 'n2' })).rejects.toThrow(InvalidRequestError);
  });

  it('gives up on abort (aborted) and on its own deadline (deadline): the outcome is unknown', async () => {
    handler = () => undefined; // never answers
    const store = newStore({ requestTimeoutMs: 150 });
    const controller = new AbortController();
    const aborted = store.get({ resource: 'leases', namespace: 'kube-system', name: 'l1' }, { identity: 'n1', signal: controller.signal }).catch((error: unknown) => error);
    await until('the request to arrive', () => (log.length > 0 ? true : undefined));
    controller.abort();
    const error = await aborted;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).trigger).toBe('aborted');
    expect((error as TimeoutError).outcomeKnown).toBe(false);
    const late = await store.get({ resource: 'leases', namespace: 'kube-system', name: 'l1' }, { identity: 'n1' }).catch((e: unknown) => e);
    expect((late as TimeoutError).trigger).toBe('deadline');
  });

  it('reports a refused connection as unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const store = new KubeObjectStore({ serverUrl: `http://127.0.0.1:${port}` }, clock);
    stores.push(store);
    const error = await store.list('services', '', { identity: 'n1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });
});

describe('KubeObjectStore watch', () => {
  const svc = (name: string, rv: string): unknown => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', resourceVersion: rv } });
  const line = (type: string, object: unknown): string => `${JSON.stringify({ type, object })}\n`;

  it('re-opens from the last revision after a broken stream, re-lists after 410 and delivers what was missed', async () => {
    let watches = 0;
    handler = (req, _body, res) => {
      const query = new URL(req.url ?? '', url).searchParams;
      if (query.get('watch') !== 'true') return json(res, 200, { kind: 'ServiceList', metadata: { resourceVersion: '30' }, items: [svc('a', '25'), svc('c', '29')] });
      watches += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      if (watches === 1) {
        res.write(line('ADDED', svc('a', '10')) + line('ADDED', svc('b', '12')));
        res.write(line('BOOKMARK', { kind: 'Service', metadata: { resourceVersion: '15' } }));
        setImmediate(() => res.socket?.destroy()); // the API server died mid-stream
      } else if (watches === 2) {
        res.end(line('ERROR', { kind: 'Status', code: 410, message: 'too old resource version: 15 (28)' }));
      } else {
        res.write(line('MODIFIED', svc('c', '31')));
      }
    };
    const events: WatchEvent[] = [];
    const handle = newStore().watch('services', 'default', (event) => events.push(event), { identity: 'n1' });
    await until('the event after the re-list', () => (events.length >= 6 ? true : undefined));
    handle.stop();
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`)).toEqual([
      'ADDED a@10', 'ADDED b@12', // first connection
      'DELETED b@30', 'MODIFIED a@25', 'ADDED c@29', // the re-LIST after 410
      'MODIFIED c@31', // watching from the list's revision
    ]);
    const watchUrls = log.filter((l) => l.includes('watch=true'));
    expect(watchUrls[0]).not.toContain('resourceVersion=');
    expect(watchUrls[1]).toContain('resourceVersion=15');
    expect(watchUrls[2]).toContain('resourceVersion=30');
    expect(log.some((l) => l === 'GET /api/v1/namespaces/default/services')).toBe(true);
  });

  it('re-opens a stream that stays silent past the idle limit, and stops calling after stop()', async () => {
    let watches = 0;
    handler = (_req, _body, res) => {
      watches += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(line('ADDED', svc(`s${watches}`, String(10 + watches))));
    };
    const events: string[] = [];
    const handle = newStore({ idleTimeoutMs: 150 }).watch('services', '', (event) => events.push(event.object.metadata.name), { identity: 'n1' });
    // The second stream's event, not just its connection: on a loaded machine the client reads it
    // well after the server wrote it.
    await until('the second stream\'s event', () => (events.length >= 2 ? true : undefined));
    handle.stop();
    const seen = events.length;
    const watchesAtStop = watches;
    await clock.sleep(300);
    expect(events.slice(0, 2)).toEqual(['s1', 's2']);
    expect(events.length).toBe(seen);
    expect(watches).toBe(watchesAtStop);
    expect(log.filter((l) => l.includes('watch=true'))[1]).toContain('resourceVersion=11');
  });
});
