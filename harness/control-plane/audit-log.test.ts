import { mkdtemp, appendFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLogCursor, nearestRank, parseAuditLog, parseTimestampUs, summarizeAudit } from './audit-log.ts';

function event(over: Record<string, unknown>): string {
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: 'a',
    stage: 'ResponseComplete',
    verb: 'update',
    user: { username: 'system:node:node-1', groups: ['system:nodes'] },
    userAgent: 'l2lab-test',
    objectRef: { resource: 'leases', namespace: 'kube-system', name: 'l', apiGroup: 'coordination.k8s.io', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: '2026-11-21T13:50:01.000100Z',
    stageTimestamp: '2026-11-21T13:50:01.002600Z',
    ...over,
  });
}

describe('parseTimestampUs', () => {
  it('keeps microseconds and accepts offsets and nanoseconds', () => {
    expect(parseTimestampUs('1970-01-01T00:00:01.000002Z')).toBe(1_000_002);
    expect(parseTimestampUs('1970-01-01T00:00:01.000002999Z')).toBe(1_000_002);
    expect(parseTimestampUs('1970-01-01T01:00:00+01:00')).toBe(0);
    expect(parseTimestampUs('yesterday')).toBeUndefined();
  });
});

describe('summarizeAudit', () => {
  const log = [
    event({ auditID: '1' }),
    event({ auditID: '2', responseStatus: { code: 409 }, stageTimestamp: '2026-11-21T13:50:01.001100Z' }),
    event({ auditID: '3', verb: 'get' }),
    event({ auditID: '4', user: { username: 'l2lab-lbipam-operator' }, verb: 'create', responseStatus: { code: 201 } }),
    event({ auditID: '5', stage: 'ResponseStarted', verb: 'watch' }),
    event({ auditID: '6', objectRef: { resource: 'services', apiGroup: '' } }),
    'not json',
    '{"kind":"Other"}',
  ].join('\n');

  it('counts completed lease requests per identity, verb and code', () => {
    const { events, problems } = parseAuditLog(log);
    expect(problems).toEqual([
      { lineNumber: 7, reason: 'not JSON' },
      { lineNumber: 8, reason: 'not an audit Event' },
    ]);
    const s = summarizeAudit(events);
    expect(Object.keys(s)).toEqual(['l2lab-lbipam-operator', 'system:node:node-1']);
    expect(s['system:node:node-1']?.['update']).toMatchObject({ count: 2, byCode: { '200': 1, '409': 1 } });
    expect(s['system:node:node-1']?.['get']?.count).toBe(1);
    expect(s['system:node:node-1']?.['watch']).toBeUndefined(); // ResponseStarted only
    expect(s['l2lab-lbipam-operator']?.['create']?.byCode).toEqual({ '201': 1 });
  });

  it('measures latency as stage minus received timestamp', () => {
    const s = summarizeAudit(parseAuditLog(log).events);
    const update = s['system:node:node-1']?.['update'];
    expect(update?.latency.maxMs).toBeCloseTo(2.5, 6);
    expect(update?.latency.p50Ms).toBeCloseTo(1.0, 6);
    expect(update?.latency.meanMs).toBeCloseTo(1.75, 6);
  });

  it('can count other resources', () => {
    const s = summarizeAudit(parseAuditLog(log).events, { resource: 'services' });
    expect(s['system:node:node-1']?.['update']?.count).toBe(1);
  });

  it('nearestRank picks the ceil(q*n)-th value', () => {
    expect(nearestRank([1, 2, 3, 4], 0.5)).toBe(2);
    expect(nearestRank([1, 2, 3, 4], 0.99)).toBe(4);
    expect(nearestRank([], 0.5)).toBeNaN();
  });
});

describe('AuditLogCursor', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('returns only complete lines appended since the last read', async () => {
    dir = await mkdtemp(join(tmpdir(), 'l2lab-audit-'));
    const path = join(dir, 'audit.log');
    expect((await AuditLogCursor.fromStart(path).readNew()).events).toEqual([]); // missing file
    await appendFile(path, event({ auditID: 'old' }) + '\n');
    const cursor = await AuditLogCursor.atEnd(path);
    await appendFile(path, event({ auditID: 'x' }) + '\n' + event({ auditID: 'partial' }).slice(0, 20));
    expect((await cursor.readNew()).events.map((e) => e.auditID)).toEqual(['x']);
    await appendFile(path, event({ auditID: 'partial' }).slice(20) + '\n');
    expect((await cursor.readNew()).events.map((e) => e.auditID)).toEqual(['partial']);
    expect((await cursor.readNew()).events).toEqual([]);
  });
});
