// The experiment spec: what a user writes (input) and what the rest of runexp sees (resolved,
// every default filled in, every axis a non-empty list). Plugin options are validated later by
// each plugin's own schema; here a plugin reference only needs its `plugin` name.
import { z } from 'zod';
import { layerSchema, layerSchemaFor, type LayerSpec } from '../plugin/architecture.ts';
import type { LayerKind } from '../plugin/layers/kind.ts';
import { ISO_DATE, isCalendarDate } from '../plugin/dates.ts';

/** One value or a non-empty list of values; resolved to a list. */
export function axis<T extends z.ZodType>(item: T) {
  // A union (not a preprocess) so that the generated JSON Schema accepts both forms.
  return z.union([item, z.array(item).min(1)]).transform((v): z.output<T>[] => (Array.isArray(v) ? v : [v]));
}

/**
 * `magnitude`, `./plugins/my-pruner.ts`, or `{plugin: magnitude, percentile: 35}`; resolved to the
 * object form. Keys other than `plugin` are the plugin's own options.
 */
const pluginName = z.string().min(1).describe('a built-in plugin name or a path to a .ts/.js file, relative to the spec');
export const pluginRef = z
  .union([pluginName, z.looseObject({ plugin: pluginName })])
  .transform((v) => (typeof v === 'string' ? { plugin: v } : v));
export type PluginRefResolved = z.output<typeof pluginRef>;

/** Seconds each plugin stage may take before its run fails with E_TIMEOUT: generous by default. */
export const DEFAULT_TIMEOUTS = { load: 120, fetch: 600, window: 600, train: 7200, prune: 7200, compact: 600, measure: 1800 } as const;
const seconds = (stage: string) => z.number().positive().max(604_800).describe(`seconds the ${stage} may take`);
const timeoutsSchema = z
  .strictObject({
    load: seconds('loading of a plugin file (its top-level code)').default(DEFAULT_TIMEOUTS.load),
    fetch: seconds('fetch stage').default(DEFAULT_TIMEOUTS.fetch),
    window: seconds('window stage').default(DEFAULT_TIMEOUTS.window),
    train: seconds('train stage').default(DEFAULT_TIMEOUTS.train),
    prune: seconds("prune stage (including a pruner's own trainings)").default(DEFAULT_TIMEOUTS.prune),
    compact: seconds('compact stage').default(DEFAULT_TIMEOUTS.compact),
    measure: seconds('measure stage').default(DEFAULT_TIMEOUTS.measure),
  })
  .prefault({})
  .describe('how long each plugin stage may take, in seconds; a stage that takes longer fails its run (E_TIMEOUT) and the grid goes on');
export type Timeouts = z.output<typeof timeoutsSchema>;

// The pattern stays in the generated JSON Schema for editors; a day that does not exist
// (2026-02-30) is caught by the refinement, which runs only when the pattern matched.
const isoDate = z
  .string()
  .regex(ISO_DATE, 'expected a date as YYYY-MM-DD')
  .refine(isCalendarDate, { message: 'no such day in the calendar', when: (payload) => payload.issues.length === 0 });

/**
 * Rolling-origin evaluation: `folds` test periods of `test.days`, `step` trading days apart, the
 * last one ending at `test.end`. Each fold's model trains on the `days` before its test period
 * (sliding) or on everything from the first fold's training start (expanding), and is trained
 * again at every fold or once, on the first fold's window.
 */
const walkForwardSchema = z
  .strictObject({
    folds: z.int().min(2).max(100).describe('number of consecutive test periods'),
    step: z
      .int()
      .positive()
      .optional()
      .describe(
        "trading days (sessions, with test.sessions) between the ends of consecutive test periods (default: the test period's length, so they do not overlap)",
      ),
    window: z
      .enum(['sliding', 'expanding'])
      .default('sliding')
      .describe(
        "sliding: the same number of training days before every fold; expanding: from the first fold's training start up to each fold",
      ),
    retrain: z
      .enum(['every', 'once'])
      .default('every')
      .describe("every: a new training per fold; once: the first fold's model for every fold"),
  })
  .refine((w) => !(w.window === 'expanding' && w.retrain === 'once'), {
    message: 'window: expanding needs retrain: every (a model trained once has one training window)',
    path: ['window'],
  })
  .describe('walk-forward (rolling-origin) evaluation over several consecutive test periods');

