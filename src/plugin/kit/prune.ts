// runexp/plugin/prune: what a prune plugin is written with. Choose the weights (by name: a kernel,
// a recurrent kernel), score them, turn scores into masks, apply the masks to a copy of the model,
// keep them in place through the pruner's own trainings, and report what was pruned.
export { percentile } from '../percentile.ts';
export {
  controlOf,
  controlOption,
  type KernelDecision,
  magnitudeScores,
  percentileOption,
  prunedLabel,
  pruneKernels,
  resolveTargetLayers,
  resolveTargets,
  scopeOption,
  sparsityOption,
  sparsityFrom,
  sparsityOrPercentile,
  splitTarget,
  targetLayersOption,
  targetWeightsOption,
  weightTarget,
} from '../prune-kernels.ts';
export {
  applyMasks,
  keepAllBut,
  lowestIndexes,
  maskedResult,
  maskHooks,
  masksFromScores,
  prunedCount,
  randomMasksLike,
  type WeightMask,
  weightValues,
} from '../masks.ts';
export { fakeQuantHooks, qatOption } from '../qat.ts';
export { chainHooks } from '../training-events.ts';
