// Reading a model's weights as plain arrays, layer by layer.
import type { LayersModel } from './api.ts';

/** One layer's weight variables, by name, with their shapes and values (weightsOf). */
export interface LayerWeights {
  layer: string;
  /** Weight variables of the layer in order (kernel first, then bias), with their values. */
  tensors: { name: string; shape: number[]; values: Float32Array }[];
}

/** Every layer's weights as plain arrays, by name, with their shapes. */
export function weightsOf(model: LayersModel): LayerWeights[] {
  return model.layers.map((layer) => ({
    layer: layer.name,
    tensors: layer.getWeights().map((w, i) => ({
      name: layer.weights[i].name,
      shape: w.shape,
      values: Float32Array.from(w.dataSync() as Float32Array), // a copy: dataSync may share the backend buffer
    })),
  }));
}
