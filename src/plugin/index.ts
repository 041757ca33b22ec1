// runexp/plugin: everything a plugin author needs, and nothing of the runner. Importing this never
// loads piscina, the spec loader or the store, so plugins load fast in every worker thread.
// Built-in plugins (src/plugins/) import exactly this module, as a user's plugin does.
export * from './api.ts';
export {
  ACTIVATIONS,
  buildModel,
  cloneModel,
  disposeModel,
  hasResidual,
  layerActivation,
  layerNames,
  layerSchema,
  layerSchemaFor,
  namedLayers,
  shrinkableLayers,
  SPEC_LAYER_TYPES,
  type Activation,
  type Architecture,
  type LayerSpec,
} from './architecture.ts';
export { ACTIVATION_TABLE } from './layers/activations.ts';
export { isResidual, RESIDUAL } from './layers/residual.ts';
export {
  activationAtZero,
  flattenChannels,
  passChannels,
  pick,
  unitShrink,
  type Channels,
  type Shrink,
  type ShrinkResult,
} from './layers/shrink.ts';
export {
  defineLayerKind,
  dims,
  inputShapeOf,
  outputShapeOf,
  trainableVariables,
  type BuildContext,
  type Layer,
  type LayerGradient,
  type LayerKind,
  type Shape,
  type WeightInfo,
} from './layers/kind.ts';
export {
  kindOfLayer,
  LAYER_KINDS,
  LAYER_TYPES,
  layerKind,
  prunableLayers,
  registerLayerClasses,
  registerLayerKind,
  weightIndex,
  weightsOfLayer,
} from './layers/registry.ts';
export { OnnxGraph } from './onnx/graph.ts';
export { ErrorCode, RunexpError, serializeError, type SerializedError } from './errors.ts';
export { canonicalJson, sha256, shortHash } from './hash.ts';
export { macsOf, type MacCount } from './macs.ts';
export { mae, mse, r2, rmse } from './metrics.ts';
export { jsonNumber, layerCountSchema, modelReportSchema } from './model-report.ts';
export { parsePriceCsv } from './prices.ts';
export { percentile } from './percentile.ts';
export { mulberry32, permutation } from './random.ts';
export { quoted, quotedList } from './shorten.ts';
export { decodeText, textEncoding, type DecodedText } from './text-decoding.ts';
export { daysBetween, isCalendarDate } from './dates.ts';
export { suggestHint } from './suggest.ts';
export { extrapolation, makeWindows, splitCounts, trainingTargets, windowCount } from './windows.ts';
export {
  controlOf,
  controlOption,
  magnitudeScores,
  percentileOption,
  pruneKernels,
  sparsityOrPercentile,
  resolveTargetLayers,
  prunedLabel,
  resolveTargets,
  scopeOption,
  sparsityOption,
  splitTarget,
  targetLayersOption,
  targetWeightsOption,
  weightTarget,
} from './prune-kernels.ts';
export {
  applyMasks,
  keepAllBut,
  lowestIndexes,
  maskedResult,
  maskHooks,
  masksFromScores,
  prunedCount,
  randomMasksLike,
  weightValues,
  type WeightMask,
} from './masks.ts';
export { trainingEvents } from './training-events.ts';
export { weightsOf } from './weights.ts';
export { exportOnnx, OnnxExportError, ONNX_INPUT, ONNX_OPSET, ONNX_OUTPUT } from './onnx/export.ts';
export { loadOnnxruntime, ONNXRUNTIME_INSTALL_HINT, onnxruntimeInstalled, onnxSession, type OnnxSession } from './onnx/runtime.ts';
