// Server-side rendering of Vega-Lite specs to SVG (no browser, no canvas package needed).
// vega and vega-lite load on first use: they take a third of a second, which every CLI command
// that writes no report (validate, plan, a run with --no-report) would otherwise pay.
import type { TopLevelSpec } from 'vega-lite';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
