// The TensorFlow.js types plugins see. Types only: the backend is chosen and loaded by the runner
// and handed to each stage as `ctx.tf`.
import type * as tfjs from '@tensorflow/tfjs';

export type Tf = typeof tfjs;
export type LayersModel = tfjs.LayersModel;
