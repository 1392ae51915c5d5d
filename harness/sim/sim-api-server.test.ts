import { describe, expect, it } from 'vitest';
import type { KubeObject, StoreResponse, WatchEvent } from '../core/object-store.ts';
import { SeededRng } from '../core/rng.ts';
import { SimKernel } from './kernel.ts';
import { netemShape } from './netem.ts';
import { SimApiServer } from './sim-api-server.ts';

const lease = (name: string, holder: string, resourceVersion?: string): KubeObject => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: resourceVersion === undefined ? { name, namespace: 'kube-system' } : { name, namespace: 'kube-system', resourceVersion },
  spec: { holderIdentity: holder },
});
const ref = { resource: 'leases', namespace: 'kube-system', name: 'a' };
const errorOf = (response: StoreResponse | undefined) => {
  if (response === undefined || response.ok) throw new Error('expected a failed response');
  return response.error;
};

function setup(latencyMs = 10) {
  const kernel = new SimKernel();
  const server = new SimApiServer(kernel, { rng: new SeededRng(1), latency: { kind: 'fixed', ms: latencyMs } });
  const responses: { atMs: number; response: StoreResponse }[] = [];
  const send = (request: Parameters<SimApiServer['submit']>[0], identity = 'n1') =>
    server.submit(request, identity, (response) => responses.push({ atMs: kernel.nowMs, response }));
  const run = (untilMs = 1_000) => kernel.run({ untilMs, maxEvents: 10_000 });
  return { kernel, server, responses, send, run };
}

describe('SimApiServer', () => {
  it('applies a request half a round trip after sending and answers a full round trip after', () => {
    const { server, responses, send, run, kernel } = setup(10);
    send({ verb: 'create', resource: 'leases', object: lease('a', 'n1') });
    kernel.run({ untilMs: 5, maxEvents: 100 });
    expect(server.peek(ref)).toBeDefined();
    expect(responses).toHaveLength(0);
    run();
    expect(responses.map((r) => [r.atMs, r.response.ok])).toEqual([[10, true]]);
  });

  it('accounts every request that reached it per identity × verb × resource, with outcome and latency', () => {
    const { server, send, run } = setup(4);
    send({ verb: 'create', resource: 'leases', object: lease('a', 'n1') }, 'n1');
    send({ verb: 'get', ref }, 'n2');
    send({ verb: 'get', ref: { ...ref, name: 'missing' } }, 'n2');
    send({ verb: 'list', resource: 'leases', namespace: 'kube-system' }, 'n3');
    run();
    expect(server.accounting.rows().map((r) => [r.identity, r.verb, r.resource, r.count, r.ok, r.failures, r.responses, r.latencyMsSum])).toEqual([
      ['n1', 'create', 'leases', 1, 1, {}, 1, 4],
      ['n2', 'get', 'leases', 2, 1, { 'store-not-found': 1 }, 2, 8],
      ['n3', 'list', 'leases', 1, 1, {}, 1, 4],
    ]);
    expect(server.accounting.total({ verb: 'get' })).toBe(2);
    expect(server.accounting.total()).toBe(4);
  });

  it('two racing updates from the same resourceVersion: exactly one wins, the other gets 409', () => {
    const { server, responses, send, run } = setup(2);
    server.applyNow({ verb: 'create', resource: 'leases', object: lease('a', 'n0') });
    send({ verb: 'update', resource: 'leases', object: lease('a', 'n1', '1') }, 'n1');
    send({ verb: 'update', resource: 'leases', object: lease('a', 'n2', '1') }, 'n2');
    run();
    expect(responses.map((r) => (r.response.ok ? 'ok' : r.response.error.code))).toEqual(['ok', 'store-conflict']);
    expect((server.peek(ref)?.spec as { holderIdentity: string }).holderIdentity).toBe('n1');
  });

  it('an outage refuses requests with 503 Unavailable and does not count them as served', () => {
    const { server, responses, send, run } = setup(2);
    server.setAvailable(false);
    send({ verb: 'get', ref });
    run();
    expect(errorOf(responses[0]?.response).code).toBe('store-unavailable');
    expect(server.accounting.total()).toBe(0);
    expect(server.losses.requestsRefused).toBe(1);
  });

  it('a drop partition loses the partitioned identity\'s requests; others are served; heal restores', () => {
    const { server, responses, send, run } = setup(2);
    server.partition('n1');
    send({ verb: 'create', resource: 'leases', object: lease('a', 'n1') }, 'n1');
    send({ verb: 'list', resource: 'leases', namespace: 'kube-system' }, 'n2');
    run();
    expect(responses).toHaveLength(1);
    expect(server.losses.requestsDropped).toBe(1);
    server.heal('n1');
    send({ verb: 'get', ref }, 'n1');
    run(2_000);
    expect(responses).toHaveLength(2);
  });

  it('a partition starting mid-flight loses the response of an applied write (unknown outcome)', () => {
    const { server, responses, send, kernel, run } = setup(10);
    send({ verb: 'create', resource: 'leases', object: lease('a', 'n1') }, 'n1');
    kernel.at(7, () => server.partition('n1'));
    run();
    expect(server.peek(ref)).toBeDefined();
    expect(responses).toHaveLength(0);
    expect(server.losses.responsesDropped).toBe(1);
  });

  it('a reject partition answers at once with Unavailable', () => {
    const { server, responses, send, run } = setup(2);
    server.partition('n1', 'reject');
    send({ verb: 'get', ref }, 'n1');
    run();
    expect(errorOf(responses[0]?.response).message).toMatch(/n1 is partitioned/);
  });

  it('watch delivers ADDED/MODIFIED/DELETED in order to matching watchers only, and stops', () => {
    const { server, kernel } = setup(6);
    const seen: string[] = [];
    const other: WatchEvent[] = [];
    const handle = server.watch('leases', 'kube-system', 'n1', (e) => seen.push(`${e.type}@${kernel.nowMs}:${e.object.metadata.resourceVersion}`));
    server.watch('leases', 'other-ns', 'n2', (e) => other.push(e));
    server.applyNow({ verb: 'create', resource: 'leases', object: lease('a', 'n1') });
    server.applyNow({ verb: 'update', resource: 'leases', object: lease('a', 'n2', '1') });
    server.applyNow({ verb: 'delete', ref });
    kernel.run({ untilMs: 100, maxEvents: 100 });
    expect(seen).toEqual(['ADDED@3:1', 'MODIFIED@3:2', 'DELETED@3:3']);
    expect(other).toHaveLength(0);
    handle.stop();
    server.applyNow({ verb: 'create', resource: 'leases', object: lease('a', 'n1') });
    kernel.run({ untilMs: 200, maxEvents: 100 });
    expect(seen).toHaveLength(3);
    expect(server.accounting.total({ verb: 'watch' })).toBe(2);
  });
});

