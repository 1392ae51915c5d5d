import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../model/parse/issue.ts';
import { formatDurationMs, parseDurationMs } from './duration.ts';
import { parseScenarioText } from './parse-scenario.ts';
import { renderScenarioYaml } from './render-scenario.ts';
import { stripSources } from './strip-sources.ts';

/**
 * Why this test? `explore` writes shrunk counterexamples with `renderScenarioYaml`; a regression
 * file is only a regression if it replays the same scenario. Generated scenario files (valid by
 * construction) are parsed, rendered, parsed again: the two scenarios must be equal (up to source
 * lines), and rendering is stable (render ∘ parse ∘ render = render).
 */

const seconds = (min: number, max: number) => fc.integer({ min, max }).map((s) => `${s}s`);
const duration = fc.oneof(fc.integer({ min: 1, max: 5_000 }).map((ms) => formatDurationMs(ms)), seconds(1, 60), fc.constantFrom('1.5s', '1m30s', '250ms'));

const services = ['web', 'api', 'dns'];
const manifests = (serviceCount: number) => [
  { apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumL2AnnouncementPolicy', metadata: { name: 'lan' }, spec: { interfaces: ['^eth'], loadBalancerIPs: true } },
  { apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumLoadBalancerIPPool', metadata: { name: 'lan' }, spec: { blocks: [{ cidr: '198.18.0.240/28' }] } },
  ...services.slice(0, serviceCount).map((name) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', labels: { app: name } }, spec: { type: 'LoadBalancer' } })),
];

const scenarioFile = fc
  .record({
    nodeCount: fc.integer({ min: 1, max: 4 }),
    segmentCount: fc.integer({ min: 1, max: 2 }),
    clientCount: fc.integer({ min: 0, max: 2 }),
    serviceCount: fc.integer({ min: 1, max: 3 }),
    durationS: fc.integer({ min: 20, max: 120 }),
    seed: fc.option(fc.integer({ min: 0, max: 0xffff_ffff }), { nil: undefined }),
    timings: fc.oneof(fc.constantFrom('fast', 'cilium-default'), fc.record({ leaseDuration: duration, renewDeadline: duration, retryPeriod: duration }, { requiredKeys: [] })),
    profile: fc.option(fc.constantFrom('cilium-1.14', 'cilium-1.16', 'reference'), { nil: undefined }),
    labels: fc.dictionary(fc.constantFrom('zone', 'role', 'l2lab.io/announce'), fc.constantFrom('a', 'b', 'true')),
    arpAccept: fc.option(fc.constantFrom(0, 1, 2), { nil: undefined }),
    rate: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
    hold: fc.subarray(['one-responder', 'failover-bound', 'holder-answers']),
    bug: fc.boolean(),
    steps: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 11 })), { maxLength: 6 }),
  })
  .map((g) => {
    const nodes = Array.from({ length: g.nodeCount }, (_, k) => `n${k + 1}`);
    const segments = Array.from({ length: g.segmentCount }, (_, i) => `seg${i}`);
    const svc = services.slice(0, g.serviceCount).map((s) => `default/${s}`);
    const steps = g.steps.map(([a, b, kind], index) => {
      // Leaves room for the longest step (a repeat every 10 s with for 3 s: 13 s).
      const at = formatDurationMs((a % (g.durationS - 14)) * 1_000);
      const node = nodes[b % nodes.length] ?? 'n1';
      const base = { at, id: `s${index}` };
      switch (kind) {
        case 0: return { ...base, action: 'kill-node', node: { 'holder-of': svc[b % svc.length] }, for: '5s' };
        case 1: return { ...base, action: 'freeze', node, repeat: { every: '10s', times: 2 }, for: '3s' };
        case 2: return { ...base, action: 'api-outage', for: '4s' };
        case 3: return { ...base, action: 'link-down', node, iface: 'eth0' };
        case 4: return { ...base, action: 'netem', node, iface: 'mgmt', delay: '20ms', jitter: '5ms', loss: 1.5 };
        case 5: return { ...base, action: 'partition-nodes', groups: [[nodes[0] ?? 'n1'], [{ 'holder-of': svc[0] }]] };
        case 6: return { ...base, action: 'patch-lease', service: svc[0], holder: '' };
        case 7: return { ...base, action: 'edit', kind: 'Node', name: node, patch: { metadata: { labels: { zone: 'b', gone: null } } } };
        case 8: return { ...base, action: 'edit', kind: 'Service', namespace: 'default', name: 'web', patch: { spec: { loadBalancerIP: '198.18.0.241' } }, mayMoveIpsOf: ['default/web'] };
        case 9: return { ...base, action: 'segment-down', segment: segments[0], for: '1s' };
        case 10: return { ...base, action: 'restart-operator' };
        default: return { ...base, action: 'apply', object: { apiVersion: 'v1', kind: 'Service', metadata: { name: `extra${index}`, namespace: 'default' }, spec: { type: 'LoadBalancer' } } };
      }
    });
    return {
      apiVersion: 'l2lab.io/v1alpha1',
      kind: 'Scenario',
      metadata: {
        name: 'generated',
        ...(g.bug ? { bug: { id: 'C02', repo: 'cilium/cilium', issues: [26586], pulls: [30340], affected: ['cilium-1.14'], fixed: ['cilium-1.15'], symptom: 'the VIP goes silent' } } : {}),
      },
      ...(g.profile === undefined ? {} : { profile: g.profile }),
      duration: `${g.durationS}s`,
      ...(g.seed === undefined ? {} : { seed: g.seed }),
      timings: g.timings,
      topology: {
        segments: segments.map((name) => ({ name })),
        nodes: nodes.map((name, k) => ({ name, labels: g.labels, interfaces: [{ name: 'eth0', segment: segments[0] }, ...(segments[1] === undefined ? [] : [{ name: 'eth1', segment: segments[k % 2] }])] })),
        clients: Array.from({ length: g.clientCount }, (_, j) => ({ name: `c${j + 1}`, segment: segments[j % segments.length], ...(g.arpAccept === undefined ? {} : { arp: { arpAccept: g.arpAccept, baseReachableTime: '15s' } }) })),
      },
      manifests: g.bug ? manifests(g.serviceCount).map((o) => stringify(o)).join('---\n') : manifests(g.serviceCount),
      ...(g.clientCount > 0 ? { workload: { probes: [{ ...(g.rate === undefined ? {} : { ratePerSecond: g.rate }) }] } } : {}),
      nemesis: steps,
      expectations: { hold: g.hold, ...(g.bug ? { fail: ['reacquire'] } : {}), bounds: { overlap: '4s' }, failover: { firstGarp: '7s' }, leaseLoad: { tolerance: 0.2 } },
    };
  });

