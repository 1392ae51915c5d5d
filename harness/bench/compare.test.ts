import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, scratchDir } from '../cli/test-io.ts';

const dir = scratchDir('l2lab-bench-compare-');
afterAll(dir.remove);

describe('l2lab bench compare', () => {
  it('refuses fewer than two profiles and unknown ones (exit 2)', async () => {
    const one = await runCli('bench', 'compare', '--profiles', 'cilium-1.16', '--out', join(dir.path, 'never'));
    expect(one.code).toBe(2);
    expect(one.err).toContain('expected two or more of');
    const unknown = await runCli('bench', 'compare', '--profiles', 'cilium-1.16,metallb-9', '--out', join(dir.path, 'never'));
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('(unknown: metallb-9)');
    expect(existsSync(join(dir.path, 'never'))).toBe(false);
  });

  it('puts Cilium, MetalLB and kube-vip side by side: failover per point, Lease load per cell', async () => {
    const out = join(dir.path, 'three');
    const r = await runCli('bench', 'compare', '--trials', '3', '--sweep', 'timings=fast', '--sweep', 'fault=agent-kill', '--nodes', '3', '--services', '5', '--out', out);
    expect(r.code).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { failover: { rows: string[][] }; leaseLoad: { rows: string[][] } };
    expect(results.failover.rows.map((row) => row[0])).toEqual(['cilium-1.16', 'metallb-l2', 'kube-vip-arp']);
    // Every implementation fails over in every trial (no "never" cell).
    for (const row of results.failover.rows) expect(row.slice(3).join(' ')).not.toContain('never');
    const leaseRate = (profile: string): number => Number(results.leaseLoad.rows.find((row) => row[0] === profile)?.[3]);
    expect(leaseRate('cilium-1.16')).toBeGreaterThan(1);
    expect(leaseRate('kube-vip-arp')).toBeGreaterThan(1);
    expect(leaseRate('metallb-l2')).toBe(0); // gossip, no Leases
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(summary).toContain('| metallb-l2 | timings=fast fault=kill-agent | 3 |');
    expect(summary).toContain('[lease-load-kube-vip-arp](lease-load-kube-vip-arp/summary.md)');
    expect(existsSync(join(out, 'failover', 'cdf-leaseTakenOver.svg'))).toBe(true);
  });
});