describe('SimApiServer: netem on an identity\'s API path', () => {
  it('delays the shaped identity\'s requests on the way in; others keep their round trip; clear restores', () => {
    const { server, responses, send, run, kernel } = setup(10);
    server.shape('n1', netemShape('n1/mgmt', { delayMs: 30 }));
    send({ verb: 'create', resource: 'leases', object: lease('a', 'n1') }, 'n1');
    send({ verb: 'get', ref: { ...ref, name: 'b' } }, 'n2');
    kernel.run({ untilMs: 34, maxEvents: 100 });
    expect(server.peek(ref)).toBeUndefined();
    run(100);
    expect(responses.map((r) => [r.atMs, r.response.ok])).toEqual([[10, false], [40, true]]);
    expect(server.accounting.rows().find((r) => r.identity === 'n1')?.latencyMsSum).toBe(40);
    server.shape('n1', undefined);
    const clearedAtMs = kernel.nowMs;
    send({ verb: 'get', ref }, 'n1');
    run(200);
    expect((responses[2]?.atMs ?? 0) - clearedAtMs).toBe(10);
  });

  it('100 % loss: every TCP transmission lost, the request never arrives and is counted apart', () => {
    const { server, responses, send, run } = setup(10);
    server.shape('n1', netemShape('n1/mgmt', { lossPercent: 100 }));
    send({ verb: 'create', resource: 'leases', object: lease('a', 'n1') }, 'n1');
    run(10_000_000);
    expect(responses).toEqual([]);
    expect(server.peek(ref)).toBeUndefined();
    expect(server.losses.requestsShapedLost).toBe(1);
    expect(server.accounting.total()).toBe(0);
  });

  it('shaping draws from its own stream: the other identities\' latency draws are unchanged', () => {
    const latencies = (shaped: boolean): number[] => {
      const kernel = new SimKernel();
      const server = new SimApiServer(kernel, { rng: new SeededRng(5), latency: { kind: 'uniform', minMs: 1, maxMs: 3 } });
      if (shaped) server.shape('n1', netemShape('n1/mgmt', { delayMs: 5, jitterMs: 4, lossPercent: 50 }));
      const out: number[] = [];
      for (let i = 0; i < 20; i += 1) {
        server.submit({ verb: 'get', ref }, 'n1', () => undefined);
        const sentAtMs = kernel.nowMs;
        server.submit({ verb: 'get', ref }, 'n2', () => out.push(kernel.nowMs - sentAtMs));
        kernel.run({ untilMs: kernel.nowMs + 50_000, maxEvents: 1_000 });
      }
      return out;
    };
    expect(latencies(true)).toEqual(latencies(false));
  });
});
