/**
 * Simulator numbers for issue 4 (reported, not pass/fail):
 *
 * (a) small trials/s — 3 nodes × 5 services, 60 s virtual, one leader kill — election-only and with
 *     the full ResponderWorld (operator, agents, datapaths, observer), with and without a client
 *     probing every VIP each second;
 * (b) a large cluster (default 1,000 nodes × 1,000 services, 10 virtual minutes): wall time and peak
 *     RSS, measured in a child process so the RSS is the world's alone;
 * (c) the lease-load grid: nodes × services × retryPeriod, GET/PUT/LIST per second counted by the
 *     sim API server against `estimateLeaseLoad`, with the % difference per cell.
 *
 * Wall time comes from `process.hrtime` here, in the driver only; the sim reads no ambient clock.
 * Small trials are also reported per CPU second of this process (`process.cpuUsage`, GC helper
 * threads included): on a machine shared with other work that is the steadier "one core" figure.
 * Runs the TypeScript as `./l2lab` does (Node's own type stripping); under tsx (keepNames, its
 * own transform) the same code measured ~8 % slower.
 * Usage: `node bench/sim-bench.ts [--only small|large|grid] [--quick] [--forks N]
 *        [--large-nodes N] [--large-services S] [--large-minutes M] [--candidates K]`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchElectionTrials, benchResponderTrials } from '../harness/sim/bench.ts';
import { measureLeaseLoad, type LeaseLoadCell } from '../harness/sim/lease-load-grid.ts';
import { largeCluster } from '../harness/sim/large-cluster.ts';
import { ResponderWorld, type SimClientSpec } from '../harness/sim/responder-world.ts';
import { getProfile } from '../harness/profiles/profiles.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const quick = args.includes('--quick');
const only = flag('--only');
const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;
const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** One configuration of table (a), measured in a process of its own. */
interface SmallConfig {
  readonly name: string;
  readonly kind: 'election' | 'responder';
  readonly recordHistory: boolean;
  readonly clients: number;
  /** Measured trials (after a warm-up of the same configuration). */
  readonly trials: number;
}

/** What a child prints (one JSON line) for one measured configuration. */
interface SmallMeasurement {
  readonly wallPerS: number;
  readonly cpuPerS: number;
  readonly eventsPerTrial: number | undefined;
  readonly opsPerTrial: number | undefined;
}

const PROBING_CLIENT: SimClientSpec[] = [{ id: 'c1', probe: { intervalMs: 1_000, timeoutMs: 1_000 } }];

/**
 * Table (a). Each configuration runs in fresh processes (JMH's forks): V8 specialises call sites on
 * what ran before, so a configuration measured after others in one process runs a few % slower
 * than the same configuration alone (a history-on run measured ~6 % below a fresh process once
 * the election worlds, the probing client's worlds and the no-history worlds had warmed the same
 * code). The median of `forks` processes is reported.
 */
function small(): void {
  const trials = quick ? 300 : 1_000;
  const forks = Number(flag('--forks') ?? (quick ? 1 : 3));
  const configs: SmallConfig[] = [
    { name: 'election only (history on)', kind: 'election', recordHistory: true, clients: 0, trials: trials * 3 },
    { name: 'responder trials (0 clients, history on)', kind: 'responder', recordHistory: true, clients: 0, trials },
    { name: 'responder trials (0 clients, history off)', kind: 'responder', recordHistory: false, clients: 0, trials },
    { name: 'responder trials (1 client, history on)', kind: 'responder', recordHistory: true, clients: 1, trials },
    { name: 'responder trials (1 client, history off)', kind: 'responder', recordHistory: false, clients: 1, trials },
  ];
  console.log(`\n(a) small trials: 3 nodes × 5 services, 60 s virtual, one leader kill (goal ≥ 500/s, one core); median of ${forks} fresh process${forks === 1 ? '' : 'es'} per row`);
  console.log(pad('world', 48) + pad('trials/s', 10) + pad('per CPU-s', 11) + pad('events/trial', 14) + 'ops/trial');
  for (const config of configs) {
    const runs: SmallMeasurement[] = [];
    for (let fork = 0; fork < forks; fork += 1) {
      const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--small-child', JSON.stringify(config)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      const line = child.stdout.trim().split('\n').at(-1) ?? '';
      if (child.status !== 0 || line === '') {
        console.log(`${config.name}: child failed (status ${child.status}, signal ${child.signal})`);
        return;
      }
      runs.push(JSON.parse(line) as SmallMeasurement);
    }
    const wall = median(runs.map((r) => r.wallPerS));
    const cpu = median(runs.map((r) => r.cpuPerS));
    const first = runs[0];
    const events = first?.eventsPerTrial === undefined ? '-' : first.eventsPerTrial.toFixed(0);
    const ops = first?.opsPerTrial === undefined ? '-' : first.opsPerTrial.toFixed(0);
    const spread = forks > 1 ? ` (${runs.map((r) => r.cpuPerS.toFixed(0)).join(', ')})` : '';
    console.log(pad(config.name, 48) + pad(wall.toFixed(0), 10) + pad(cpu.toFixed(0), 11) + pad(events, 14) + ops + spread);
  }
}

