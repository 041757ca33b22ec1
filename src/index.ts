// The public API of runexp: the plugin kit (also published alone as `runexp/plugin`), the
// programmatic runner, and the types of what it stores. Re-exports only.
export * from './plugin/index.ts';
export { SpecError, type SpecIssue } from './spec/issues.ts';
export { runExperiment, type RunOptions, type RunSummary } from './execute/run.ts';
export { readResults } from './results/store.ts';
export { parseRecord, type RunRecord, type OkRecord, type FailedRecord } from './results/record.ts';
export type { GroupTask, Launcher, TaskEvent } from './execute/launcher.ts';
export { runTask } from './execute/worker.ts';
