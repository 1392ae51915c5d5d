/**
 * `l2lab bench compare`: the comparison users ask for — the same leader-failure sweep on several
 * implementations' profiles (default `cilium-1.16`, `metallb-l2`, `kube-vip-arp`) and their Lease
 * load, side by side on one page. It runs `bench failover` once with a profile axis and
 * `bench lease-load` once per profile into sub-directories, then writes `summary.md` and
 * `results.json` from their results (`compare-render.ts`). No measurement of its own.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, UserError } from '../cli/user-error.ts';
import { PROFILES } from '../profiles/profiles.ts';
import { benchDirFor, benchFailoverCommand, type BenchPorts } from './failover-cli.ts';
import type { FailoverBenchResults } from './failover-results.ts';
import { benchLeaseLoadCommand, type LeaseLoadBenchResults } from './lease-load-cli.ts';
import { failoverTable, leaseLoadTable, renderCompareMarkdown, type CompareTable, type ProfileLeaseLoad } from './compare-render.ts';
import { borderlessTable, tableText } from '../cli/table.ts';

/** Options of `l2lab bench compare`. */
export interface BenchCompareOptions {
  readonly world: 'sim' | 'lab';
  /** Comma-separated profiles. */
  readonly profiles: string;
  /** Failover sweep axes (`--sweep`, as `bench failover`). */
  readonly sweep: readonly string[];
  readonly trials?: number;
  /** Lease-load grid (as `bench lease-load`). */
  readonly nodes: string;
  readonly services: string;
  readonly retry: string;
  readonly seed: number;
  readonly out?: string;
}

/** The failover sweep compared when none is given: fast and default timings, agent and node kill. */
export const DEFAULT_COMPARE_SWEEP = ['timings=fast,cilium-default', 'fault=agent-kill,node-kill'] as const;

/** Runs the comparison; returns the exit code (5 when interrupted). @throws UserError (exit 2). */
export async function benchCompareCommand(options: BenchCompareOptions, ports: BenchPorts): Promise<number> {
  const profiles = options.profiles.split(',').map((p) => p.trim());
  const unknown = profiles.filter((p) => !PROFILES.has(p));
  if (profiles.length < 2 || unknown.length > 0) throw new UserError(`--profiles ${options.profiles}: expected two or more of ${[...PROFILES.keys()].join(', ')}${unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : ''}`);
  const out = options.out ?? benchDirFor(ports.reportsRoot ?? 'reports', 'compare', ports.now());
  const quiet: BenchPorts = { ...ports, stdout: () => undefined };
  const failoverDir = 'failover';
  ports.stderr(`bench compare: ${profiles.join(', ')} in ${options.world} → ${out}\n`);
  const sweep = options.sweep.length > 0 ? options.sweep : [...DEFAULT_COMPARE_SWEEP];
  let code = await benchFailoverCommand({ world: options.world, profile: profiles.join(','), sweep, seed: options.seed, out: join(out, failoverDir), ...(options.trials === undefined ? {} : { trials: options.trials }) }, quiet);
  const failover = JSON.parse(await readFile(join(out, failoverDir, 'results.json'), 'utf8')) as FailoverBenchResults;
  const leaseLoad: ProfileLeaseLoad[] = [];
  const leaseLoadDirs: string[] = [];
  for (const profile of profiles) {
    if (code !== EXIT.ok) break;
    const dir = `lease-load-${profile}`;
    code = await benchLeaseLoadCommand({ world: options.world, nodes: options.nodes, services: options.services, retry: options.retry, profile, seed: options.seed, out: join(out, dir) }, quiet);
    leaseLoad.push({ profile, results: JSON.parse(await readFile(join(out, dir, 'results.json'), 'utf8')) as LeaseLoadBenchResults });
    leaseLoadDirs.push(dir);
  }
  const input = { profiles, failover, leaseLoad };
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'summary.md'), renderCompareMarkdown(input, { failoverDir, leaseLoadDirs }));
  await writeFile(join(out, 'results.json'), `${JSON.stringify({ kind: 'bench-compare', profiles, world: options.world, interrupted: code === EXIT.interrupted, failoverDir, leaseLoadDirs, failover: failoverTable(failover), leaseLoad: leaseLoadTable(leaseLoad) }, null, 2)}\n`);
  ports.stdout(`FAILOVER  p50 / p99 ms after the fault\n${text(failoverTable(failover))}\nLEASE LOAD  requests/s on the API server, all nodes\n${text(leaseLoadTable(leaseLoad))}\n${code === EXIT.interrupted ? 'INTERRUPTED: partial results' : 'done'} · ${join(out, 'summary.md')}\n`);
  return code;
}

function text(table: CompareTable): string {
  const t = borderlessTable([...table.head]);
  for (const row of table.rows) t.push([...row]);
  return `${tableText(t)}\n`;
}
