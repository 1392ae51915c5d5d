/**
 * Throughput of the simulator, for the issue-4 numbers: bare kernel events per second, and small
 * election trials per second (3 nodes × 5 services, 60 s virtual, one leader kill — the goal is
 * ≥ 500/s on one core). Wall time is measured through an injected `nowMs`, so this module reads no
 * ambient clock itself; run it with `node harness/sim/bench.ts`.
 */
import { getProfile } from '../profiles/profiles.ts';
import { ElectionWorld } from './election-world.ts';
import { SimKernel } from './kernel.ts';
import { ResponderWorld, type SimClientSpec } from './responder-world.ts';
import { lbService, threeNodeCluster } from './responder-world.fixtures.ts';

/** One measurement. */
export interface BenchResult {
  readonly name: string;
  readonly iterations: number;
  readonly wallMs: number;
  readonly perS: number;
}

/** Kernel events/s: a self-rescheduling event chain plus a 1,000-event standing queue. */
export function benchKernel(nowMs: () => number, events = 2_000_000): BenchResult {
  const kernel = new SimKernel();
  let fired = 0;
  const tick = (): void => {
    fired += 1;
    kernel.after(1 + (fired % 7), tick);
  };
  for (let i = 0; i < 1_000; i += 1) kernel.after(i, tick);
  const start = nowMs();
  kernel.run({ untilMs: Number.POSITIVE_INFINITY, maxEvents: events });
  const wallMs = nowMs() - start;
  return { name: 'kernel events', iterations: events, wallMs, perS: (events / wallMs) * 1000 };
}

/** Options of {@link benchElectionTrials}. */
export interface TrialBenchOptions {
  readonly trials: number;
  readonly recordHistory: boolean;
}

/** Election trials/s: build a world, run 20 s, kill the leader of one service, run to 60 s. */
export function benchElectionTrials(nowMs: () => number, options: TrialBenchOptions): BenchResult {
  const services = ['a', 'b', 'c', 'd', 'e'].map((s) => `default/${s}`);
  const start = nowMs();
  for (let seed = 1; seed <= options.trials; seed += 1) {
    const world = new ElectionWorld({
      seed,
      nodes: ['n1', 'n2', 'n3'],
      services,
      switches: { optimisticRenew: true, reacquireAfterLoss: true, releaseSetsOneSecond: true },
      recordHistory: options.recordHistory,
    });
    world.runUntil(20_000);
    const leader = world.holderOf('default/a');
    if (leader !== undefined && leader !== '') world.killNode(leader);
    world.runUntil(60_000);
  }
  const wallMs = nowMs() - start;
  return { name: `election trials (history ${options.recordHistory ? 'on' : 'off'})`, iterations: options.trials, wallMs, perS: (options.trials / wallMs) * 1000 };
}

/** Options of {@link benchResponderTrials}. */
export interface ResponderBenchOptions extends TrialBenchOptions {
  /** Clients with probers (default none). */
  readonly clients?: readonly SimClientSpec[];
}

/**
 * Responder trials/s: operator, 3 agents + datapaths, 5 LB services, Cilium default timings,
 * 60 s virtual, the holder node of one service killed at 20 s; optionally clients probing.
 */
export function benchResponderTrials(nowMs: () => number, options: ResponderBenchOptions): BenchResult & { readonly eventsPerTrial: number; readonly opsPerTrial: number } {
  const manifests = threeNodeCluster(['a', 'b', 'c', 'd', 'e'].map((name) => lbService(name)));
  const profile = getProfile('cilium-1.16');
  let events = 0;
  let ops = 0;
  const start = nowMs();
  for (let seed = 1; seed <= options.trials; seed += 1) {
    const world = new ResponderWorld({ seed, manifests, profile, recordHistory: options.recordHistory, ...(options.clients === undefined ? {} : { clients: options.clients }) });
    world.runUntil(20_000);
    const holder = world.holderOf('default/a');
    if (holder !== undefined && holder !== '') world.killNode(holder);
    world.runUntil(60_000);
    events += world.kernel.eventsTotal;
    ops += world.history.size;
  }
  const wallMs = nowMs() - start;
  const clients = options.clients?.length ?? 0;
  return {
    name: `responder trials (${clients} client${clients === 1 ? '' : 's'}, history ${options.recordHistory ? 'on' : 'off'})`,
    iterations: options.trials,
    wallMs,
    perS: (options.trials / wallMs) * 1000,
    eventsPerTrial: events / options.trials,
    opsPerTrial: ops / options.trials,
  };
}

if (import.meta.main && process.argv.includes('--responder')) {
  const now = (): number => performance.now();
  const clients: SimClientSpec[] = [{ id: 'c1', probe: { intervalMs: 1_000, timeoutMs: 1_000 } }];
  benchResponderTrials(now, { trials: 100, recordHistory: true, clients }); // warm-up (JIT)
  for (const result of [benchResponderTrials(now, { trials: 1_000, recordHistory: true }), benchResponderTrials(now, { trials: 1_000, recordHistory: true, clients }), benchResponderTrials(now, { trials: 1_000, recordHistory: false, clients })]) {
    console.log(`${result.name}: ${result.perS.toFixed(0)}/s (${result.iterations} in ${result.wallMs.toFixed(0)} ms; ${result.eventsPerTrial.toFixed(0)} events, ${result.opsPerTrial.toFixed(0)} ops per trial)`);
  }
} else if (import.meta.main) {
  const now = (): number => performance.now();
  benchElectionTrials(now, { trials: 300, recordHistory: true }); // warm-up (JIT)
  for (const result of [benchKernel(now), benchElectionTrials(now, { trials: 3_000, recordHistory: true }), benchElectionTrials(now, { trials: 3_000, recordHistory: false })]) {
    console.log(`${result.name}: ${result.perS.toFixed(0)}/s (${result.iterations} in ${result.wallMs.toFixed(0)} ms)`);
  }
}