/** Runs in the child: warm-up (JIT) with the same configuration, then the measured trials. */
function smallChild(config: SmallConfig): void {
  const clients = config.clients === 0 ? undefined : PROBING_CLIENT.slice(0, config.clients);
  const run = (clock: () => number, trials: number): { readonly perS: number; readonly eventsPerTrial?: number; readonly opsPerTrial?: number } =>
    config.kind === 'election'
      ? benchElectionTrials(clock, { trials, recordHistory: config.recordHistory })
      : benchResponderTrials(clock, { trials, recordHistory: config.recordHistory, ...(clients === undefined ? {} : { clients }) });
  run(nowMs, Math.max(100, Math.round(config.trials / 5)));
  const startMs = nowMs();
  const result = run(cpuMs, config.trials);
  const measurement: SmallMeasurement = {
    wallPerS: (config.trials / (nowMs() - startMs)) * 1000,
    cpuPerS: result.perS,
    eventsPerTrial: result.eventsPerTrial,
    opsPerTrial: result.opsPerTrial,
  };
  console.log(JSON.stringify(measurement));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function large(): void {
  const nodes = Number(flag('--large-nodes') ?? 1_000);
  const services = Number(flag('--large-services') ?? 1_000);
  const minutes = Number(flag('--large-minutes') ?? 10);
  const candidates = Number(flag('--candidates') ?? 3);
  console.log(`\n(b) large cluster: ${nodes} nodes × ${services} services (eTP=Local, ${candidates > 0 ? `${candidates} backend nodes` : 'every node a candidate'} per service), ${minutes} virtual min (goal < 60 s wall, < 2 GB)`);
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--large-child', String(nodes), String(services), String(minutes), String(candidates)], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (child.status !== 0) console.log(`large-cluster child failed (status ${child.status}, signal ${child.signal})`);
}

/** Runs in the child: builds and runs the world, prints per-minute progress, wall and peak RSS. */
function largeChild(nodes: number, services: number, minutes: number, candidates: number): void {
  const startMs = nowMs();
  const world = new ResponderWorld({ seed: 1, manifests: largeCluster({ nodes, services, backendsPerService: candidates }), profile: getProfile('cilium-1.20.2'), recordHistory: false });
  const builtMs = nowMs();
  console.log(`  built in ${(builtMs - startMs).toFixed(0)} ms`);
  console.log('  ' + pad('virtual', 10) + pad('wall s', 10) + pad('events', 14) + pad('requests', 12) + 'RSS MB');
  for (let minute = 1; minute <= minutes; minute += 1) {
    world.runUntil(minute * 60_000, Number.MAX_SAFE_INTEGER);
    const requests = world.server.accounting.total();
    console.log('  ' + pad(`${minute} min`, 10) + pad(((nowMs() - startMs) / 1000).toFixed(1), 10) + pad(String(world.kernel.eventsTotal), 14) + pad(String(requests), 12) + (process.memoryUsage().rss / 2 ** 20).toFixed(0));
  }
  const wallS = (nowMs() - startMs) / 1000;
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(`  total: ${wallS.toFixed(1)} s wall (build included), peak RSS ${peakMb.toFixed(0)} MB, ${world.kernel.eventsTotal} events, ${(world.kernel.eventsTotal / wallS / 1e6).toFixed(2)} M events/s`);
}

function grid(): void {
  const nodeCounts = [3, 10, 50];
  const serviceCounts = [5, 50, 200];
  const retryPeriodsMs = [200, 2_000];
  console.log('\n(c) lease load, sim vs estimateLeaseLoad (ElectionWorld, optimistic renew, every node a candidate; % = measured / model − 1)');
  console.log(pad('nodes', 7) + pad('svcs', 6) + pad('R ms', 7) + pad('window s', 10) + pad('GET/s sim', 12) + pad('model', 10) + pad('Δ%', 8) + pad('PUT/s sim', 12) + pad('model', 10) + pad('Δ%', 8) + pad('LIST/s sim', 12) + pad('model', 10) + pad('Δ%', 8) + 'wall s');
  for (const retryPeriodMs of retryPeriodsMs) {
    for (const nodes of nodeCounts) {
      for (const services of serviceCounts) {
        const start = nowMs();
        const cell: LeaseLoadCell = measureLeaseLoad({ nodes, services, retryPeriodMs, seed: 7, ...(quick ? { targetRequests: 50_000 } : {}) });
        const wallS = (nowMs() - start) / 1000;
        const f = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(3));
        const d = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}`;
        console.log(
          pad(String(nodes), 7) + pad(String(services), 6) + pad(String(retryPeriodMs), 7) + pad((cell.windowMs / 1000).toFixed(0), 10) +
            pad(f(cell.measured.get), 12) + pad(f(cell.model.get), 10) + pad(d(cell.diff.get), 8) +
            pad(f(cell.measured.update), 12) + pad(f(cell.model.update), 10) + pad(d(cell.diff.update), 8) +
            pad(f(cell.measured.list), 12) + pad(f(cell.model.list), 10) + pad(d(cell.diff.list), 8) + wallS.toFixed(1),
        );
      }
    }
  }
}

function pad(text: string, width: number): string {
  return text.padEnd(width);
}

if (args[0] === '--large-child') {
  largeChild(Number(args[1]), Number(args[2]), Number(args[3]), Number(args[4]));
} else if (args[0] === '--small-child') {
  smallChild(JSON.parse(args[1] ?? '{}') as SmallConfig);
} else {
  if (only === undefined || only === 'small') small();
  if (only === undefined || only === 'large') large();
  if (only === undefined || only === 'grid') grid();
}