describe('renderScenarioYaml', () => {
  it('parse(render(s)) equals s for generated scenarios', () => {
    fc.assert(
      fc.property(scenarioFile, (file) => {
        const first = parseScenarioText(stringify(file), 'generated.yaml');
        expect(first.issues.map(formatIssue)).toEqual([]);
        if (first.scenario === undefined) return;
        const rendered = renderScenarioYaml(first.scenario, { header: ['generated', '', 'replay: l2lab run generated.yaml'] });
        const second = parseScenarioText(rendered, 'rendered.yaml');
        expect(second.issues.map(formatIssue)).toEqual([]);
        expect(stripSources(second.scenario)).toEqual(stripSources(first.scenario));
        if (second.scenario !== undefined) expect(renderScenarioYaml(second.scenario, { header: ['generated', '', 'replay: l2lab run generated.yaml'] })).toBe(rendered);
      }),
      { numRuns: 150 },
    );
  });
});

describe('Go-style durations', () => {
  it('formatDurationMs and parseDurationMs round-trip every whole millisecond count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 * 24 * 3_600_000 }), (ms) => {
        expect(parseDurationMs(formatDurationMs(ms))).toEqual({ ok: true, ms });
      }),
    );
  });

  it.each([
    ['3s', 3_000],
    ['200ms', 200],
    ['1m30s', 90_000],
    ['1.5s', 1_500],
    ['.5s', 500],
    ['1h', 3_600_000],
    ['0', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toEqual({ ok: true, ms });
  });

  it.each(['', '3', 's', '3 s', '-1s', '1d', '3s ', '1.0001s'])('rejects %j', (text) => {
    expect(parseDurationMs(text).ok).toBe(false);
  });

  it('formats as Go does', () => {
    expect([0, 200, 1_000, 1_500, 60_000, 90_000, 3_600_000, 3_723_004].map(formatDurationMs)).toEqual(['0s', '200ms', '1s', '1.5s', '1m0s', '1m30s', '1h0m0s', '1h2m3.004s']);
  });
});
