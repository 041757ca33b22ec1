import { loadBackend } from '../src/execute/backend.ts';
import { buildModel } from '../src/plugin/index.ts';
import { paperWindows } from './paper-architecture.ts';
import { gradientFunction } from '../src/plugins/train/backprop.ts';
const { tf } = await loadBackend('wasm');
const data = await paperWindows();
for (const type of ['lstm', 'gru']) {
  const model = buildModel(tf, { name: type, layers: [{ type, units: 32 }, { type: 'dense', units: 1 }] } as never, [14, 1], 3);
  const x = tf.tensor3d(data.train.x.slice(0, 32 * 14), [32, 14, 1]); const y = tf.tensor2d(data.train.y.slice(0, 32), [32, 1]);
  const g = gradientFunction(tf, model, 'meanSquaredError')!;
  const best: number[] = [];
  for (let rep = 0; rep < 5; rep++) { const t0 = performance.now(); for (let k = 0; k < 100; k++) { const r = tf.tidy(() => g(x, y)); tf.dispose([r.value, ...Object.values(r.grads)]); } best.push((performance.now() - t0) / 100); }
  console.log(type, 'min ms/batch', Math.min(...best).toFixed(2));
}