/** An input beside the target's own price: another column of its file, or another series joined on dates. */
export const featureSchema = z
  .strictObject({
    ticker: z
      .string()
      .min(1)
      .optional()
      .describe("another series (e.g. ^VIX), fetched like the dataset; the dataset's own ticker when left out"),
    column: z.string().min(1).optional().describe("the fetch plugin's `column` (e.g. Volume, High); its default column when left out"),
    source: pluginRef.optional().describe("a fetch plugin of its own; the dataset's source when left out"),
    transform: z
      .enum(['level', 'return', 'log-return', 'log'])
      .default('log-return')
      .describe('what the model sees of it at each step (then min-max scaled on the training windows)'),
  })
  .refine((f) => f.ticker !== undefined || f.column !== undefined || f.source !== undefined, {
    message: "a feature names a ticker, a column of the dataset's own file, or a source",
  });

export const datasetSchema = z.strictObject({
  source: pluginRef.default({ plugin: 'snapshot' }).describe('fetch plugin: snapshot (bundled, offline), csv, yahoo, or a file'),
  ticker: z.string().min(1).describe('e.g. SPY or ^GSPC'),
  days: axis(z.int().min(2)).describe('trading days of history used for training + validation; a list is a grid axis (data size)'),
  features: z
    .array(featureSchema)
    .default([])
    .describe(
      "input features beside the target's price, each one more input channel; a list of datasets with different features is an axis",
    ),
  align: z
    .strictObject({
      missing: z
        .enum(['error', 'ffill', 'drop'])
        .default('error')
        .describe(
          "a day the target has and a feature lacks: error, carry the feature's last value forward (at most `limit` days), or drop the day",
        ),
      limit: z.int().min(1).max(30).default(5).describe('ffill: the most consecutive days one value may be carried'),
    })
    .prefault({})
    .describe("how features join the target's calendar; days before a feature's first or after its last are always dropped"),
});

function architecturesSchema(layer: z.ZodType<LayerSpec>) {
  return z
    .record(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'architecture names use letters, digits, ".", "_" and "-"'),
      z.array(layer).min(1),
    )
    .refine((r) => Object.keys(r).length > 0, 'define at least one architecture')
    .describe('named layer stacks; each is a grid axis value');
}

/** Trading on the forecasts (evaluation only: it changes no run id, and the report and export recompute it). */
export const strategySchema = z
  .strictObject({
    position: z
      .enum(['long-flat', 'long-short'])
      .default('long-flat')
      .describe('long when the forecast is above the last price; otherwise flat (long-flat) or short (long-short)'),
    costBps: z
      .number()
      .min(0)
      .max(10_000)
      .default(1)
      .describe('cost of each unit of position change, in basis points of the traded value (entering long is 1 unit, long to short 2)'),
    periodsPerYear: z.number().positive().default(252).describe('trading days per year, for annualising'),
  })
  .describe('the directional strategy the report and export evaluate every forecast with (evaluation only: changing it reruns nothing)');

