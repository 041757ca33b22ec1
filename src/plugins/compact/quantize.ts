// Post-training quantisation as a compactor: the pruned weights go into a model of the same
// architecture with every weight its layer kind declares quantised (`quantized`: dense and conv1d
// kernels, recurrent input and recurrent kernels) as int8 per output channel or per tensor, or
// float16; biases and normalisation stay float32 (the record lists what was quantised). The model
// holds the dequantised values, so every measurement of it is the quantised model's
// (plugin/quantization.ts); the measure stage stores and exports it as int8 or float16 from
// `quantization`. Pruned zeros stay zero: int8 is symmetric, and float16 keeps 0. With
// `activations: int8` the input of each dense and conv1d layer is also rounded to a uint8 grid
// whose range is calibrated on the training windows: a fakeQuantize layer before it (layers/kinds/
// fake-quantize.ts), which ONNX writes as QuantizeLinear → DequantizeLinear.
import { z } from 'zod';
import type { Architecture, LayersModel, LayerSpec, Tensor, Tf, WindowedData } from '../../plugin/index.ts';
import {
  buildModel,
  dequantizeInt8,
  hasResidual,
  layerKind,
  type ModelQuantization,
  namedLayers,
  QUANTIZATION_BITS,
  QUANTIZATION_SCHEMES,
  quantizedWeightsOf,
  quantizeInt8,
  roundToFloat16,
  weightIndex,
} from '../../plugin/kit/model.ts';
import { definePlugin, ErrorCode, RunexpError } from '../../plugin/index.ts';

const options = z
  .strictObject({
    bits: z.literal(QUANTIZATION_BITS).default(8).describe('8: int8 weights with float32 scales; 16: float16 weights'),
    scheme: z.enum(QUANTIZATION_SCHEMES).default('per-channel').describe('int8 only: one scale per output channel, or one per tensor'),
    activations: z
      .enum(['none', 'int8'])
      .default('none')
      .describe(
        'none: activations stay float32 (weight-only); int8: the input of each quantised layer rounded to a uint8 grid calibrated on the training windows (needs bits 8)',
      ),
    calibration: z
      .enum(['minmax', 'percentile'])
      .optional()
      .describe(
        'activations int8 only: the range of each quantised input on the training windows, from its smallest to its largest value (minmax, the default) or between two percentiles (outliers clipped)',
      ),
    percentile: z
      .number()
      .gt(50)
      .lt(100)
      .optional()
      .describe('calibration percentile only: the range runs from the (100 − p)th to the pth percentile of each input (default 99.99)'),
  })
  .superRefine((o, ctx) => {
    if (o.activations === 'int8' && o.bits !== 8)
      ctx.addIssue({
        code: 'custom',
        path: ['activations'],
        message: 'int8 activations go with int8 weights: set bits: 8, or activations: none',
      });
    if (o.calibration && o.activations !== 'int8')
      ctx.addIssue({
        code: 'custom',
        path: ['calibration'],
        message: 'calibration is for int8 activations: add activations: int8, or leave calibration out',
      });
    if (o.percentile !== undefined && o.calibration !== 'percentile')
      ctx.addIssue({
        code: 'custom',
        path: ['percentile'],
        message: 'percentile sets the percentile calibration: add calibration: percentile, or leave percentile out',
      });
  });
type Options = z.output<typeof options>;

/** The int8 grid of one layer's input: scale and zero point for the range [lo, hi] widened to hold 0. */
function uint8Grid(lo: number, hi: number): { scale: number; zeroPoint: number } {
  const low = Math.min(lo, 0);
  const high = Math.max(hi, 0);
  if (high === low) return { scale: 1, zeroPoint: 0 };
  const scale = Math.fround((high - low) / 255);
  return { scale, zeroPoint: Math.max(0, Math.min(255, Math.round(-low / scale))) };
}

/**
 * The input range of each quantised layer over the training windows, by layer name, from the
 * pruned float model run layer by layer: its smallest and largest value (percentile undefined), or
 * the (100 − p)th and pth percentiles of its values (the nearest ranks outward).
 */
function calibrate(tf: Tf, model: LayersModel, data: WindowedData, percentile?: number): Map<string, [number, number]> {
  const ranges = new Map<string, [number, number]>();
  tf.tidy(() => {
    let x: Tensor = tf.tensor3d(data.train.x, [data.train.count, data.lookback, data.features]);
    for (const layer of model.layers) {
      if (quantizedWeightsOf(layer)?.int8Activations) ranges.set(layer.name, percentileRange(x.dataSync() as Float32Array, percentile));
      x = layer.apply(x) as Tensor;
    }
  });
  return ranges;
}

