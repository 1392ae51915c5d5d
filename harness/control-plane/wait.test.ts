import { describe, expect, it } from 'vitest';
import { waitFor, WaitError } from './wait.ts';

describe('waitFor', () => {
  it('resolves once the probe is done', async () => {
    let n = 0;
    const ms = await waitFor({ what: 'x', timeoutMs: 1000, pollMs: 1, probe: async () => (++n >= 3 ? { done: true } : { done: false, last: `n=${n}` }) });
    expect(n).toBe(3);
    expect(ms).toBeGreaterThanOrEqual(0);
  });
  it('names what it waited for, what it saw last and the limit', async () => {
    const error = await waitFor({ what: 'kube-apiserver /readyz', timeoutMs: 20, pollMs: 5, probe: async () => { throw new Error('ECONNREFUSED'); } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitError);
    expect((error as Error).message).toBe('waiting for kube-apiserver /readyz: ECONNREFUSED after 20ms');
  });
  it('stops at once when the guard objects', async () => {
    await expect(waitFor({ what: 'etcd', timeoutMs: 10_000, pollMs: 5, probe: async () => ({ done: false, last: '' }), guard: async () => 'etcd exited' }))
      .rejects.toThrow('waiting for etcd: etcd exited');
  });
});
