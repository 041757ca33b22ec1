// The report's SVG renderer thread (svg.ts): Vega-Lite spec in, SVG text out, one message each.
// Plain JavaScript (vega and vega-lite only) so that it starts the same from the sources and from
// the compiled package, without runexp's loader hooks.
import { parentPort } from 'node:worker_threads';
import * as vega from 'vega';
import { compile } from 'vega-lite';

parentPort.on('message', async ({ id, spec }) => {
  try {
    const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
    try {
      parentPort.postMessage({ id, svg: await view.toSVG() });
    } finally {
      view.finalize();
    }
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