/** [lo, hi] of `values`: min and max, or the (100 − p)th and pth percentiles. */
export function percentileRange(values: Float32Array, percentile = 100): [number, number] {
  const sorted = Float32Array.from(values).sort();
  const last = sorted.length - 1;
  // Symmetric ranks: the pth percentile's, and as far from the bottom as it is from the top.
  const rank = Math.ceil((percentile / 100) * last);
  return [sorted[last - rank], sorted[rank]];
}

/** A weight's values as stored (dequantised), with its int8 scales (none for float16). */
function quantized(values: Float32Array, channels: number, o: Options, weightLimit: number): { values: Float32Array; scales: number[] } {
  if (o.bits === 16) return { values: roundToFloat16(values), scales: [] };
  const { q, scales } = quantizeInt8(values, channels, o.scheme, weightLimit);
  return { values: dequantizeInt8(q, scales, channels), scales };
}

/** The architecture with a fakeQuantize layer before each layer in `grids`, named after it ("paper+a8"). */
function withActivationQuantizers(architecture: Architecture, grids: Map<string, { scale: number; zeroPoint: number }>): Architecture {
  const layers: LayerSpec[] = [];
  for (const { spec, name } of namedLayers(architecture.layers)) {
    const grid = grids.get(name);
    if (grid) layers.push({ type: 'fakeQuantize', ...grid });
    layers.push(spec);
  }
  return { ...architecture, name: `${architecture.name}+a8`, layers };
}

export default definePlugin({
  slot: 'compact',
  name: 'quantize',
  description:
    'Copies the pruned weights into a model of the same architecture with its dense and conv1d kernels and recurrent weights quantised to int8 (per channel or per tensor) or float16, and optionally the dense and conv1d inputs to calibrated int8.',
  options,
  axes: ['bits', 'scheme', 'activations'],
  // It quantises whatever model it is given: after structured compaction too.
  follows: true,
  // How far rounding may move the outputs (scaled, as the models see them), for check-plugin: the
  // lab's models move by about a quarter of these. With int8 activations, inputs beyond the
  // calibrated range are clipped, and check-plugin's test windows (prices) do leave it: 0.16 seen.
  tolerance: (o: Options) => (o.activations === 'int8' ? 0.25 : o.bits === 8 ? 0.02 : 0.002),
  refuses: (architecture: Architecture, o: Options) => {
    if (o.activations !== 'int8') return undefined;
    if (hasResidual(architecture.layers))
      return { problem: 'it has a residual block, where int8 activations are not supported yet', hint: 'use activations: none' };
    const floatInput = architecture.layers.find((l) => layerKind(l.type)?.quantized?.int8Activations === false);
    return floatInput
      ? {
          problem: `its ${floatInput.type} layer has no int8 kernel on ONNX Runtime for int8 activations (its weights can be int8)`,
          hint: 'use activations: none (weight-only int8)',
        }
      : undefined;
  },
  run: (req, o, ctx) => {
    const { tf } = ctx;
    const input = req.original.inputs[0].shape.slice(1) as [number, number];
    let architecture = req.architecture;
    // With int8 activations, 7-bit weights: ONNX Runtime's u8·s8 kernels saturate full-range int8
    // weights on CPUs without VNNI (quantizeInt8), and the model must compute what ORT computes.
    const weightLimit = o.activations === 'int8' ? 63 : 127;
    const quantization: ModelQuantization = { bits: o.bits, scheme: o.scheme, activations: o.activations, weightLimit, weights: [] };
    if (o.activations === 'int8') {
      if (!req.data)
        throw new RunexpError(ErrorCode.PLUGIN, 'int8 activations are calibrated on the training windows, and none were given');
      const percentile = o.calibration === 'percentile' ? (o.percentile ?? 99.99) : undefined;
      const ranges = calibrate(tf, req.pruned.model, req.data, percentile);
      const grids = new Map([...ranges].map(([name, [lo, hi]]) => [name, uint8Grid(lo, hi)]));
      quantization.calibration = percentile === undefined ? 'minmax' : `percentile ${percentile}`;
      architecture = withActivationQuantizers(req.architecture, grids);
    }
    const model = buildModel(tf, architecture, input, 0);
    for (const source of req.pruned.model.layers) {
      const layer = model.getLayer(source.name);
      const weights = source.getWeights();
      const names = quantizedWeightsOf(layer)?.weights ?? [];
      // getWeights hands out the source layer's own variables: only the new ones are ours to free.
      const made: Tensor[] = [];
      const stored = weights.map((w, i) => {
        const name = names.find((n) => weightIndex(layer, n) === i);
        if (!name) return w;
        const { values, scales } = quantized(w.dataSync() as Float32Array, w.shape.at(-1)!, o, weightLimit);
        quantization.weights.push({ layer: layer.name, weight: name, scales });
        made.push(tf.tensor(values, w.shape));
        return made.at(-1)!;
      });
      if (weights.length) layer.setWeights(stored);
      for (const t of made) t.dispose();
    }
    return { model, architecture, quantization };
  },
});
