import { buildModel, kindOfLayer } from './src/index.ts';
import { cpuTf } from './test/helpers/tf.ts';
import { loadBackend } from './src/execute/backend.ts';
const tf = (await loadBackend('wasm')).tf;
console.log(tf.getBackend());
for (const layers of [
  [{ type: 'conv1d', filters: 5, kernelSize: 1, activation: 'relu' }, { type: 'flatten' }, { type: 'dense', units: 120, activation: 'relu' }, { type: 'dense', units: 1 }],
  [{ type: 'lstm', units: 32 }, { type: 'dense', units: 1 }],
] as any[]) {
  const model = buildModel(tf, { name: 'a', layers }, [14, 1], 3);
  const x = tf.randomUniform([248, 14, 1], 0, 1, 'float32', 5);
  const p = (model.predict(x) as any).dataSync();
  let a: any = x;
  for (const l of model.layers) a = kindOfLayer(l).gradient!(tf, l)!.forward(a).output;
  const f = a.dataSync();
  let maxd = 0, same = 0;
  p.forEach((v: number, i: number) => { maxd = Math.max(maxd, Math.abs(v - f[i])); if (v === f[i]) same++; });
  console.log(layers[0].type, 'max diff', maxd, 'identical', same, 'of', p.length);
  const time = (fn: () => void) => { const t = performance.now(); for (let i = 0; i < 50; i++) tf.tidy(fn); return (performance.now() - t) / 50; };
  console.log(' predict ms', time(() => { model.predict(x); }).toFixed(2), ' forward ms', time(() => { let b: any = x; for (const l of model.layers) b = kindOfLayer(l).gradient!(tf, l)!.forward(b).output; }).toFixed(2));
}
