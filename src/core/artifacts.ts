// Files stored per run: both models in tfjs format, test predictions as CSV, and the pruned
// layers' weights before and after pruning (for the weight-distribution figures).
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { failpoint } from './failpoints.ts';
import { sha256 } from './hash.ts';
import { join } from 'node:path';
import type { LayersModel, MeasureResult, PrunedLayer, Tf } from './plugin-api.ts';

/** tfjs "layers-model" format (model.json + weights.bin), written without tfjs-node's file IO. */
export async function saveModel(tf: Tf, model: LayersModel, dir: string): Promise<number> {
  let bytes = 0;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      mkdirSync(dir, { recursive: true });
      const data = artifacts.weightData ?? new ArrayBuffer(0);
      const weights = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
      writeFileSync(join(dir, 'weights.bin'), Buffer.from(weights));
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
      bytes = weights.byteLength;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes } };
    }),
  );
  return bytes;
}

export function predictionsCsv(predictions: MeasureResult['predictions']): string {
  const names = Object.keys(predictions.byModel);
  const rows = predictions.dates.map((d, i) => [d, predictions.actual[i], ...names.map((n) => predictions.byModel[n][i])].join(','));
  return [['date', 'actual', ...names].join(','), ...rows].join('\n') + '\n';
}

export function prunedWeightsJson(layers: PrunedLayer[]): string {
  return JSON.stringify(
    layers.map((l) => ({ layer: l.layer, threshold: l.threshold, total: l.total, kept: l.kept, before: Array.from(l.before), after: Array.from(l.after) })),
  );
}

/** Folders being written carry this in their name until they are renamed into place. */
export const TMP_MARK = '.tmp-';

/** sha256 of every file under `dir` (relative paths), to detect damaged artifacts later. */
export function checksumFolder(dir: string): Record<string, string> {
  const sums: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else sums[rel] = sha256(readFileSync(join(dir, rel)));
    }
  };
  walk('');
  return sums;
}

/** True when every listed file is present with its recorded checksum. */
export function folderMatches(dir: string, sums: Record<string, string>): boolean {
  try {
    return Object.entries(sums).every(([rel, sum]) => sha256(readFileSync(join(dir, rel))) === sum);
  } catch {
    return false;
  }
}

/**
 * Writes a run's files into a temporary sibling folder, then renames it into place, so a run
 * folder is either complete or absent.
 */
export async function writeRunFolder(dir: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${dir}${TMP_MARK}${process.pid}-${Math.random().toString(36).slice(2)}`;
  mkdirSync(tmp, { recursive: true });
  try {
    await write(tmp);
    failpoint('artifact-write');
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
