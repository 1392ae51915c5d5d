import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './main.ts';

function capture(): { io: { stdout: (t: string) => void; stderr: (t: string) => void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) }, out, err };
}

describe('l2lab control-plane (no server needed)', () => {
  it('status/down/env on a directory without a run: one message, exit 2, no stack', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'l2lab-cli-cp-'));
    try {
      for (const cmd of ['status', 'down', 'env', 'audit']) {
        const c = capture();
        expect(await main(['control-plane', cmd, '--run-dir', dir], c.io)).toBe(2);
        expect(c.err.join('')).toBe(`l2lab: reading control-plane record ${dir}/control-plane.json: ENOENT (is a control plane up with this --run-dir?)\n`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a bad port and a bad node list before starting anything', async () => {
    const c = capture();
    expect(await main(['control-plane', 'up', '--port', '70000'], c.io)).toBe(2);
    expect(c.err.join('')).toContain('a TCP port 0..65535');
    const d = capture();
    expect(await main(['control-plane', 'up', '--run-dir', join(tmpdir(), 'l2lab-never'), '--nodes', 'Bad_Name'], d.io)).toBe(2);
    expect(d.err.join('')).toContain("node name 'Bad_Name' is not a DNS label");
  });
});
