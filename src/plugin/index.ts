// runexp/plugin: the contract between runexp and a plugin — the six slots, what each is asked and
// must answer, definePlugin, and runexp's error type. The helpers a plugin is written with are in
// topical subpaths: runexp/plugin/prune (choosing, masking and reporting weights), /model (models
// and the layer registry), /data (prices, windows, metrics, seeded randomness) and /onnx.
// Importing any of them never loads the runner (piscina, the spec loader, the store).
export {
  type CompactRequest,
  type CompactResult,
  definePlugin,
  type FetchContext,
  type Logger,
  type MeasureRequest,
  type MeasureResult,
  type Plugin,
  type PrunedLayer,
  type PruneData,
  type PruneRequest,
  type PruneResult,
  type PrunerDeclaration,
  type Slot,
  type StageContext,
} from './api.ts';
export type { Architecture, LayerSpec } from './architecture.ts';
export type { Series, SeriesFeature, WindowedData, WindowRequest, WindowSet } from './data-api.ts';
export { ErrorCode, RunexpError } from './errors.ts';
export type { LayerCount, ModelReport } from './model-report.ts';
export type { ModelQuantization, QuantizedWeight } from './quantization.ts';
export { quoted, quotedList } from './shorten.ts';
export { suggestHint } from './suggest.ts';
export type { LayersModel, Tensor, Tf } from './tf.ts';
export type { RetrainOptions, TrainingEvents, TrainingHooks, TrainingSummary, TrainRequest, TrainResult } from './training-api.ts';
