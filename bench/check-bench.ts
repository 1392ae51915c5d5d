/**
 * Benchmark: `l2lab check` on a generated set of 5,000 services, 50 nodes, 20 pools and 10
 * policies, run as a user runs it (a fresh process). Reports wall time and peak RSS against the
 * goal (< 2 s, < 300 MB). Numbers, not pass/fail: a slow machine must not break `make test`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateManifests } from './generate-manifests.ts';

const scale = { services: 5000, nodes: 50, pools: 20, policies: 10 };
const runs = Number(process.env.BENCH_RUNS ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'l2lab-bench-check-'));
try {
  const file = join(dir, 'cluster.yaml');
  writeFileSync(file, generateManifests(scale));
  process.stdout.write(`bench check: ${scale.services} services, ${scale.nodes} nodes, ${scale.pools} pools, ${scale.policies} policies (${(statSync(file).size / 1e6).toFixed(1)} MB of YAML), ${runs} runs\n`);
  const walls: number[] = [];
  const rssMb: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = process.hrtime.bigint();
    const child = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, '--max-semi-space-size=4', 'bin/l2lab.mjs', 'check', '-f', file, '--format', 'json'], {
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (child.status !== 0) {
      process.stderr.write(child.stderr);
      throw new Error(`bench check: l2lab check exited ${child.status}`);
    }
    const maxRssKb = Number(child.stderr.trim().split('\n').pop());
    walls.push(wallMs);
    rssMb.push(maxRssKb / 1024);
    process.stdout.write(`  run ${i + 1}: ${(wallMs / 1000).toFixed(2)} s wall, ${(maxRssKb / 1024).toFixed(0)} MB peak RSS\n`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const wall = median(walls) / 1000;
  const rss = Math.max(...rssMb);
  process.stdout.write(
    `bench check: median ${wall.toFixed(2)} s wall (goal < 2 s: ${wall < 2 ? 'met' : 'MISSED'}), ` +
      `peak ${rss.toFixed(0)} MB RSS (goal < 300 MB: ${rss < 300 ? 'met' : 'MISSED'})\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
