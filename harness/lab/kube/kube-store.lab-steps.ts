/**
 * What `kube-object-store.lab.test.ts` runs *inside* the control plane's network namespace (only
 * there is the API server reachable), through `callInNetns`: each step drives a KubeObjectStore
 * against the real kube-apiserver and returns what it saw, as JSON, for the test to judge.
 */
import type { KubeObject, WatchEvent } from '../../core/object-store.ts';
import { isStoreError, type ConflictError } from '../../core/store-errors.ts';
import { LabClock, labEpochNow, parseEpochMonoNs } from '../lab-clock.ts';
import { KubeObjectStore } from './kube-object-store.ts';
import type { WatchNotice } from './resuming-watch.ts';

/** The API server and two identities' tokens. */
export interface StepApi {
  readonly serverUrl: string;
  readonly caPem: string;
  readonly adminToken: string;
  readonly nodeToken: string;
}

const clock = (): LabClock => new LabClock(parseEpochMonoNs(labEpochNow().epochMonoNs));

function outcome(error: unknown): string {
  if (!isStoreError(error)) return `not a StoreError: ${String(error)}`;
  return error.code === 'store-conflict' ? `${error.code}/${(error as ConflictError).reason}` : error.code;
}

async function failure(promise: Promise<unknown>): Promise<{ readonly outcome: string; readonly message: string }> {
  try {
    await promise;
    return { outcome: 'ok', message: '' };
  } catch (error) {
    return { outcome: outcome(error), message: error instanceof Error ? error.message : String(error) };
  }
}

const lease = (name: string, holder: string): KubeObject => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-system' }, spec: { holderIdentity: holder, leaseDurationSeconds: 3 } });

/** CAS, NotFound, AlreadyExists, preconditions, status subresource, authorization. */
export async function casAndErrors(api: StepApi): Promise<Record<string, unknown>> {
  const c = clock();
  const node = new KubeObjectStore({ serverUrl: api.serverUrl, caPem: api.caPem, token: api.nodeToken }, c);
  const admin = new KubeObjectStore({ serverUrl: api.serverUrl, caPem: api.caPem, token: api.adminToken }, c);
  try {
    const who = { identity: 'n1' };
    const created = await node.create('leases', lease('cas-test', 'n1'), who);
    const replaced = await node.replace('leases', { ...created, spec: { ...(created.spec as object), holderIdentity: 'n1', leaseTransitions: 1 } }, who);
    const stale = await failure(node.replace('leases', { ...created, spec: { ...(created.spec as object), holderIdentity: 'n2' } }, who));
    const taken = await failure(node.create('leases', lease('cas-test', 'n2'), who));
    const missing = await failure(node.get({ resource: 'leases', namespace: 'kube-system', name: 'no-such-lease' }, who));
    const badDelete = await failure(node.delete({ resource: 'leases', namespace: 'kube-system', name: 'cas-test' }, { ...who, resourceVersion: created.metadata.resourceVersion ?? '' }));
    const stalePatch = await failure(node.patch({ resource: 'leases', namespace: 'kube-system', name: 'cas-test' }, { spec: { holderIdentity: 'n3' } }, { ...who, resourceVersion: created.metadata.resourceVersion ?? '' }));
    await node.delete({ resource: 'leases', namespace: 'kube-system', name: 'cas-test' }, { ...who, resourceVersion: replaced.metadata.resourceVersion ?? '' });
    const gone = await failure(node.get({ resource: 'leases', namespace: 'kube-system', name: 'cas-test' }, who));

    const service: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { type: 'LoadBalancer', ports: [{ port: 7, protocol: 'UDP' }] } };
    await admin.create('services', service, { identity: 'admin' });
    const patched = await admin.patch({ resource: 'services', namespace: 'default', name: 'web' }, { status: { loadBalancer: { ingress: [{ ip: '198.18.0.240' }] }, conditions: [{ type: 'cilium.io/IPAMRequestSatisfied', status: 'True', reason: 'satisfied', message: '' }] } }, { identity: 'admin' });
    const forbidden = await failure(node.patch({ resource: 'services', namespace: 'default', name: 'web' }, { metadata: { labels: { x: 'y' } } }, who));
    const nodes = await admin.list('nodes', '', { identity: 'admin' });
    const unknown = await failure(admin.get({ resource: 'widgets', namespace: '', name: 'x' }, { identity: 'admin' }));
    return {
      createdRv: created.metadata.resourceVersion, replacedRv: replaced.metadata.resourceVersion, stale, taken, missing, badDelete, stalePatch, gone,
      patchedStatus: patched.status, forbidden, nodeNamespaces: nodes.map((n) => n.metadata.namespace), unknown,
    };
  } finally {
    node.close();
    admin.close();
  }
}

/** What {@link watchAcrossFreeze} saw. */
export interface FreezeWatchResult {
  readonly events: readonly string[];
  readonly notices: readonly WatchNotice[];
}

/**
 * A Lease watch while the API server is frozen (SIGSTOP) for `frozenMs`, longer than the watch's
 * idle limit, then thawed (SIGCONT): the watch must come back from its last revision and deliver
 * the change made after the thaw, without a re-list and without duplicates.
 */
export async function watchAcrossFreeze(args: StepApi & { readonly apiserverPid: number; readonly frozenMs: number; readonly idleTimeoutMs: number }): Promise<FreezeWatchResult> {
  const c = clock();
  const notices: WatchNotice[] = [];
  const store = new KubeObjectStore({ serverUrl: args.serverUrl, caPem: args.caPem, token: args.adminToken, requestTimeoutMs: 20_000, watch: { idleTimeoutMs: args.idleTimeoutMs, connectTimeoutMs: 2_000, backoffStartMs: 200, backoffMaxMs: 1_000 }, onWatchNotice: (_r, notice) => notices.push(notice) }, c);
  const events: WatchEvent[] = [];
  const handle = store.watch('leases', 'kube-system', (event) => {
    if (event.object.metadata.name === 'freeze-test') events.push(event);
  }, { identity: 'admin' });
  const until = async (what: string, probe: () => boolean, limitMs: number): Promise<void> => {
    const deadline = c.monotonicMs() + limitMs;
    // Bounded by the deadline.
    while (!probe()) {
      if (c.monotonicMs() > deadline) throw new Error(`waiting for ${what}: not within ${limitMs} ms (events: ${events.map((e) => e.type).join(',')}; notices: ${JSON.stringify(notices)})`);
      await c.sleep(20);
    }
  };
  try {
    await until('the watch to connect', () => notices.some((n) => n.kind === 'connected'), 10_000);
    const created = await store.create('leases', lease('freeze-test', 'n1'), { identity: 'admin' });
    await until('the ADDED event', () => events.length >= 1, 10_000);
    process.kill(args.apiserverPid, 'SIGSTOP');
    try {
      await c.sleep(args.frozenMs);
    } finally {
      process.kill(args.apiserverPid, 'SIGCONT');
    }
    await store.replace('leases', { ...created, spec: { ...(created.spec as object), holderIdentity: 'n2' } }, { identity: 'admin' });
    await until('the MODIFIED event after the thaw', () => events.length >= 2, 30_000);
    await c.sleep(500); // a duplicate would arrive now
    return { events: events.map((e) => `${e.type} ${String((e.object.spec as { holderIdentity?: string }).holderIdentity)}@${e.object.metadata.resourceVersion}`), notices };
  } finally {
    handle.stop();
    store.close();
  }
}
