// The honest part of every result: baselines on the same test targets, scores beyond the paper's
// (MASE, skill against persistence, returns, direction), and Diebold–Mariano tests between the
// models and against persistence. Computed by core for every run, whatever the measure plugin.
import { z } from 'zod';
import type { Series } from '../plugin/api.ts';
import { trainingTargets } from '../plugin/windows.ts';
import type { TrainGroup } from '../plan/types.ts';
import { BASELINES, baselineForecasts, chooseRidge, type BaselineName } from './baselines.ts';
import {
  forecastScoresSchema,
  naiveScale,
  scoreForecast,
  upDayRate,
  type ForecastScores,
  type ScoringContext,
} from './forecast-metrics.ts';
import { dieboldMariano, neweyWestBandwidth, testResultSchema } from './stats.ts';
import { withinSession } from './sessions.ts';

export interface GroupEvaluation {
  scoring: ScoringContext;
  baselinePredictions: Record<BaselineName, number[]>;
  baselines: Record<BaselineName, ForecastScores>;
  upDayRate: number;
  /** The linear baseline's relative ridge penalty, chosen on the validation split. */
  ridge: number;
}

/** Work shared by every run of a training group: the targets, the scale and the baselines. */
export function evaluateGroup(series: Series, group: TrainGroup): GroupEvaluation {
  const { lookback, horizon, validationSplit } = group.window;
  const { train, test } = group.ranges;
  const { firstValidationTarget } = trainingTargets(train, lookback, horizon, validationSplit);
  // Intraday: only targets whose window keeps within its session (sessions.ts), as the models'.
  const keep = (t: number) => withinSession(series.dates, t, group.window);
  const targets = Array.from({ length: test.to - test.from }, (_, i) => test.from + i).filter(keep);
  const scoring: ScoringContext = {
    actual: targets.map((t) => series.values[t]),
    previous: targets.map((t) => series.values[t - horizon]),
    naiveScale: naiveScale(series.values, train.from, train.to),
  };
  const fitOn = {
    values: series.values,
    train: { from: train.from, to: train.to, firstValidationTarget },
    lookback,
    horizon,
    features: series.features,
    keep,
  };
  const { ridge } = chooseRidge(fitOn);
  const baselinePredictions = baselineForecasts({ ...fitOn, test, ridge });
  const baselines = Object.fromEntries(BASELINES.map((b) => [b, scoreForecast(baselinePredictions[b], scoring)])) as Record<
    BaselineName,
    ForecastScores
  >;
  return { scoring, baselinePredictions, baselines, upDayRate: upDayRate(scoring.actual, scoring.previous), ridge };
}

/** HLN on squared and absolute errors, and (from issue 12) Newey–West on squared errors. */
const pairTestsSchema = z.object({ squared: testResultSchema, absolute: testResultSchema, squaredNeweyWest: testResultSchema.optional() });
export type PairTests = z.output<typeof pairTestsSchema>;

/** What core adds to every successful run record, whatever the measure plugin. */
export const runEvaluationSchema = z.object({
  forecast: z.object({ original: forecastScoresSchema, compact: forecastScoresSchema }),
  baselines: z.object({ persistence: forecastScoresSchema, drift: forecastScoresSchema, linear: forecastScoresSchema }),
  upDayRate: z.number(),
  /** Days ahead each forecast is made (absent before issue 22: those records are 1 day ahead). */
  horizon: z.number().optional(),
  /** The linear baseline's ridge penalty (× training windows), chosen on validation; absent before issue 12. */
  ridge: z.number().optional(),
  /** Diebold–Mariano tests; a negative statistic favours the first-named forecast. */
  tests: z.object({ compactVsOriginal: pairTestsSchema, originalVsPersistence: pairTestsSchema, compactVsPersistence: pairTestsSchema }),
});
export type RunEvaluation = z.output<typeof runEvaluationSchema>;

export function evaluateRun(
  shared: GroupEvaluation,
  predictions: { original: number[]; compact: number[] },
  horizon: number,
): RunEvaluation {
  const { actual } = shared.scoring;
  const errors = (p: ArrayLike<number>) => Array.from(actual, (a, i) => a - p[i]);
  const eOriginal = errors(predictions.original);
  const eCompact = errors(predictions.compact);
  const ePersistence = errors(shared.baselinePredictions.persistence);
  const pair = (a: number[], b: number[]): PairTests => ({
    squared: dieboldMariano(a, b, { loss: 'squared', h: horizon }),
    absolute: dieboldMariano(a, b, { loss: 'absolute', h: horizon }),
    // Overlapping h-day forecasts are correlated up to lag h − 1 at least.
    squaredNeweyWest: dieboldMariano(a, b, {
      loss: 'squared',
      variance: 'newey-west',
      bandwidth: Math.max(neweyWestBandwidth(a.length), horizon - 1),
    }),
  });
  return {
    forecast: {
      original: scoreForecast(predictions.original, shared.scoring),
      compact: scoreForecast(predictions.compact, shared.scoring),
    },
    baselines: shared.baselines,
    upDayRate: shared.upDayRate,
    horizon,
    ridge: shared.ridge,
    tests: {
      compactVsOriginal: pair(eCompact, eOriginal),
      originalVsPersistence: pair(eOriginal, ePersistence),
      compactVsPersistence: pair(eCompact, ePersistence),
    },
  };
}
