import { describe, expect, it } from 'vitest';
import { decideReap, type ManifestFact, type ReapFacts } from './decide-reap.ts';
import { ownerMark, parseOwnerMark } from './owner-mark.ts';

function facts(partial: Partial<ReapFacts>): ReapFacts {
  return { manifests: [], namespacesByRun: new Map(), marks: new Map(), busyRuns: new Set(), ...partial };
}
const manifest = (runId: string, ownerAlive: boolean): ManifestFact => ({ path: `/run/l2lab/runs/${runId}.json`, ok: true, runId, ownerPid: 100, ownerAlive });
const nsOf = (runId: string): string[] => [`l2l-${runId}-lab`, `l2l-${runId}-n1`];

describe('decideReap', () => {
  it('tears down a run whose owner is gone, with every namespace named after it', () => {
    expect(decideReap(facts({ manifests: [manifest('dead1', false)], namespacesByRun: new Map([['dead1', nsOf('dead1')]]) }))).toEqual([
      { kind: 'teardown', runId: 'dead1', path: '/run/l2lab/runs/dead1.json', namespaces: nsOf('dead1'), reason: 'owner pid 100 is gone (manifest /run/l2lab/runs/dead1.json)' },
    ]);
  });

  it('keeps a run whose owner is alive, namespaces included', () => {
    expect(decideReap(facts({ manifests: [manifest('live1', true)], namespacesByRun: new Map([['live1', nsOf('live1')]]) }))).toEqual([
      { kind: 'keep', runId: 'live1', reason: 'owner pid 100 is alive (manifest /run/l2lab/runs/live1.json)' },
    ]);
  });

  it('detaches attached container namespace names nothing runs in, and keeps those a container still runs in', () => {
    const attachedByRun = new Map([
      ['dk1', [{ name: 'l2d-dk1-n1', inUse: false }, { name: 'l2d-dk1-c1', inUse: true }]],
      ['dk2', [{ name: 'l2d-dk2-n1', inUse: false }]],
    ]);
    expect(decideReap(facts({ attachedByRun }))).toEqual([
      { kind: 'detach-names', runId: 'dk1', names: ['l2d-dk1-n1'], reason: 'attached container namespaces with nothing running inside (their containers are gone)' },
      { kind: 'keep', runId: 'dk1', reason: "containers still run in l2d-dk1-c1 (remove them with 'l2lab cluster down --provider docker --run-id dk1', then reap again)" },
      { kind: 'detach-names', runId: 'dk2', names: ['l2d-dk2-n1'], reason: 'attached container namespaces with nothing running inside (their containers are gone)' },
    ]);
    expect(decideReap(facts({ attachedByRun, onlyRun: 'dk2' })).map((a) => a.kind)).toEqual(['detach-names']);
  });

  it('reports a bad manifest and leaves its namespaces alone', () => {
    const bad: ManifestFact = { path: '/run/l2lab/runs/bad1.json', ok: false, error: '/run/l2lab/runs/bad1.json: not a run manifest: version: …', runId: 'bad1' };
    expect(decideReap(facts({ manifests: [bad], namespacesByRun: new Map([['bad1', nsOf('bad1')]]) }))).toEqual([{ kind: 'bad-manifest', path: bad.path, error: bad.error }]);
  });

  it('decides orphan namespaces (no manifest) by the owner mark, else by whether anything runs inside', () => {
    const actions = decideReap(
      facts({
        namespacesByRun: new Map([
          ['markdead', nsOf('markdead')],
          ['marklive', nsOf('marklive')],
          ['nomarkbusy', nsOf('nomarkbusy')],
          ['nomarkidle', nsOf('nomarkidle')],
        ]),
        marks: new Map([
          ['markdead', { ownerPid: 7, ownerAlive: false }],
          ['marklive', { ownerPid: 8, ownerAlive: true }],
        ]),
        busyRuns: new Set(['nomarkbusy']),
      }),
    );
    expect(actions.map((a) => [a.kind, 'runId' in a ? a.runId : ''])).toEqual([
      ['remove-namespaces', 'markdead'],
      ['keep', 'marklive'],
      ['keep', 'nomarkbusy'],
      ['remove-namespaces', 'nomarkidle'],
    ]);
  });

  it('with onlyRun, decides that run alone', () => {
    const actions = decideReap(facts({ manifests: [manifest('a1', false), manifest('b1', false)], namespacesByRun: new Map([['c1', nsOf('c1')]]), onlyRun: 'b1' }));
    expect(actions.map((a) => a.kind === 'teardown' && a.runId)).toEqual(['b1']);
  });
});

describe('owner mark', () => {
  it('round-trips, and ignores other aliases', () => {
    const mark = ownerMark('abc123', { pid: 42, startTimeTicks: 7 }, '/tmp/runs dir/abc123.json');
    expect(mark).toBe('l2lab:abc123 owner=42:7 manifest=/tmp/runs dir/abc123.json');
    expect(parseOwnerMark(mark)).toEqual({ runId: 'abc123', ownerPid: 42, ownerStartTicks: 7, manifestPath: '/tmp/runs dir/abc123.json' });
    expect(parseOwnerMark('l2lab:abc123')).toBeUndefined();
    expect(parseOwnerMark('')).toBeUndefined();
  });
});
