// adam.wat against tfjs's Adam arithmetic written out in float32 (Math.fround after every
// operation, in tfjs's order), on values chosen to meet every case: dead units' subnormal first
// moments (the kernel's shortcut for them, a tie, values just outside it), signed zeros, tiny and
// huge gradients, weights at and around 2⁻⁷⁰, over steps whose bias corrections differ.
import { AdamArithmetic } from '../../src/plugins/train/adam.ts';
import { mulberry32 } from '../../src/plugin/random.ts';

const f = Math.fround;
const bitsOf = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];
const fromBits = (b: number) => new Float32Array(Uint32Array.of(b).buffer)[0];

/** One element of tfjs's Adam step, each operation rounded to float32. */
function reference(g: number, m: number, v: number, w: number, c: Record<string, number>) {
  const m1 = f(f(m * c.beta1) + f(g * c.oneMinusBeta1));
  const v1 = f(f(v * c.beta2) + f(f(g * g) * c.oneMinusBeta2));
  const w1 = f(f(f(f(m1 / c.bc1) / f(f(Math.sqrt(f(v1 / c.bc2))) + c.epsilon)) * c.negativeLearningRate) + w);
  return [m1, v1, w1];
}

test.each([
  ['tfjs defaults (the shortcut on)', { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }],
  ['a learning rate too large for the shortcut', { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }],
  ['a larger learning rate the shortcut takes, another β1', { learningRate: 0.04, beta1: 0.8, beta2: 0.99, epsilon: 1e-7 }],
])('adam.wat is float32 Adam to the bit, subnormal moments and all: %s', (_name, optimizer) => {
  const random = mulberry32(2026);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const signed = (x: number) => (random() < 0.5 ? -x : x);
  const n = 4099; // vectors and a scalar tail
  const gradients = () =>
    pick([0, -0, 0, -0, signed(fromBits(1 + Math.floor(random() * 8))), signed(random() * 1e-20), signed(random() * 0.01), signed(3e19)]);
  const moments = () =>
    pick([
      signed(fromBits(1 + Math.floor(random() * 4))), // where dead units' moments stop (k·β1 rounds to k)
      signed(fromBits(1 + Math.floor(random() * 4))),
      signed(fromBits(5 + Math.floor(random() * 20))), // subnormal, still decaying
      signed(fromBits(0x00400000)), // 2⁻¹²⁷: k·β1 falls exactly half-way (ties to even)
      0,
      -0,
      signed(fromBits(Math.floor(random() * 0x007fffff))),
      signed(random() * 1e-3),
    ]);
  const seconds = () =>
    pick([0, fromBits(0x01000000), fromBits(0x00ffffff), f(random() * 1e-6), fromBits(Math.floor(random() * 0x00800000)), f(1e-30)]);
  const weights = () =>
    pick([
      signed(fromBits(0x1c800000)), // 2⁻⁷⁰: the shortcut's edge
      signed(fromBits(0x1c7fffff)), // just under it
      signed(fromBits(0x00800000 + Math.floor(random() * 0x04000000))), // small normals, where a dead unit's update shows
      0,
      -0,
      signed(f(random() - 0.5)),
      signed(1),
      signed(fromBits(1 + Math.floor(random() * 100))),
    ]);
  const memory = new WebAssembly.Memory({ initial: 2 });
  const arrays = [0, 1, 2, 3].map((i) => new Float32Array(memory.buffer, i * n * 4, n));
  const [g, m, v, w] = arrays;
  // The first 256: dead units, whole vectors of them (gradient ±0, subnormal m, ordinary v and w).
  const dead = 256;
  for (let i = 0; i < n; i++) {
    m[i] = i < dead ? signed(fromBits(1 + Math.floor(random() * 0x007ffffe))) : moments();
    v[i] = i < dead ? f(random() * 1e-6 + 1e-30) : seconds();
    w[i] = i < dead ? signed(f(random() - 0.5)) : weights();
  }
  const adam = new AdamArithmetic(memory, optimizer);
  const c: Record<string, number> = {
    beta1: f(optimizer.beta1),
    beta2: f(optimizer.beta2),
    oneMinusBeta1: f(1 - optimizer.beta1),
    oneMinusBeta2: f(1 - optimizer.beta2),
    epsilon: f(optimizer.epsilon),
    negativeLearningRate: f(-optimizer.learningRate),
  };
  let acc1 = c.beta1;
  let acc2 = c.beta2;
  let shortcuts = 0;
  for (let step = 0; step < 40; step++) {
    for (let i = 0; i < n; i++) g[i] = i < dead ? signed(0) : gradients();
    const expected = Array.from({ length: n }, (_, i) => reference(g[i], m[i], v[i], w[i], { ...c, bc1: f(1 - acc1), bc2: f(1 - acc2) }));
    for (let i = 0; i < n; i++) if ((bitsOf(g[i]) & 0x7fffffff) === 0 && (bitsOf(m[i]) & 0x7fffffff) - 1 < 0x007fffff) shortcuts++;
    adam.update(0, n * 4, n * 8, n * 12, n);
    adam.next();
    acc1 = f(acc1 * c.beta1);
    acc2 = f(acc2 * c.beta2);
    for (let i = 0; i < n; i++) {
      const got = [m[i], v[i], w[i]].map(bitsOf);
      const want = expected[i].map(bitsOf);
      if (got.join() !== want.join()) throw new Error(`step ${step}, element ${i}: got ${got} want ${want} (g=${g[i]})`);
    }
  }
  expect(shortcuts).toBeGreaterThan(1000); // the shortcut's lanes were met, many times
});
