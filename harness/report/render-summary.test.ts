import { describe, expect, it } from 'vitest';
import { auditSection } from './render-summary.ts';

describe('summary.md: the lab’s audit-log section', () => {
  it('lists each identity’s Lease requests per verb with server-side p50 / p99, nothing for sim runs', () => {
    const lab = { runId: 'abc123', phasesMs: {}, auditLeaseRequests: { 'system:node:n2': { update: { count: 48, p50Ms: 2.8, p99Ms: 7.9 } }, 'system:node:n1': { create: { count: 1, p50Ms: 3.3, p99Ms: 3.3 }, get: { count: 121, p50Ms: 1.8, p99Ms: 10 } } } };
    expect(auditSection({ lab })).toEqual([
      '## Lease requests at the API server (audit log, whole run)',
      '',
      'What kube-apiserver received, per identity: count (p50 / p99 ms server-side).',
      '',
      '| identity | create | get | update |',
      '|---|---|---|---|',
      '| system:node:n1 | 1 (3.3 / 3.3) | 121 (1.8 / 10.0) | — |',
      '| system:node:n2 | — | — | 48 (2.8 / 7.9) |',
      '',
    ]);
    expect(auditSection({})).toEqual([]);
  });
});
