/** Shared look of the plots: size, fonts and the colour-blind-safe palette (Tableau 10). */
import type { Config } from 'vega-lite/types_unstable/config.js';

/** Plot area width in px (axes and legends come on top). */
export const PLOT_WIDTH_PX = 720;

/** Colours in series order. */
export const PALETTE: readonly string[] = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** Colours of owners (nodes) on the ownership plot: no reds, which mark faults there. */
export const OWNER_PALETTE: readonly string[] = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#bab0ac', '#86bcb6', '#d4a6c8'];

/** vega-lite config of every plot. */
export const PLOT_CONFIG: Config = {
  font: 'sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 360 },
  title: { fontSize: 14, anchor: 'start' },
  view: { stroke: '#ccc' },
};

/** The vega-lite schema every spec names. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
