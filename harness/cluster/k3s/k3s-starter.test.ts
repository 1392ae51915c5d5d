import { describe, expect, it } from 'vitest';
import type { Clock, SleepOutcome } from '../../core/clock.ts';
import { planK3sCluster } from './k3s-plan.ts';
import { K3sStartError, startK3sCluster, type K3sFactory } from './k3s-starter.ts';

/** Virtual time: sleep advances it at once. */
function fakeClock(): Clock {
  let now = 0;
  return {
    monotonicMs: () => now,
    wallMs: () => now,
    setTimer: () => ({ cancel: () => {} }),
    sleep: async (ms: number, signal?: AbortSignal): Promise<SleepOutcome> => {
      if (signal?.aborted === true) return 'aborted';
      now += ms;
      return 'elapsed';
    },
  };
}

interface FakeOptions {
  failAt?: string;
  /** Node names each listNodeNames call returns, in turn (the last repeats). */
  registered?: string[][];
  onList?: () => void;
}

function fakeFactory(o: FakeOptions = {}): { factory: K3sFactory; log: string[] } {
  const log: string[] = [];
  let calls = 0;
  const start = async (what: string) => {
    if (o.failAt === what) throw new Error(`boom at ${what}`);
    log.push(`start ${what}`);
    return { stop: async () => void log.push(`stop ${what}`) };
  };
  return {
    log,
    factory: {
      startNetwork: (name) => start(`network ${name}`),
      startServer: async (spec, network) => ({ ...(await start(`server ${spec.name} on ${network}`)), kubeconfig: () => 'apiVersion: v1\nkind: Config\n' }),
      startAgent: (spec, network) => start(`agent ${spec.name} on ${network}`),
      listNodeNames: async () => {
        log.push('list nodes');
        o.onList?.();
        const all = o.registered ?? [['l2lab-r1-server', 'l2lab-r1-a1', 'l2lab-r1-a2']];
        const names = all[Math.min(calls, all.length - 1)] ?? [];
        calls += 1;
        return names;
      },
    },
  };
}

const plan = planK3sCluster({ runId: 'r1', target: 'l2lab', agents: 2, token: 't' });

async function start(o: FakeOptions, extra: { signal?: AbortSignal; registerTimeoutMs?: number } = {}) {
  const { factory, log } = fakeFactory(o);
  const written: string[] = [];
  const progress: string[] = [];
  const run = startK3sCluster(plan, { factory, clock: fakeClock(), resolvePath: (p) => `/repo/${p}`, progress: (l) => progress.push(l), writeKubeconfig: async (path, text) => void written.push(`${path}\n${text}`), ...extra });
  return { run, log, written, progress };
}

describe('startK3sCluster', () => {
  it('starts the network, the server, the agents, waits for every node, then writes the kubeconfig; stop goes newest first', async () => {
    const { run, log, written } = await start({ registered: [[], ['l2lab-r1-server'], ['l2lab-r1-server', 'l2lab-r1-a1', 'l2lab-r1-a2']] });
    const cluster = await run;
    expect(log).toEqual(['start network l2lab-r1', 'start server l2lab-r1-server on l2lab-r1', 'start agent l2lab-r1-a1 on l2lab-r1', 'start agent l2lab-r1-a2 on l2lab-r1', 'list nodes', 'list nodes', 'list nodes']);
    expect(written).toEqual(['/repo/.cache/cluster/r1/kubeconfig\napiVersion: v1\nkind: Config\n']);
    expect(cluster.kubeconfigPath).toBe('/repo/.cache/cluster/r1/kubeconfig');
    log.length = 0;
    expect(await cluster.stop()).toEqual([]);
    expect(log).toEqual(['stop agent l2lab-r1-a2 on l2lab-r1', 'stop agent l2lab-r1-a1 on l2lab-r1', 'stop server l2lab-r1-server on l2lab-r1', 'stop network l2lab-r1']);
  });

  it('an agent failing midway stops what started, newest first, and says where', async () => {
    const { run, log, written } = await start({ failAt: 'agent l2lab-r1-a2 on l2lab-r1' });
    const error = await run.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(K3sStartError);
    expect((error as K3sStartError).stage).toBe('agent');
    expect((error as Error).message).toMatch(/starting k3s agent l2lab-r1-a2: boom/);
    expect(log).toEqual(['start network l2lab-r1', 'start server l2lab-r1-server on l2lab-r1', 'start agent l2lab-r1-a1 on l2lab-r1', 'stop agent l2lab-r1-a1 on l2lab-r1', 'stop server l2lab-r1-server on l2lab-r1', 'stop network l2lab-r1']);
    expect(written).toEqual([]);
  });

  it('a server that cannot start (an image that cannot be pulled) stops the network', async () => {
    const { run, log } = await start({ failAt: 'server l2lab-r1-server on l2lab-r1' });
    await expect(run).rejects.toMatchObject({ stage: 'server' });
    expect(log).toEqual(['start network l2lab-r1', 'stop network l2lab-r1']);
  });

  it('nodes that never register: bounded wait, names them, stops everything', async () => {
    const { run, log, progress } = await start({ registered: [['l2lab-r1-server', 'l2lab-r1-a1']] }, { registerTimeoutMs: 10_000 });
    await expect(run).rejects.toThrow(/l2lab-r1-a2 not registered within 10000 ms/);
    expect(log.filter((l) => l === 'list nodes').length).toBe(6);
    expect(log.slice(-4)).toEqual(['stop agent l2lab-r1-a2 on l2lab-r1', 'stop agent l2lab-r1-a1 on l2lab-r1', 'stop server l2lab-r1-server on l2lab-r1', 'stop network l2lab-r1']);
    expect(progress.some((l) => /2\/3 node\(s\) registered; waiting for l2lab-r1-a2/.test(l))).toBe(true);
  });

  it('an abort (SIGINT) during the wait ends it and stops everything; an abort before the start starts nothing', async () => {
    const controller = new AbortController();
    const { run, log } = await start({ registered: [[]], onList: () => controller.abort() }, { signal: controller.signal });
    await expect(run).rejects.toMatchObject({ stage: 'aborted' });
    expect(log.slice(-4)).toEqual(['stop agent l2lab-r1-a2 on l2lab-r1', 'stop agent l2lab-r1-a1 on l2lab-r1', 'stop server l2lab-r1-server on l2lab-r1', 'stop network l2lab-r1']);
    const early = await start({}, { signal: controller.signal });
    await expect(early.run).rejects.toMatchObject({ stage: 'aborted' });
    expect(early.log).toEqual([]);
  });
});
