// What a measure plugin reports for each model. Defined once, as a zod schema: the measure slot's
// result type and the `original` / `compact` blocks of every stored run record both come from it.
import { z } from 'zod';

/**
 * A number as JSON stores it: NaN and ±Infinity become null on the way out, so null reads back
 * as NaN. Types stay `number` for everything that reads records.
 */
export const jsonNumber = z.union([z.number(), z.null().transform(() => NaN)]);

export const layerCountSchema = z.object({ name: z.string(), params: z.number(), nonzero: z.number() });

const latencySchema = z.object({ batchSize: z.number(), medianMs: z.number(), p10Ms: z.number(), p90Ms: z.number(), repeats: z.number() });

export const modelReportSchema = z.looseObject({
  mse: jsonNumber,
  rmse: jsonNumber,
  mae: jsonNumber,
  r2: jsonNumber,
  layers: z.array(layerCountSchema),
  totalParams: z.number(),
  nonzeroParams: z.number(),
  /** All parameters / non-zero ones; Infinity when every weight is zero (read back as NaN). */
  compressionRatio: jsonNumber,
  size: z.object({
    denseBytes: z.number(),
    sparseBytes: z.number(),
    gzipBytes: z.number(),
    /** A quantised model's weights as stored (int8 with float32 scales, or float16), and gzipped. */
    stored: z.object({ format: z.string(), bytes: z.number(), gzipBytes: z.number() }).optional(),
  }),
  inference: z.object({ medianMs: z.number(), p10Ms: z.number(), p90Ms: z.number(), repeats: z.number(), windows: z.number() }),
  /** peakTensorBytes is NaN (null in JSON) where the runtime cannot tell it (ONNX Runtime). */
  memory: z.object({ peakTensorBytes: jsonNumber, rssBytes: z.number() }),
  /** Multiply–accumulates per window (all weights, and non-zero weights only); absent before 0.2. */
  macs: z.number().optional(),
  nonzeroMacs: z.number().optional(),
  /** Median time of one prediction of `batchSize` windows, where speed is measured; absent before 0.2. */
  latency: latencySchema.optional(),
  /** The same for one window at a time (batch 1), where the measure was asked for it (standard's `singleWindowLatency`). */
  singleWindowLatency: latencySchema.optional(),
  /** What ran the model for these numbers: tfjs or onnxruntime; absent in records from before ONNX support (tfjs). */
  runtime: z.string().optional(),
  /** Where the model ran as ONNX: its file in the run folder and its largest difference from tfjs. */
  onnx: z
    .object({ file: z.string(), bytes: z.number(), opset: z.number(), maxAbsDifference: z.number(), tolerance: z.number() })
    .optional(),
});

/** One layer of a model report: its weights in total and not zero. */
export type LayerCount = z.infer<typeof layerCountSchema>;
/**
 * What a measure plugin reports of one model: scores, parameter counts (checked against the model), time,
 * memory and size.
 */
export type ModelReport = z.output<typeof modelReportSchema>;
