// runexp/plugin/model: models and the layer registry. Build a model from an architecture, copy and
// free models, read weights by name, count multiply-accumulates, and define a layer kind of your own
// (its build, weights, shrink under structured pruning, gradient and ONNX export).
export {
  type Activation,
  ACTIVATIONS,
  buildModel,
  cloneModel,
  disposeModel,
  hasResidual,
  layerActivation,
  layerNames,
  type NamedLayer,
  namedLayers,
  shrinkableLayers,
} from '../architecture.ts';
export {
  type BuildContext,
  type Channels,
  defineLayerKind,
  dims,
  inputShapeOf,
  type Layer,
  type LayerGradient,
  type LayerKind,
  outputShapeOf,
  type QuantizedWeights,
  type Shape,
  type Shrink,
  type ShrinkResult,
  type StackedGradient,
  trainableVariables,
  type WeightInfo,
} from '../layers/kind.ts';
export { kindOfLayer, LAYER_KINDS, layerKind, prunableLayers, weightIndex, weightsOfLayer } from '../layers/registry.ts';
export { isResidual } from '../layers/residual.ts';
export {
  dequantizeInt8,
  type ModelQuantization,
  QUANTIZATION_BITS,
  QUANTIZATION_SCHEMES,
  quantizedWeightsOf,
  quantizeInt8,
  roundToFloat16,
  storedWeights,
} from '../quantization.ts';
export {
  canStackMatMul,
  stackedBiasedMatMul,
  stackedColumnSums,
  stackedMatMul,
  stackedReluGradient,
  wasmHeap,
} from '../layers/stacked-matmul.ts';
export { activationAtZero, flattenChannels, passChannels, pick, unitShrink } from '../layers/shrink.ts';
export { type MacCount, macsOf } from '../macs.ts';
export { type LayerWeights, weightsOf } from '../weights.ts';
