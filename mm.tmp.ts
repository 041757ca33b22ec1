import { loadBackend } from './src/execute/backend.ts';
import { stackedMatMul } from './src/plugin/layers/stacked-matmul.ts';
const { tf } = await loadBackend('wasm');
import { canStackMatMul } from './src/plugin/layers/stacked-matmul.ts';
canStackMatMul(tf);
const r = (shape: number[]) => tf.randomUniform(shape, -1, 1, 'float32', 7);
const t = (f: () => void, n = 400) => { for (let i = 0; i < 50; i++) f(); const t0 = performance.now(); for (let i = 0; i < n; i++) f(); return ((performance.now() - t0) / n).toFixed(4); };
const A = r([10, 32, 70]), B = r([10, 70, 120]), DZ = r([10, 32, 120]);
for (let rep = 0; rep < 3; rep++)
console.log('fwd', t(() => stackedMatMul(tf, A, B).dispose()), 'dW', t(() => stackedMatMul(tf, A, DZ, true).dispose()), 'dX', t(() => stackedMatMul(tf, DZ, B, false, true).dispose()));
