// The public API of runexp: what a plugin author or a script imports. Re-exports only.
export * from './core/plugin-api.ts';
export { buildModel, cloneModel, disposeModel, layerNames, type Architecture, type LayerSpec } from './core/architecture.ts';
export { ErrorCode, RunexpError, SpecError, type SpecIssue } from './core/errors.ts';
export { canonicalJson, sha256, shortHash } from './core/hash.ts';
export { mae, mse, r2, rmse } from './core/metrics.ts';
export { parsePriceCsv } from './core/prices.ts';
export { percentile } from './core/percentile.ts';
export { mulberry32, permutation } from './core/random.ts';
export { suggestHint } from './core/suggest.ts';
export { makeWindows, splitCounts, trainingTargets, windowCount } from './core/windows.ts';
export { pruneKernels, resolveTargetLayers, targetLayersOption } from './core/prune-kernels.ts';
export { weightsOf } from './core/weights.ts';
export { runExperiment, type RunOptions, type RunSummary } from './core/run.ts';
