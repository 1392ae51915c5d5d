/**
 * The ownership timeline of a run: one lane per IP (which node's MAC answers ARP for it), one per
 * service (which node holds its Lease), and lanes of faults on top; fault windows are shaded
 * across every lane and labelled, instant nemesis actions are dashed rules. x is seconds since
 * the run's time zero.
 */
import type { TopLevelSpec } from 'vega-lite';
import { OWNER_PALETTE, PLOT_CONFIG, PLOT_WIDTH_PX, VEGA_LITE_SCHEMA } from './style.ts';

/** One owner bar of a lane. */
export interface OwnerBar {
  readonly lane: string;
  readonly fromS: number;
  readonly toS: number;
  /** The colour key: the node (or the MAC when no node has it). */
  readonly owner: string;
  /** Text written on the bar ('' when it does not fit). */
  readonly text: string;
  /** Faded: a Lease still held by a node or agent that is down. */
  readonly faded: boolean;
}

/** A fault window in its label lane. */
export interface FaultBar {
  readonly lane: string;
  readonly fromS: number;
  readonly toS: number;
  readonly label: string;
}

/** A point event on a lane (an unanswered ARP request, a failed probe). */
export interface LaneMark {
  readonly lane: string;
  readonly atS: number;
  readonly kind: string;
}

/** A window drawn as a red outline on a lane (split brain: two MACs answering). */
export interface AlertBox {
  readonly lane: string;
  readonly fromS: number;
  readonly toS: number;
  readonly label: string;
}

/** A nemesis action without a duration. */
export interface InstantMark {
  readonly lane: string;
  readonly atS: number;
  readonly label: string;
}

/** Everything the ownership plot shows (built from a run by `ownership-data.ts`). */
export interface OwnershipPlotData {
  readonly title: string;
  readonly endS: number;
  /** Lanes top to bottom. */
  readonly lanes: readonly string[];
  /** Owner colour keys in legend order (the topology's nodes first, so a node keeps its colour across runs). */
  readonly owners: readonly string[];
  readonly bars: readonly OwnerBar[];
  readonly faults: readonly FaultBar[];
  readonly alerts: readonly AlertBox[];
  readonly instants: readonly InstantMark[];
  readonly marks: readonly LaneMark[];
}

/** Fault colour (shading and bars). */
export const FAULT_COLOR = '#d62728';

/** Approximate width of one label character at 11 px (vega's headless renderer estimates the same way). */
const CHAR_PX = 6.2;

/** The longest of `candidates` that fits a bar of `widthPx`, or ''. Pure. */
export function fitText(candidates: readonly string[], widthPx: number): string {
  return candidates.find((c) => c.length * CHAR_PX + 6 <= widthPx) ?? '';
}

/** Bar width in px for a span on the plot's x scale. */
export function spanPx(fromS: number, toS: number, endS: number): number {
  return endS <= 0 ? 0 : ((toS - fromS) / endS) * PLOT_WIDTH_PX;
}

/** The vega-lite spec of the ownership timeline. Pure. */
export function buildOwnershipSpec(data: OwnershipPlotData): TopLevelSpec {
  const x = { type: 'quantitative', title: 'time since the run started (s)', scale: { domain: [0, data.endS], nice: false, zero: true } } as const;
  const y = { field: 'lane', type: 'nominal', title: null, sort: [...data.lanes], scale: { domain: [...data.lanes] }, axis: { labelLimit: 360, labelFontSize: 11 } } as const;
  const range = data.owners.map((_, i) => OWNER_PALETTE[i % OWNER_PALETTE.length] ?? '#888');
  const markKinds = [...new Set(data.marks.map((m) => m.kind))];
  const layer: object[] = [
    { data: { values: data.faults }, mark: { type: 'rect', color: FAULT_COLOR, opacity: 0.1 }, encoding: { x: { ...x, field: 'fromS' }, x2: { field: 'toS' } } },
    {
      data: { values: data.bars },
      mark: { type: 'bar', height: { band: 0.7 }, stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        y,
        x: { ...x, field: 'fromS' },
        x2: { field: 'toS' },
        color: { field: 'owner', type: 'nominal', title: 'owner (node)', scale: { domain: [...data.owners], range }, legend: { orient: 'bottom', columns: 6 } },
        opacity: { condition: { test: 'datum.faded', value: 0.35 }, value: 0.9 },
      },
    },
    { data: { values: data.bars }, mark: { type: 'text', align: 'left', baseline: 'middle', dx: 3, fontSize: 11, color: 'black' }, encoding: { y, x: { ...x, field: 'fromS' }, text: { field: 'text' } } },
    { data: { values: data.faults }, mark: { type: 'bar', height: { band: 0.7 }, color: FAULT_COLOR, opacity: 0.55 }, encoding: { y, x: { ...x, field: 'fromS' }, x2: { field: 'toS' } } },
    { data: { values: data.faults }, mark: { type: 'text', align: 'left', baseline: 'middle', dx: 3, fontSize: 11, color: 'black' }, encoding: { y, x: { ...x, field: 'fromS' }, text: { field: 'label' } } },
    { data: { values: data.instants }, mark: { type: 'rule', color: '#555', strokeDash: [4, 3] }, encoding: { x: { ...x, field: 'atS' } } },
    { data: { values: data.instants }, mark: { type: 'text', align: 'left', baseline: 'middle', dx: 3, fontSize: 11, color: '#333' }, encoding: { y, x: { ...x, field: 'atS' }, text: { field: 'label' } } },
  ];
  if (data.alerts.length > 0) {
    layer.push({ data: { values: data.alerts }, mark: { type: 'bar', height: { band: 1 }, fill: 'transparent', stroke: FAULT_COLOR, strokeWidth: 2, strokeDash: [3, 2] }, encoding: { y, x: { ...x, field: 'fromS' }, x2: { field: 'toS' } } });
  }
  if (data.marks.length > 0) {
    layer.push({
      data: { values: data.marks },
      mark: { type: 'point', shape: 'cross', size: 30, filled: true, yOffset: 8 },
      encoding: { y, x: { ...x, field: 'atS' }, fill: { field: 'kind', type: 'nominal', title: null, scale: { domain: markKinds, range: ['#000000', '#7f3c8d', '#11a579'] }, legend: { orient: 'bottom' } } },
    });
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: data.title, subtitle: ['Red bars and shading: fault windows (nemesis lanes). Dashed lines: nemesis actions without a duration.', 'Faded bars: the Lease is still held by a node or agent that is down. No bar: nobody answers (a request went unanswered, or no service holds the IP).', 'Dashed red outlines: split brain (two MACs answer). Crosses: requests nobody answered, failed client probes.'] },
    width: PLOT_WIDTH_PX,
    height: { step: 26 },
    config: PLOT_CONFIG,
    resolve: { scale: { y: 'shared', x: 'shared' } },
    layer,
  } as TopLevelSpec;
}
