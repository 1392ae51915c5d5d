/**
 * Throughput of the simulator, for the issue-4 numbers: bare kernel events per second, and small
 * election trials per second (3 nodes × 5 services, 60 s virtual, one leader kill — the goal is
 * ≥ 500/s on one core). Wall time is measured through an injected `nowMs`, so this module reads no
 * ambient clock itself; run it with `node harness/sim/bench.ts`.
 */
import { ElectionWorld } from './election-world.ts';
import { SimKernel } from './kernel.ts';

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

if (import.meta.main) {
  const now = (): number => performance.now();
  benchElectionTrials(now, { trials: 300, recordHistory: true }); // warm-up (JIT)
  for (const result of [benchKernel(now), benchElectionTrials(now, { trials: 3_000, recordHistory: true }), benchElectionTrials(now, { trials: 3_000, recordHistory: false })]) {
    console.log(`${result.name}: ${result.perS.toFixed(0)}/s (${result.iterations} in ${result.wallMs.toFixed(0)} ms)`);
  }
}
