// Post-training weight quantisation: the arithmetic, and the description a compactor hands on so
// that the measure stage can store and export the model as quantised. int8 is symmetric (zero
// point 0, so a pruned zero stays exactly zero): q = round(w / s) in [−127, 127] with one scale
// s = max|w| / 127 per output channel (the weight's last axis in tfjs's layout) or per tensor.
// float16 rounds each weight to the nearest half-precision value. Either way the model runexp
// evaluates holds the dequantised values (q·s in float32, or the float16 value), which is exactly
// what ONNX Runtime computes from the exported file (DequantizeLinear, or Cast from float16) before
// its float32 product: so the accuracy measured is that of the quantised model, not an estimate.

import type { Layer, QuantizedWeights } from './layers/kind.ts';
import { kindOfLayer, weightsOfLayer } from './layers/registry.ts';
import type { LayersModel } from './tf.ts';

/**
 * What the quantize compactor stores quantised in a built layer, and QAT trains through (qat.ts):
 * its kind's `quantized` (dense and conv1d kernels; recurrent input and recurrent kernels), if any.
 */
export const quantizedWeightsOf = (layer: Layer): QuantizedWeights | undefined => kindOfLayer(layer).quantized;

/** The weight formats a compactor can quantise to. */
export const QUANTIZATION_BITS = [8, 16] as const;
export type QuantizationBits = (typeof QUANTIZATION_BITS)[number];
/** int8 scales: one per output channel (a kernel's last axis), or one for the whole tensor. */
export const QUANTIZATION_SCHEMES = ['per-channel', 'per-tensor'] as const;
export type QuantizationScheme = (typeof QUANTIZATION_SCHEMES)[number];

/** One quantised weight of a model: which, and (int8) its scales along its last axis. */
export interface QuantizedWeight {
  layer: string;
  /** The weight's name in its layer kind ('kernel'). */
  weight: string;
  /** int8: one scale per output channel (per-channel) or one for the tensor; empty for float16. */
  scales: number[];
}

/** How a compact model's weights were quantised (CompactResult.quantization). */
export interface ModelQuantization {
  bits: QuantizationBits;
  scheme: QuantizationScheme;
  /**
   * none: activations stay float32 (weight-only). int8: the input of each quantised layer is
   * rounded to a uint8 grid calibrated on the training windows (fakeQuantize layers in the model).
   */
  activations: 'none' | 'int8';
  /** The largest |q| of the int8 weights: 127, or 63 with int8 activations (quantizeInt8). */
  weightLimit?: number;
  /** int8 activations: how their ranges were calibrated ("minmax", "percentile 99.99"). */
  calibration?: string;
  weights: QuantizedWeight[];
}

/**
 * int8 values and their scales for a float32 weight whose last axis has `channels` entries, in
 * [−limit, limit]: 127, or 63 (7 bits, "reduced range") for int8 activations on x86 CPUs without
 * VNNI, whose u8·s8 instruction (pmaddubsw) saturates a pair's sum above 32,767.
 */
export function quantizeInt8(
  values: Float32Array,
  channels: number,
  scheme: QuantizationScheme,
  limit = 127,
): { q: Int8Array; scales: number[] } {
  const groups = scheme === 'per-channel' ? channels : 1;
  const max = new Float64Array(groups);
  for (let i = 0; i < values.length; i++) {
    const g = groups === 1 ? 0 : i % channels;
    max[g] = Math.max(max[g], Math.abs(values[i]));
  }
  // An all-zero channel (every weight pruned) keeps scale 1: its values are 0 either way.
  const scales = Array.from(max, (m) => (m > 0 ? Math.fround(m / limit) : 1));
  const q = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const s = scales[groups === 1 ? 0 : i % channels];
    q[i] = Math.max(-limit, Math.min(limit, roundHalfEven(values[i] / s)));
  }
  return { q, scales };
}

/** q·s in float32, as ONNX's DequantizeLinear computes it (zero point 0). */
export function dequantizeInt8(q: Int8Array, scales: number[], channels: number): Float32Array {
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = q[i] * scales[scales.length === 1 ? 0 : i % channels];
  return out;
}

/** Round half to even, as ONNX's QuantizeLinear (and numpy) round. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Each value rounded to the nearest float16 (ties to even), back in float32. */
export function roundToFloat16(values: Float32Array): Float32Array {
  const halves = toFloat16Bits(values);
  const out = new Float32Array(values.length);
  for (let i = 0; i < halves.length; i++) out[i] = float16BitsToNumber(halves[i]);
  return out;
}

/** IEEE half-precision bit patterns of float32 values, rounded to nearest, ties to even. */
export function toFloat16Bits(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) {
    const x = bits[i];
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    const mantissa = x & 0x7fffff;
    if (exponent === 0xff) {
      out[i] = sign | 0x7c00 | (mantissa ? 0x200 : 0); // Inf or NaN
      continue;
    }
    const e = exponent - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00; // too large: Inf
    } else if (e <= 0) {
      // Subnormal half (or zero): shift the full mantissa into place, rounding to nearest even.
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      const full = mantissa | 0x800000;
      const shift = 14 - e;
      const half = full >>> shift;
      const rest = full & ((1 << shift) - 1);
      const midpoint = 1 << (shift - 1);
      out[i] = sign | (half + (rest > midpoint || (rest === midpoint && half & 1) ? 1 : 0));
    } else {
      const half = (e << 10) | (mantissa >>> 13);
      const rest = mantissa & 0x1fff;
      // A carry out of the mantissa correctly bumps the exponent (up to Inf).
      out[i] = sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
    }
  }
  return out;
}

function float16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** What a run record keeps of a model's quantisation: its format and which weights, without the scales. */
export function quantizationSummary(q: ModelQuantization) {
  return {
    bits: q.bits,
    scheme: q.scheme,
    activations: q.activations,
    ...(q.weightLimit !== undefined && q.weightLimit !== 127 ? { weightLimit: q.weightLimit } : {}),
    ...(q.calibration ? { calibration: q.calibration } : {}),
    weights: q.weights.map((w) => `${w.layer}:${w.weight}`),
    scales: q.weights.reduce((n, w) => n + w.scales.length, 0),
  };
}

/**
 * A model's weights as stored quantised, layer by layer: each quantised weight as int8 values and
 * its float32 scales, or as float16; every other weight as float32. Its length is the stored size.
 */
export function storedWeights(model: LayersModel, quantization: ModelQuantization): Uint8Array {
  const quantized = new Map(quantization.weights.map((w) => [`${w.layer}/${w.weight}`, w]));
  const parts: Uint8Array[] = [];
  for (const layer of model.layers) {
    const names = weightsOfLayer(layer).map((w) => w.name);
    layer.getWeights().forEach((tensor, i) => {
      const values = Float32Array.from(tensor.dataSync());
      const q = quantized.get(`${layer.name}/${names[i]}`);
      if (!q) parts.push(new Uint8Array(values.buffer));
      else if (quantization.bits === 16) parts.push(new Uint8Array(toFloat16Bits(values).buffer));
      else {
        const channels = tensor.shape.at(-1)!;
        const ints = new Int8Array(values.length);
        for (let v = 0; v < values.length; v++) ints[v] = Math.round(values[v] / q.scales[q.scales.length === 1 ? 0 : v % channels]);
        parts.push(new Uint8Array(ints.buffer), new Uint8Array(Float32Array.from(q.scales).buffer));
      }
    });
  }
  return Buffer.concat(parts);
}
