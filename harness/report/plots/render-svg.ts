/**
 * The one SVG renderer of the plots: vega-lite spec → vega → `View.toSVG()` with the headless
 * renderer ('none': no canvas, text widths estimated), so plots render in plain Node. For one spec
 * the SVG is byte-identical across calls and processes: vega numbers clip paths and gradients from
 * module-level counters, reset before every render; it draws random numbers only in transforms
 * (jitter, sampling) no spec here uses. See reports/README.md.
 */
import type { TopLevelSpec } from 'vega-lite';

/** Renders a vega-lite spec to an SVG document (with a trailing newline). */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded on use: commands that write no plot (and summary.md, junit.xml) do not pay for vega.
  const [{ parse, resetSVGDefIds, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  resetSVGDefIds();
  const view = new View(parse(compile(spec).spec), { renderer: 'none', logLevel: 0 });
  try {
    const svg = await view.toSVG();
    return `${svg}\n`;
  } finally {
    view.finalize();
  }
}