export const experimentSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, 'use letters, digits, ".", "_" and "-" (it names the output folder)')
    // reports/<name>/ sits beside reports/index.html, the list of every report.
    .refine((n) => n.toLowerCase() !== 'index.html', 'the name "index.html" is taken by the list of reports; choose another')
    .describe('names the output folder runs/<name>/'),
  description: z.string().optional(),
  seeds: axis(z.int().min(0))
    // [1, 1, 1.0] would train seed 1 once and look like three repeats: said where the second one is.
    .superRefine((seeds, ctx) => {
      seeds.forEach((seed, i) => {
        const first = seeds.indexOf(seed);
        if (first < i)
          ctx.addIssue({
            code: 'custom',
            path: [i],
            input: seed,
            message: `seed ${seed} is listed twice (first at seeds[${first}]); each seed trains once, so list every seed once`,
          });
      });
    })
    .default([0])
    .describe('one training per seed; a list is a grid axis'),
  maxRuns: z
    .int()
    .positive()
    .default(100_000)
    .describe('the most runs this grid may expand to; a bigger grid is refused before it is expanded'),
  timeouts: timeoutsSchema,
  repeats: z.int().positive().max(1000).optional().describe('shorthand for seeds 0..repeats-1 (use seeds or repeats, not both)'),
  data: axis(datasetSchema).describe('one dataset or a list of them (an axis)'),
  test: z
    .strictObject({
      days: z.int().positive().optional().describe('trading days (bars, on intraday series) in the test period, one prediction each'),
      sessions: z
        .int()
        .positive()
        .optional()
        .describe(
          'intraday bars: the test period as this many whole sessions (walkForward.step then counts sessions too); instead of days',
        ),
      end: axis(z.union([z.literal('last'), isoDate]))
        .default(['last'])
        .describe('last date of the test period; "last" is the last date in the data'),
      walkForward: walkForwardSchema.optional(),
    })
    .superRefine((test, ctx) => {
      if (test.days === undefined && test.sessions === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['days'],
          message: 'missing required key (expected a number; or test.sessions for intraday bars)',
        });
      if (test.days !== undefined && test.sessions !== undefined)
        ctx.addIssue({ code: 'custom', path: ['sessions'], input: test.sessions, message: 'give test.days or test.sessions, not both' });
    })
    .describe('the test period: a separate, later period right after the training window'),
  window: z
    .strictObject({
      lookback: z.int().positive().default(14),
      horizon: axis(z.int().positive())
        .default([1])
        .describe(
          "days ahead the model forecasts: the target is the close h trading days after the window's last day; a list is a grid axis",
        ),
      validationSplit: z.number().gt(0).lt(1).default(0.2).describe('chronological: the last share of training windows'),
      crossSessions: z
        .boolean()
        .default(false)
        .describe('intraday bars: also keep windows that span two sessions (the overnight gap); daily series ignore it'),
      scaler: axis(pluginRef)
        .default([{ plugin: 'minmax' }])
        .describe(
          'window plugin: how the series becomes scaled windows (minmax: price levels, as the paper; returns; normalised); a list is an axis (representations)',
        ),
    })
    .prefault({}),
  architectures: architecturesSchema(layerSchema),
  train: pluginRef.default({ plugin: 'tfjs' }),
  prune: axis(pluginRef)
    .default([{ plugin: 'magnitude' }])
    .describe('one pruner or a list (an axis)'),
  // Not `axis`: a single compactor stays as written in the resolved spec, as before lists were allowed.
  compact: z
    .union([pluginRef, z.array(pluginRef).min(1)])
    .default({ plugin: 'copy' })
    .describe('one compactor or a list (an axis: every pruner without a compactor of its own goes through each)'),
  measure: pluginRef.default({ plugin: 'standard' }),
  strategy: strategySchema.prefault({}),
});

/** The experiment schema whose architectures also accept the user's own layer kinds, by their file's reference. */
export function experimentSchemaWith(userKinds: ReadonlyMap<string, LayerKind>): typeof experimentSchema {
  return userKinds.size
    ? (experimentSchema.extend({ architectures: architecturesSchema(layerSchemaFor(userKinds)) }) as unknown as typeof experimentSchema)
    : experimentSchema;
}

export type ExperimentInput = z.input<typeof experimentSchema>;
export type Experiment = z.output<typeof experimentSchema>;
export type Dataset = Experiment['data'][number];
