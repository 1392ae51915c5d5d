/** A run's Lease requests from a shared audit log: only the run's window counts. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTimestampUs } from '../../control-plane/audit-log.ts';
import { summarizeAuditForRun } from './audit-window.ts';

const scratch = await mkdtemp(join(tmpdir(), 'l2lab-audit-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

function event(id: string, receivedAt: string, over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    kind: 'Event',
    auditID: id,
    stage: 'ResponseComplete',
    verb: 'update',
    user: { username: 'system:node:node-1' },
    objectRef: { resource: 'leases', namespace: 'kube-system', name: 'l', apiGroup: 'coordination.k8s.io' },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: receivedAt,
    stageTimestamp: receivedAt,
    ...over,
  });
}

const us = (text: string): number => parseTimestampUs(text) as number;

describe('summarizeAuditForRun', () => {
  it('counts per identity and verb only the requests received in [from, to), skipping a partial last line', async () => {
    const path = join(scratch, 'audit.log');
    const lines = [
      event('before', '2026-11-21T13:50:00.999999Z'),
      event('1', '2026-11-21T13:50:01.000000Z'),
      event('2', '2026-11-21T13:50:02.000000Z', { verb: 'get' }),
      event('3', '2026-11-21T13:50:03.000000Z', { user: { username: 'l2lab-lbipam-operator' }, verb: 'list' }),
      event('svc', '2026-11-21T13:50:03.500000Z', { objectRef: { resource: 'services', apiGroup: '' } }),
      event('at-end', '2026-11-21T13:50:04.000000Z'),
    ];
    await writeFile(path, `${lines.join('\n')}\n{"kind":"Event","audit`);
    const result = await summarizeAuditForRun(path, us('2026-11-21T13:50:01Z'), us('2026-11-21T13:50:04Z'));
    expect(result.eventsInWindow).toBe(4);
    expect(result.problems).toEqual([]);
    const counts = Object.fromEntries(Object.entries(result.summary).map(([user, verbs]) => [user, Object.fromEntries(Object.entries(verbs).map(([verb, s]) => [verb, s.count]))]));
    expect(counts).toEqual({ 'l2lab-lbipam-operator': { list: 1 }, 'system:node:node-1': { get: 1, update: 1 } });
    const services = await summarizeAuditForRun(path, us('2026-11-21T13:50:01Z'), us('2026-11-21T13:50:04Z'), { resource: 'services' });
    expect(Object.keys(services.summary)).toEqual(['system:node:node-1']);
  });

  it('refuses an empty window and names a missing log', async () => {
    await expect(summarizeAuditForRun('x', 5, 5)).rejects.toThrow('summarising x: the window [5, 5) µs is empty');
    await expect(summarizeAuditForRun(join(scratch, 'none.log'), 0, 1)).rejects.toThrow(/reading the audit log .*none\.log: ENOENT/);
  });
});
