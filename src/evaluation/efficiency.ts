// Efficiency measured, not assumed: the compact model against the original on MACs, stored size
// and latency. A dense kernel only gets faster when the architecture shrinks (structured
// pruning); zeros alone (unstructured pruning) change size and the non-zero MACs a sparse kernel
// could skip, not the measured time — the record shows both, so neither is mistaken for the other.
import { z } from 'zod';
import { jsonNumber, type ModelReport } from '../plugin/model-report.ts';

export const efficiencySchema = z.object({
  /** Original MACs / compact MACs: what a dense kernel can gain. */
  theoreticalSpeedup: jsonNumber,
  /** Original non-zero MACs / compact non-zero MACs: the most a sparse kernel could gain. */
  sparseTheoreticalSpeedup: jsonNumber,
  /** Original latency / compact latency, one batch of `latencyBatch` windows each. */
  measuredSpeedup: jsonNumber,
  latencyBatch: z.number(),
  /** Measured / theoretical speedup: 1 means the whole MAC saving showed up as time. */
  realisedShare: jsonNumber,
  /** Original bytes / compact bytes, stored dense, sparse and gzipped. */
  sizeRatio: z.object({ dense: jsonNumber, sparse: jsonNumber, gzip: jsonNumber }),
});

export type Efficiency = z.output<typeof efficiencySchema>;

/** Undefined when the measure plugin reported no MACs or latency (a user's measure plugin may not). */
export function efficiencyOf(original: ModelReport, compact: ModelReport): Efficiency | undefined {
  if (original.macs === undefined || compact.macs === undefined || !original.latency || !compact.latency) return undefined;
  const theoreticalSpeedup = original.macs / compact.macs;
  const measuredSpeedup = original.latency.medianMs / compact.latency.medianMs;
  return {
    theoreticalSpeedup,
    sparseTheoreticalSpeedup: original.nonzeroMacs! / compact.nonzeroMacs!,
    measuredSpeedup,
    latencyBatch: compact.latency.batchSize,
    realisedShare: measuredSpeedup / theoreticalSpeedup,
    sizeRatio: {
      dense: original.size.denseBytes / compact.size.denseBytes,
      sparse: original.size.sparseBytes / compact.size.sparseBytes,
      gzip: original.size.gzipBytes / compact.size.gzipBytes,
    },
  };
}
