// tfjs models as in-memory files (the "layers-model" format: model.json + weights.bin), written
// and read without tfjs-node's file IO, so a worker hands them to the store as plain bytes.
import type { LayersModel, Tf } from '../plugin/api.ts';
import { registerLayerClasses } from '../plugin/layers/registry.ts';
import { text, type ArtifactFiles } from '../results/artifacts.ts';

export async function modelFiles(tf: Tf, model: LayersModel, prefix = ''): Promise<{ files: ArtifactFiles; weightBytes: number }> {
  let files: ArtifactFiles = {};
  let weightBytes = 0;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData ?? new ArrayBuffer(0);
      const weights = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      files = { [`${prefix}weights.bin`]: new Uint8Array(weights), [`${prefix}model.json`]: text(JSON.stringify(modelJson)) };
      weightBytes = weights.byteLength;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightBytes } };
    }),
  );
  return { files, weightBytes };
}

export async function loadModel(tf: Tf, files: ArtifactFiles, prefix = ''): Promise<LayersModel> {
  const modelJson = JSON.parse(new TextDecoder().decode(files[`${prefix}model.json`]));
  const weights = files[`${prefix}weights.bin`];
  registerLayerClasses(tf);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
    }),
  );
}
