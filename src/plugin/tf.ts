// The TensorFlow.js types plugins see. Types only: the backend is chosen and loaded by the runner
// and handed to each stage as `ctx.tf`.
// runexp depends on what runs in Node — tfjs-core and tfjs-layers with the cpu and wasm backends —
// not on the umbrella @tensorflow/tfjs, whose browser bundles and WebGL backend Node never uses.
import type * as core from '@tensorflow/tfjs-core';
// Chained ops (`t.sub(u)`) are an augmentation the umbrella package imports; so does the runner.
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
import type * as layers from '@tensorflow/tfjs-layers';

/**
 * tfjs as runexp loads it for a worker: core's ops and layers' models in one namespace, on the backend
 * chosen.
 */
export type Tf = typeof core & typeof layers;
/** A tfjs layers model: what window, train, prune, compact and measure plugins hand each other. */
export type LayersModel = layers.LayersModel;
/** A tfjs tensor. */
export type Tensor = core.Tensor;
