// runexp: the programmatic API — run a spec (a file or an object), watch its progress, read the
// stored results as typed records and export them — and the plugin contract (runexp/plugin), for
// scripts that define plugins inline. Re-exports only; every name here is documented in docs/api.md.
export type { BackendChoice } from './execute/backend.ts';
export type { GroupTask, Launcher, TaskEvent } from './execute/launcher.ts';
export type { GridProgress } from './execute/progress.ts';
export { runExperiment } from './execute/run.ts';
export type { RunOptions, RunSummary } from './execute/run-options.ts';
export * from './plugin/index.ts';
export { type ExportRow, exportRows, exportText } from './results/export.ts';
export { type FailedRecord, type OkRecord, parseRecord, type RunRecord } from './results/record.ts';
export { readResults } from './results/store.ts';
export { SpecError, type SpecIssue } from './spec/issues.ts';
