// What travels through Redis. Jobs and results are JSON, so every file (a trained model, a run's
// predictions) goes as base64; the task itself is plain data already (plan/types.ts).
import type { ArtifactFiles } from '../../results/artifacts.ts';
import type { GroupTask, TaskEvent } from '../launcher.ts';
import type { BundleRefs } from './plugin-bundles.ts';

type EncodedFiles = Record<string, string>;

/** A job: the task, what the submitting runexp is (a worker refuses what it cannot match), and the user's plugins. */
export interface JobData {
  runexp: string;
  task: Omit<GroupTask, 'cachedTrainings' | 'bundledPlugins'> & { cachedTrainings: Record<string, EncodedFiles> };
  bundles: BundleRefs;
}

export type EncodedEvent = Exclude<TaskEvent, { files?: ArtifactFiles }> | (TaskEvent & { files?: EncodedFiles });

export interface JobResult {
  events: EncodedEvent[];
  /** The worker host, for `runexp queue status` and the logs. */
  host: string;
}

export function encodeFiles(files: ArtifactFiles): EncodedFiles {
  return Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, Buffer.from(bytes).toString('base64')]));
}

export function decodeFiles(files: EncodedFiles): ArtifactFiles {
  return Object.fromEntries(Object.entries(files).map(([name, base64]) => [name, new Uint8Array(Buffer.from(base64, 'base64'))]));
}

const mapFiles = <T>(cached: Record<string, T>, f: (files: T) => unknown) =>
  Object.fromEntries(Object.entries(cached).map(([key, files]) => [key, f(files)]));

export function encodeTask(task: GroupTask, runexp: string, bundles: BundleRefs): JobData {
  return {
    runexp,
    bundles,
    task: { ...task, cachedTrainings: mapFiles(task.cachedTrainings, encodeFiles) as Record<string, EncodedFiles> },
  };
}

/** The task as this worker runs it: `bundledPlugins` are the local files of the job's bundles. */
export function decodeTask(data: JobData, bundledPlugins: Record<string, string>): GroupTask {
  return {
    ...data.task,
    bundledPlugins,
    cachedTrainings: mapFiles(data.task.cachedTrainings, decodeFiles) as Record<string, ArtifactFiles>,
  };
}

export function encodeEvent(event: TaskEvent): EncodedEvent {
  return 'files' in event && event.files ? ({ ...event, files: encodeFiles(event.files) } as EncodedEvent) : (event as EncodedEvent);
}

export function decodeEvent(event: EncodedEvent): TaskEvent {
  return 'files' in event && event.files
    ? ({ ...event, files: decodeFiles(event.files as EncodedFiles) } as TaskEvent)
    : (event as TaskEvent);
}
