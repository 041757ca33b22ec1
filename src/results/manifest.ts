// What produced a set of results: versions, machine, code commit, data checksums, times.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** runexp's own package.json. */
export function runexpPackage(): { version: string; peerDependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'));
}

export function runexpVersion(): string {
  return runexpPackage().version;
}

/**
 * The version of a package as Node would resolve it from runexp: in runexp's own node_modules (a
 * clone), or in a folder above it (an installed runexp, whose dependencies npm hoists beside it).
 */
function packageVersion(name: string): string | undefined {
  for (let dir = ROOT; ; dir = dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      if (dirname(dir) === dir) return undefined;
    }
  }
}

export function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    return dirty ? `${commit}-dirty` : commit;
  } catch {
    return 'unknown';
  }
}

export function environment() {
  const cpu = cpus();
  return {
    runexp: runexpVersion(),
    gitCommit: gitCommit(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: { model: cpu[0]?.model ?? 'unknown', cores: cpu.length },
    memoryBytes: totalmem(),
    packages: Object.fromEntries(
      [
        '@tensorflow/tfjs-core',
        '@tensorflow/tfjs-layers',
        '@tensorflow/tfjs-backend-wasm',
        '@tensorflow/tfjs-node',
        'piscina',
        'zod',
        'yaml',
        'yahoo-finance2',
        'vega-lite',
      ].map((p) => [p, packageVersion(p) ?? null]),
    ),
  };
}

export const MANIFEST_FILE = 'manifest.json';

/** manifest.json: what produced an output directory, and how its latest run went. */
export const manifestSchema = z.looseObject({
  schemaVersion: z.number().int().default(1),
  experiment: z.string(),
  spec: z.string(),
  runexp: z.string(),
  gitCommit: z.string(),
  node: z.string(),
  platform: z.string().optional(),
  cpu: z.object({ model: z.string(), cores: z.number() }),
  memoryBytes: z.number().optional(),
  packages: z.record(z.string(), z.string().nullable()),
  backendRequested: z.string().optional(),
  backends: z.array(z.string()),
  /** The launcher that ran the tasks (in-process, piscina) and how many workers it had. */
  launcher: z.string().optional(),
  workers: z.number().optional(),
  /** The most seeds trained as one computation (--stack-seeds; 1: each alone). Numbers do not depend on it. */
  stackSeeds: z.number().optional(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  status: z.enum(['running', 'ok', 'some-runs-failed', 'interrupted', 'write-error']),
  data: z.array(
    z.object({ ticker: z.string(), source: z.string(), checksum: z.string(), first: z.string(), last: z.string(), rows: z.number() }),
  ),
  /** The runs of this grid, in the spec's order: results.jsonl may also hold runs of older specs. */
  grid: z
    .object({ runs: z.number(), trainings: z.number(), reused: z.number().optional(), runIds: z.array(z.string()).optional() })
    .optional(),
  counts: z.object({ ok: z.number(), failed: z.number() }).optional(),
});

export type Manifest = z.output<typeof manifestSchema>;
export const MANIFEST_SCHEMA_VERSION = 2;

/** Reads and checks manifest.json; a file that does not fit the schema says where. */
export function readManifest(outDir: string): Manifest {
  const file = join(outDir, MANIFEST_FILE);
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RunexpError(
      ErrorCode.DATA,
      `${file} is damaged: ${issue.path.join('.') || 'manifest'}: ${issue.message}`,
      'run the experiment again to rewrite it',
    );
  }
  return parsed.data;
}
