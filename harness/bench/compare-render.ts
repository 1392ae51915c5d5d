/**
 * The side-by-side page of `l2lab bench compare`: per profile (implementation) the failover
 * components of each sweep point and the Lease traffic of each lease-load cell, from the two
 * benches' results. Pure: results in, text and Markdown out.
 */
import type { FailoverBenchResults } from './failover-results.ts';
import type { LeaseLoadBenchResults } from './lease-load-cli.ts';
import type { ComponentSummary } from './summary.ts';

/** One profile's lease-load bench. */
export interface ProfileLeaseLoad {
  readonly profile: string;
  readonly results: LeaseLoadBenchResults;
}

/** What the page is built from. */
export interface CompareInput {
  readonly profiles: readonly string[];
  readonly failover: FailoverBenchResults;
  readonly leaseLoad: readonly ProfileLeaseLoad[];
}

/** A table: a header row and body rows of cells. */
export interface CompareTable {
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

const ms = (value: number | null): string => (value === null ? '—' : `${Math.round(value)}`);

function cell(components: readonly ComponentSummary[], name: ComponentSummary['component']): string {
  const c = components.find((x) => x.component === name);
  if (c === undefined || c.n === 0) return 'never';
  return `${ms(c.p50Ms)} / ${ms(c.p99Ms)}${c.missing > 0 ? ` (${c.missing} never)` : ''}`;
}

/** Failover: one row per sweep point, p50 / p99 ms of each component. */
export function failoverTable(failover: FailoverBenchResults): CompareTable {
  return {
    head: ['profile', 'sweep point', 'trials', 'lease taken over', 'first GARP', 'client entry changed', 'first probe'],
    rows: failover.points.map((p) => [
      String(p.values.profile ?? p.params.profile),
      p.label.replace(/profile=\S+\s*/, '') || '—',
      String(p.trials),
      cell(p.components, 'leaseTakenOver'),
      cell(p.components, 'firstGarp'),
      cell(p.components, 'clientEntryChanged'),
      cell(p.components, 'firstSuccessfulProbe'),
    ]),
  };
}

/** Lease load: one row per profile × cell, measured against the model (req/s, all nodes). */
export function leaseLoadTable(leaseLoad: readonly ProfileLeaseLoad[]): CompareTable {
  const rate = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
  return {
    head: ['profile', 'nodes × services', 'retry', 'Lease req/s', 'model req/s', 'per node p50', 'throttled', 'lost'],
    rows: leaseLoad.flatMap(({ profile, results }) =>
      results.cells.map((c) => [
        profile,
        `${c.cell.nodes} × ${c.cell.services}`,
        `${c.cell.retryPeriodMs} ms`,
        rate(c.measurement.measured.total),
        rate(c.measurement.idealModel.total),
        c.measurement.perNodeMeasured == null ? '—' : rate(c.measurement.perNodeMeasured.p50),
        String(c.rateLimit.throttledRequests),
        String(c.rateLimit.lostInWindow),
      ]),
    ),
  };
}

function markdownTable(table: CompareTable): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(table.head), line(table.head.map(() => '---')), ...table.rows.map(line)].join('\n');
}

/** summary.md of the comparison. */
export function renderCompareMarkdown(input: CompareInput, links: { readonly failoverDir: string; readonly leaseLoadDirs: readonly string[] }): string {
  return [
    `# Failover and Lease load side by side: ${input.profiles.join(', ')}`,
    '',
    `World ${input.failover.world}; ${input.failover.trialsPerPoint} trials per sweep point, seed ${input.failover.seed}. Failover cells: p50 / p99 ms after the fault (rows where the component never came are counted). MetalLB elects by memberlist gossip: it has no Lease, so its "lease taken over" is the surviving speaker's claim and its Lease traffic is zero.`,
    '',
    '## Failover',
    '',
    markdownTable(failoverTable(input.failover)),
    '',
    `CDF plots per component: [${links.failoverDir}/](${links.failoverDir}/summary.md).`,
    '',
    '## Lease load on the API server',
    '',
    markdownTable(leaseLoadTable(input.leaseLoad)),
    '',
    `Per profile: ${links.leaseLoadDirs.map((d) => `[${d}](${d}/summary.md)`).join(', ')}.`,
    '',
  ].join('\n');
}
