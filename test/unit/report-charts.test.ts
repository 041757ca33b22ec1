// The report's Vega-Lite builders and page, on small hand-made result sets.
import { aggregateBy, AXES, varyingAxes } from '../../src/report/aggregate.ts';
import { axisChart } from '../../src/report/charts/axes.ts';
import { dataSizeChart } from '../../src/report/charts/data-size.ts';
import { skillChart, symlogTicks } from '../../src/report/charts/skill.ts';
import { predictionsChart } from '../../src/report/charts/predictions.ts';
import { lossChart } from '../../src/report/charts/loss.ts';
import { histogram, keptVersusPrunedChart, weightsBeforeAfterChart } from '../../src/report/charts/weights.ts';
import { esc, num, scriptJson, sig } from '../../src/report/html.ts';
import type { ExperimentResults, OkRecord } from '../../src/report/load.ts';
import { buildReport, orderRuns } from '../../src/report/page.ts';
import { methodRows } from '../../src/report/methods.ts';
import { methodsSection } from '../../src/report/methods-section.ts';
import { judge } from '../../src/report/verdict.ts';
import { trading } from '../../src/report/trading.ts';
import { tradingSection } from '../../src/report/trading-section.ts';
import type { ModelReport } from '../../src/index.ts';
import { SvgRenderer } from '../../src/report/svg.ts';

function model(mse: number): ModelReport {
  return {
    mse,
    rmse: Math.sqrt(mse),
    mae: mse / 10,
    r2: 0.9,
    layers: [{ name: 'dense', params: 10, nonzero: 8 }],
    totalParams: 10,
    nonzeroParams: 8,
    compressionRatio: 1.25,
    size: { denseBytes: 40, sparseBytes: 40, gzipBytes: 30 },
    inference: { medianMs: 1, p10Ms: 1, p90Ms: 1, repeats: 1, windows: 2 },
    memory: { peakTensorBytes: 1024, rssBytes: 1 },
  };
}

function scores(mse: number) {
  return {
    mse,
    rmse: Math.sqrt(mse),
    mae: mse / 10,
    r2: 0.9,
    mase: 1,
    skill: 1 - mse / 12,
    returnMse: 0,
    returnMae: 0,
    directionalAccuracy: 0.5,
  };
}

function run(id: string, params: Partial<OkRecord['params']>, mse: [number, number]): OkRecord {
  return {
    forecast: { original: scores(mse[0]), compact: scores(mse[1]) },
    baselines: { persistence: scores(12), drift: scores(12.5), linear: scores(13) },
    upDayRate: 0.5,
    tests: {} as OkRecord['tests'],
    runId: id,
    status: 'ok',
    trainKey: `${params.days ?? 100}-${params.seed ?? 0}-${params.testEnd ?? ''}`,
    params: {
      ticker: 'SPY',
      days: 100,
      testEnd: '2026-05-04',
      architecture: 'paper',
      seed: 0,
      pruner: 'magnitude',
      prune: { percentile: 35 },
      train: {},
      window: {},
      ...params,
    },
    data: {
      ticker: 'SPY',
      source: 'snapshot',
      checksum: 'abc',
      train: { start: '2025-01-01', end: '2025-06-01', days: 100 },
      test: { start: '2025-06-02', end: '2025-07-01', days: 20 },
    },
    scaler: { fitOn: 'train' },
    backend: 'wasm',
    training: { epochs: 1, bestEpoch: 1, loss: [1], valLoss: [1], timeMs: 10, redraws: 0, cached: false },
    pruning: { plugin: 'magnitude', layers: [{ layer: 'dense', threshold: 0.1, total: 10, kept: 7, sparsity: 0.3 }] },
    original: model(mse[0]),
    compact: { ...model(mse[1]), architecture: 'paper' },
    compactVsPruned: { maxAbsDifference: 0 },
    untouchedWeightsChanged: 0,
    schemaVersion: 2,
    finishedAt: '2026-01-01T00:00:00Z',
    files: { originalWeightsBytes: 40, compactWeightsBytes: 40, sha256: {} },
  };
}

describe('histogram', () => {
  test('equal-width bins, ends clamped', () => {
    expect(histogram([0, 0.1, 0.5, 0.99, 1], 2, [0, 1])).toEqual([
      { start: 0, end: 0.5, count: 2 },
      { start: 0.5, end: 1, count: 3 },
    ]);
  });
});

describe('weight charts', () => {
  const layer = { layer: 'dense', threshold: 0.5, before: [-1, -0.4, 0.2, 0.6, 1], after: [-1, 0, 0, 0.6, 1] };
  const one = [{ label: 'run', value: layer }];
  test("a weight's label with a space makes ids a page can select and files can be named by", () => {
    // "lstm recurrentKernel": the element #chart-weights-lstm recurrentKernel could not be found, so the chart was never drawn.
    expect(weightsBeforeAfterChart('lstm recurrentKernel', one).id).toBe('weights-lstm-recurrentKernel');
    expect(keptVersusPrunedChart('lstm recurrentKernel', one).id).toBe('weights-lstm-recurrentKernel-fate');
    expect(weightsBeforeAfterChart('dense_1', one).id).toBe('weights-dense_1');
  });
  test('Figure 1 marks ±threshold and bins both stages over one domain', () => {
    const chart = weightsBeforeAfterChart('dense', one);
    const spec = chart.spec as any;
    expect(spec.facet.row).toMatchObject({ field: 'stage', sort: { field: 'order' } });
    const bars = spec.data.values;
    const total = (stage: string) => bars.filter((b: any) => b.stage === stage).reduce((n: number, b: any) => n + b.count, 0);
    // The after panel draws the 3 kept weights; the 2 set to 0 are counted in its title instead.
    expect(total('Before pruning: 5 weights')).toBe(5);
    expect(total('After pruning: 3 kept (the 2 set to 0 are not drawn)')).toBe(3);
    expect(spec.spec.layer[1].data.values).toEqual([
      { t: -0.5, choice: 'run' },
      { t: 0.5, choice: 'run' },
    ]);
    expect(spec.spec.layer[0].encoding.x).toMatchObject({ field: 'start', bin: { binned: true } });
    // One configuration: no picker.
    expect(spec.params).toEqual([]);
  });
  test('Figure 2 splits the original weights by fate', () => {
    const values = (keptVersusPrunedChart('dense', one).spec as any).data.values;
    const total = (fate: string) => values.filter((v: any) => v.fate === fate).reduce((n: number, v: any) => n + v.count, 0);
    expect(total('kept')).toBe(3);
    expect(total('pruned')).toBe(2);
  });
  test("several configurations: every one's data in the chart, a drop-down picks one (the first at the start)", () => {
    const other = { ...layer, threshold: 0.1, after: [-1, -0.4, 0.2, 0.6, 1] };
    const spec = weightsBeforeAfterChart('dense', [...one, { label: 'other', value: other }], 3).spec as any;
    expect(spec.params).toEqual([
      { name: 'weights_pick', value: 'run', bind: { input: 'select', options: ['run', 'other'], name: 'configuration ' } },
    ]);
    expect(spec.transform).toEqual([{ filter: 'datum.choice == weights_pick' }]);
    expect(new Set(spec.data.values.map((b: any) => b.choice))).toEqual(new Set(['run', 'other']));
    expect(spec.spec.layer[1].transform).toEqual([{ filter: 'datum.choice == weights_pick' }]);
    expect(weightsBeforeAfterChart('dense', [...one, { label: 'other', value: other }], 3).caption).toContain(
      "Pick a configuration above the chart (2 of 3, the first in the grid's order).",
    );
  });
});

test("Figure 3: inference time carries its repeats' 10th–90th percentile, says where the models differ by less than the noise, and drops a flat memory panel", () => {
  const timed = (days: number, original: [number, number, number], compact: [number, number, number]) => {
    const r = run(`d${days}`, { days }, [10, 12]);
    const inference = ([p10Ms, medianMs, p90Ms]: number[]) => ({ p10Ms, medianMs, p90Ms, repeats: 50, windows: 20 });
    return { ...r, original: { ...r.original, inference: inference(original) }, compact: { ...r.compact, inference: inference(compact) } };
  };
  // 100 days: ranges [1, 3] and [2, 4] overlap; 200 days: [1, 2] and [5, 6] do not.
  const chart = dataSizeChart([timed(100, [1, 2, 3], [2, 3, 4]), timed(200, [1, 1.5, 2], [5, 5.5, 6])]);
  const rows = (chart.spec as any).data.values;
  const inference = rows.filter((r: any) => r.metric === 'inference time, median (ms)');
  expect(inference.map((r: any) => [r.x, r.model, r.p10, r.mean, r.p90])).toEqual([
    [100, 'original', 1, 2, 3],
    [100, 'compact', 2, 3, 4],
    [200, 'original', 1, 1.5, 2],
    [200, 'compact', 5, 5.5, 6],
  ]);
  expect(chart.caption).toContain('the 10th–90th percentile of its 50 repeated timings');
  expect(chart.caption).toContain("At 1 of 2 data sizes the original's and the compact's ranges overlap");
  // Every run's inference memory is the same 1 KB: no panel, a sentence instead.
  expect(rows.some((r: any) => r.metric === 'peak tensor memory (MB)')).toBe(false);
  expect(chart.caption).toContain('Inference memory (peak tfjs tensor bytes) is 0.001 MB for every size and both models');
});

test("loss curves: the mean over seeds per epoch while they trained, n per point; the pruner's own training beside; its retrainings marked", () => {
  const a = run('a', { seed: 1 }, [1, 1]);
  const b = run('b', { seed: 2 }, [1, 1]);
  const config = [
    { ...a, trainKey: 'k1', training: { ...a.training, loss: [1, 0.5], valLoss: [2, 1] } },
    // Seed 2 stopped after one epoch; the pruner fine-tuned twice.
    {
      ...b,
      trainKey: 'k2',
      training: { ...b.training, loss: [2], valLoss: [4] },
      prunerTraining: { ...b.training, loss: [3], valLoss: [6] },
      pruning: { ...b.pruning, trainings: [{ epochs: 5, bestEpoch: 5, loss: 0.1, valLoss: 0.2, timeMs: 1, fromWeights: true }] },
    },
  ] as OkRecord[];
  const spec = lossChart([{ label: 'c', value: config }]).spec as any;
  const lines = spec.layer[0].data.values.map((r: any) => [r.series, r.epoch, r.mean, r.n]);
  expect(lines).toEqual([
    ['dense training: training loss', 1, 1.5, 2],
    ['dense training: training loss', 2, 0.5, 1],
    ['dense training: validation loss', 1, 3, 2],
    ['dense training: validation loss', 2, 1, 1],
    ["pruner's own training (its hooks): training loss", 1, 3, 1],
    ["pruner's own training (its hooks): validation loss", 1, 6, 1],
  ]);
  expect(spec.layer[1].data.values).toEqual([{ choice: 'c', series: "pruner's req.train (end)", epoch: 5, mean: 0.2, n: 1, index: 1 }]);
});

test('Figure 4 is a zoomable time series of actual and both models', () => {
  const spec = predictionsChart([{ label: 'run', value: [{ date: '2026-01-02', actual: 1, original: 2, compact: 3 }] }]).spec as any;
  expect(spec.data.values).toEqual([
    { date: '2026-01-02', series: 'actual', price: 1, choice: 'run' },
    { date: '2026-01-02', series: 'original', price: 2, choice: 'run' },
    { date: '2026-01-02', series: 'compact', price: 3, choice: 'run' },
  ]);
  expect(spec.encoding.x).toMatchObject({ field: 'date', type: 'temporal' });
  expect(spec.params.find((p: any) => p.bind === 'scales').select.encodings).toEqual(['x']);
});

describe('grid-axis charts', () => {
  // percentile 20 and 50, three seeds each
  const runs = [
    run('a', { prune: { percentile: 20 }, seed: 1 }, [10, 11]),
    run('b', { prune: { percentile: 20 }, seed: 2 }, [12, 13]),
    run('c', { prune: { percentile: 20 }, seed: 3 }, [14, 15]),
    run('d', { prune: { percentile: 50 }, seed: 1 }, [10, 20]),
    run('e', { prune: { percentile: 50 }, seed: 2 }, [10, 20]),
    run('f', { prune: { percentile: 50 }, seed: 3 }, [10, 20]),
  ];
  test('only axes that vary get charts', () => {
    expect(varyingAxes(runs).map((a) => a.key)).toEqual(['percentile']);
    // Several window plugins in one grid: the representation is an axis.
    const represented = runs.map((r, i) => ({ ...r, params: { ...r.params, window: { plugin: i % 2 ? 'returns' : 'minmax' } } }));
    expect(varyingAxes(represented).map((a) => a.key)).toEqual(['percentile', 'representation']);
  });
  test('over seeds: the mean and t interval of a score, the geometric mean and log-scale t interval of an error', () => {
    const rows = aggregateBy(runs, AXES.find((a) => a.key === 'percentile')!);
    const row = rows.find((r) => r.x === 20 && r.model === 'compact' && r.metric === 'R²')!;
    // R² 0.9 for all: a zero-width t interval
    expect([row.lo, row.mean, row.hi]).toEqual([0.9, 0.9, 0.9]);
    const mse = rows.find((r) => r.x === 20 && r.model === 'compact' && r.metric === 'MSE')!;
    // 11, 13, 15: geometric mean 2145^(1/3) = 12.8966; logs' sd 0.155263, half-width
    // t(0.975, 2) · 0.155263 / √3 = 0.385680: 8.7701 .. 18.9647 (never below zero)
    expect(mse.mean).toBeCloseTo(12.896615902172917, 12);
    expect(mse.lo).toBeCloseTo(8.770101720596138, 8);
    expect(mse.hi).toBeCloseTo(18.964740321948483, 8);
    const constant = rows.find((r) => r.x === 50 && r.model === 'compact' && r.metric === 'MSE')!;
    expect([constant.lo, constant.hi].map((x) => Number(x.toFixed(12)))).toEqual([20, 20]);
  });
  test('with several pruners, each gets its own compact line; the original counts once per training', () => {
    const both = [
      ...runs,
      ...runs.map((r) => ({
        ...r,
        runId: `${r.runId}-random`,
        params: { ...r.params, pruner: 'random' },
        compact: { ...r.compact, mse: 100 },
      })),
    ];
    const rows = aggregateBy(both, AXES.find((a) => a.key === 'percentile')!).filter((r) => r.metric === 'MSE' && r.x === 20);
    // Geometric means: 10, 12, 14 → 11.8878; 11, 13, 15 → 12.8966.
    expect(rows.map((r) => [r.model, Number(r.mean.toFixed(4)), r.n])).toEqual([
      ['original', 11.8878, 3],
      ['compact (magnitude)', 12.8966, 3],
      ['compact (random)', 100, 3],
    ]);
  });

  test("every option a grid varies is an axis, a user's pruner's included; numbers as numbers, the rest as categories", () => {
    const user = [1, 2].flatMap((seed) =>
      [0.2, 0.5].map((keep) =>
        run(`u${seed}${keep}`, { seed, pruner: 'mine', prune: { keep, mode: keep > 0.3 ? 'a' : 'b' }, train: { epochs: seed * 10 } }, [
          10,
          10 + keep * 10,
        ]),
      ),
    );
    const axes = varyingAxes(user);
    expect(axes.map((a) => [a.key, a.type, a.label])).toEqual([
      ['prune-keep', 'quantitative', 'pruner option "keep"'],
      ['prune-mode', 'nominal', 'pruner option "mode"'],
      ['train-epochs', 'quantitative', 'trainer option "epochs"'],
    ]);
    // Each seed trained for its own number of epochs: two configurations, two lines, never one mean
    // (`mode` follows from `keep`, the axis, and names no line).
    const rows = aggregateBy(user, axes[0]).filter((r) => r.metric === 'MSE' && r.model.startsWith('compact'));
    expect(rows.map((r) => [r.x, r.model, Number(r.mean.toFixed(12)), r.n])).toEqual([
      [0.2, 'compact (train.epochs 10)', 12, 1],
      [0.2, 'compact (train.epochs 20)', 12, 1],
      [0.5, 'compact (train.epochs 10)', 15, 1],
      [0.5, 'compact (train.epochs 20)', 15, 1],
    ]);
  });
  test('against the pruner, each of its settings is its own series, not an average over them', () => {
    const both = [
      ...runs,
      ...runs.map((r) => ({
        ...r,
        runId: `${r.runId}-random`,
        params: { ...r.params, pruner: 'random' },
        compact: { ...r.compact, mse: 100 },
      })),
    ];
    const rows = aggregateBy(both, AXES.find((a) => a.key === 'pruner')!).filter((r) => r.metric === 'MSE');
    // The original does not depend on the pruning: one line, each training counted once (three
    // training keys, one per seed; the first run of each holds 10, 12, 14).
    expect(rows.map((r) => [r.x, r.model, Number(r.mean.toFixed(4))])).toEqual([
      ['magnitude', 'original', Number(Math.cbrt(10 * 12 * 14).toFixed(4))],
      ['magnitude', 'compact (percentile 20)', 12.8966],
      ['magnitude', 'compact (percentile 50)', 20],
      ['random', 'original', Number(Math.cbrt(10 * 12 * 14).toFixed(4))],
      ['random', 'compact (percentile 20)', 100],
      ['random', 'compact (percentile 50)', 100],
    ]);
  });
  test('the chart filters on a metric picked from a menu', () => {
    const spec = axisChart(runs, AXES.find((a) => a.key === 'percentile')!).spec as any;
    expect(spec.params[0]).toMatchObject({ name: 'metric_pick', value: 'MSE', bind: { input: 'select' } });
    expect(spec.transform[0]).toEqual({ filter: 'datum.metric == metric_pick' });
    // Errors on a log axis, R² linear: the picked metric decides.
    expect(spec.params[1].expr).toBe(
      'indexof(["MSE","RMSE","MAE","inference time, median (ms)","peak tensor memory (MB)","weights, gzip (KB)"], metric_pick) >= 0',
    );
    expect(spec.transform[1]).toEqual({ calculate: 'log_y ? log(datum.mean) / LN10 : datum.mean', as: 'y' });
    expect(spec.spec.encoding.x).toMatchObject({ field: 'x', type: 'quantitative' });
    expect(spec.spec.layer[0].mark.type).toBe('line');
  });
  test('a categorical axis gets points side by side per model, never lines', () => {
    const axis = AXES.find((a) => a.type === 'nominal')!;
    const spec = axisChart(runs, axis).spec as any;
    expect(spec.spec.layer[0].mark).toMatchObject({ type: 'point' });
    expect(spec.spec.encoding.xOffset).toEqual({ field: 'model', type: 'nominal' });
    expect(spec.spec.layer[1].mark.type).toBe('rule');
  });
});

test('the skill chart has one row per configuration and forecast, with a zero line', () => {
  const runs = [run('a', { seed: 1 }, [6, 9]), run('b', { seed: 2 }, [6, 9]), run('c', { days: 200 }, [24, 12])];
  const spec = skillChart(
    runs,
    (r) => `${r.params.days} days`,
    (r) => String(r.params.days),
  ).spec as any;
  const rows = spec.data.values;
  expect(rows.filter((r: any) => r.config === '100 days').map((r: any) => [r.forecast, r.mean])).toEqual([
    ['original', 0.5],
    ['compact', 0.25],
    ['drift (baseline)', 1 - 12.5 / 12],
    ['linear (baseline)', 1 - 13 / 12],
  ]);
  expect(rows.find((r: any) => r.config === '200 days' && r.forecast === 'original').mean).toBe(-1);
  expect(spec.layer[0].data.values).toEqual([{ zero: 0 }]);
  // Skill between −1 and 0.5: vega's own ticks.
  expect(spec.layer[1].encoding.x.axis).toEqual({ labelOverlap: 'greedy' });
});

test("the skill axis's ticks are 0 and the powers of ten inside the data, so they never crowd", () => {
  expect(symlogTicks(-600, 0.1)).toEqual([-100, -10, -1, 0]);
  expect(symlogTicks(-12, 1)).toEqual([-10, -1, 0, 1]);
  expect(symlogTicks(-3, 0.5)).toBeUndefined();
});

describe('report page', () => {
  test("numbers to significant digits: an FX rate's MSE is not 0, a large MSE carries no four decimals", () => {
    expect(num(0.0000123)).toBe('1.230e-5');
    expect(num(1488.6334)).toBe('1,488.6');
    expect(num(43.4672)).toBe('43.467');
    expect(num(0.0123456)).toBe('0.0123');
    expect(num(123456.7)).toBe('123,457');
    expect(sig(0.0000123, 4)).toBe('1.230e-5');
  });
  test('strings from specs and results are escaped', () => {
    expect(esc('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(scriptJson({ a: '</script><script>x' })).not.toContain('</script>');
  });
  const unordered = () => [
    run('g', { ticker: '^GSPC', days: 50 }, [1, 1]),
    run('s', { days: 200 }, [1, 1]),
    run('t', { days: 100 }, [1, 1]),
  ];
  test('orders runs as the spec lists them (the grid order kept in the manifest)', () => {
    const results = {
      manifest: { data: [{ ticker: 'SPY' }, { ticker: '^GSPC' }], grid: { runs: 3, trainings: 3, runIds: ['s', 'g', 't'] } },
      ok: unordered(),
    } as unknown as ExperimentResults;
    expect(orderRuns(results).map((r) => r.runId)).toEqual(['s', 'g', 't']);
  });
  test('without the grid order (older manifests), by dataset as listed, then data size', () => {
    const results = { manifest: { data: [{ ticker: 'SPY' }, { ticker: '^GSPC' }] }, ok: unordered() } as unknown as ExperimentResults;
    expect(orderRuns(results).map((r) => r.runId)).toEqual(['t', 's', 'g']);
  });
  test('a hostile experiment name and error text appear as text, never as markup', () => {
    const results = {
      outDir: '/nonexistent',
      manifest: {
        experiment: '<script>alert(1)</script>',
        spec: 'x.yaml',
        runexp: '0',
        gitCommit: 'c',
        node: 'v20',
        packages: {},
        backends: ['wasm'],
        cpu: { model: 'cpu', cores: 2 },
        startedAt: 's',
        endedAt: 'e',
        status: 'ok',
        data: [],
      },
      ok: [],
      failed: [{ runId: 'r1', status: 'failed', error: { code: 'E', message: '<img src=x onerror=alert(2)>' } }],
      problems: ['run <b>r2</b> left out'],
    } as unknown as ExperimentResults;
    const { html } = buildReport(results, []);
    expect(html).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('<li>run &lt;b&gt;r2&lt;/b&gt; left out</li>');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
  });
});

describe('pruning methods summary', () => {
  // Two methods × two seeds at 50%: magnitude and its random control; MSEs chosen by hand.
  const runs = [
    run('m0', { seed: 0, prune: { sparsity: 0.5 } }, [10, 11]),
    run('m1', { seed: 1, prune: { sparsity: 0.5 } }, [10, 13]),
    run('r0', { seed: 0, prune: { sparsity: 0.5, control: 'random' } }, [10, 20]),
    // r1's compact model is dead (constant output): scored with the others and counted.
    { ...run('r1', { seed: 1, prune: { sparsity: 0.5, control: 'random' } }, [10, 30]), compactOutputSpread: 0 },
    run('p0', { seed: 0, prune: { percentile: 35 } }, [10, 10]),
  ];

  test('one row per configuration with a sparsity, errors as geometric means, the verdict tests of each', () => {
    const comparisons = judge(runs, () => undefined);
    const rows = methodRows(runs, comparisons);
    expect(rows.map((r) => [r.method, r.sparsity, r.runs, Number(r.compactMse.mean.toFixed(4))])).toEqual([
      ['magnitude', 0.5, 2, 11.9583], // √(11 · 13)
      ['magnitude (random control)', 0.5, 2, 24.4949], // √(20 · 30)
      ['magnitude', 0.35, 1, 10],
    ]);
    expect(rows.map((r) => r.dead)).toEqual([0, 1, 0]);
    expect(rows[0].originalNonzero).toBe(8);
    // Without stored predictions, the verdict is the t-test across seeds, and says so:
    // ln(11/10), ln(13/10): mean 0.1788, sd 0.1181, t = 2.141 with 1 df → p = 0.27817 (scipy ttest_1samp)
    expect(rows[0].vsOriginal!.test.pValue).toBeCloseTo(0.2781691158289131, 10);
    expect(rows[0].vsOriginal!.test.name).toContain('across seeds only');
    // Against its random control, seed by seed: ln(11/20), ln(13/30): t = −6.015, 1 df → p = 0.10488
    expect(rows[0].vsControl!.test.pValue).toBeCloseTo(0.104876382641241, 10);
    expect(rows[1].vsControl).toBeUndefined();
    // One seed has no across-seeds test: NaN, left out of its family.
    expect(Number.isNaN(rows[2].vsOriginal!.test.pValue)).toBe(true);
    expect(Number.isNaN(rows[2].vsOriginal!.holm)).toBe(true);
    expect(rows[0].vsOriginal!.familySize).toBe(2);
    expect(rows[0].vsOriginal!.holm).toBeGreaterThanOrEqual(rows[0].vsOriginal!.test.pValue);
  });

  test('the methods section: a row per method and sparsity, and its three charts', () => {
    const charts: string[] = [];
    const comparisons = judge(runs, () => undefined);
    const html = methodsSection(runs, comparisons, (chart) => {
      charts.push(chart.id);
      return `<figure>${chart.id}</figure>`;
    });
    expect(html).toContain('<h2 id="methods">Pruning methods</h2>');
    expect(charts).toEqual(['methods-accuracy', 'methods-pareto-nonzero', 'methods-pareto-latency']);
    expect(html).toContain('<td>magnitude (random control)</td><td>50%</td><td>2 <small>(1 dead)</small></td>');
    // One method at one sparsity compares nothing: no section.
    expect(
      methodsSection(
        runs.slice(0, 2),
        judge(runs.slice(0, 2), () => undefined),
        () => '',
      ),
    ).toBe('');
  });

  test('several architectures: each row against its own original (a column), and an unchanged compact model is "same as original" in every architecture', () => {
    const lstm = (id: string, seed: number, mse: [number, number]) => {
      const r = run(id, { seed, architecture: 'lstm', prune: { sparsity: 0.5 } }, mse);
      return { ...r, compact: { ...r.compact, architecture: 'lstm' } };
    };
    const grid = [...runs.slice(0, 4), lstm('l0', 0, [20, 22]), lstm('l1', 1, [30, 33])];
    const html = methodsSection(
      grid,
      judge(grid, () => undefined),
      () => '',
    );
    expect(html).toContain("against the dense original's (each configuration's own, in its column)");
    expect(html).toContain('<td>architecture lstm</td><td>24.495 <small>'); // √(20 · 30)
    expect(html).not.toContain('<b>lstm</b>');
    expect(html.match(/same as original/g)).toHaveLength(3);
  });
});

describe('trading on the forecasts over seeds', () => {
  // Two seeds over four days. Seed 0's compact forecasts are always below the price (it stays in
  // cash); seed 1's compact is long on days 1 and 3. Both originals are always long (buy and hold).
  const rows = (compactAbove: boolean[]) =>
    [100, 101, 99, 102].map((price, i) => ({
      date: `2026-01-0${i + 1}`,
      actual: [101, 99, 102, 103][i],
      persistence: price,
      original: price + 5,
      compact: compactAbove[i] ? price + 1 : price - 1,
      linear: price - 1,
    }));
  const runs = [run('a', { seed: 0, prune: { sparsity: 0.5 } }, [10, 11]), run('b', { seed: 1, prune: { sparsity: 0.5 } }, [10, 12])];
  const predictions: Record<string, ReturnType<typeof rows>> = {
    a: rows([false, false, false, false]),
    b: rows([true, false, true, false]),
  };
  const result = trading(runs, (r) => predictions[r.runId] as never, { position: 'long-flat', costBps: 0, periodsPerYear: 252 })!;

  test("a seed always in cash is counted, and the figures are the other seeds' means; its test is undefined", () => {
    const compact = result.rows.find((r) => r.model === 'compact')!;
    expect(compact.inCash).toBe(1);
    // Seed 1 alone: long on day 1 (101/100 − 1) and day 3 (102/99 − 1), in cash otherwise.
    const net = [0.01, 0, 102 / 99 - 1, 0];
    const mean = net.reduce((a, b) => a + b, 0) / 4;
    const sd = Math.sqrt(net.reduce((a, x) => a + (x - mean) ** 2, 0) / 3);
    expect(compact.performance.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(252), 10);
    expect(compact.performance.exposure).toBe(0.25); // (0 + 0.5) / 2
    expect(compact.vsCash.test.pValue).toBeNaN();
    const original = result.rows.find((r) => r.model === 'original')!;
    expect(original.inCash).toBe(0);
    expect(original.performance.sharpe).toBeCloseTo(result.baselines[0].buyAndHold.sharpe, 12);
  });

  test('the baselines of a grid with several input sets say whose they are', () => {
    const options = { position: 'long-flat', costBps: 0, periodsPerYear: 252 } as const;
    const figure = () => '';
    const section = (rs: OkRecord[]) =>
      tradingSection(
        trading(rs, (r) => predictions[r.runId] as never, options),
        options,
        () => 'c',
        figure,
      );
    // One input set: no inputs column.
    expect(section(runs)).not.toContain('<th>inputs</th>');
    // The same period with a second input set (another dataset, so another checksum): each baseline row names its inputs.
    const withVix = {
      ...runs[0],
      runId: 'vix',
      params: { ...runs[0].params, features: '^VIX log' },
      data: { ...runs[0].data, checksum: 'def' },
    };
    predictions.vix = predictions.a;
    const html = section([...runs, withVix]);
    expect(html).toContain('<th>inputs</th>');
    expect(html).toContain('<td>SPY, horizon 1</td>');
    expect(html).toContain('<td>SPY + ^VIX log, horizon 1</td>');
  });
});

describe('SVG renderer thread', () => {
  test('draws each chart it is handed, in any order of replies, and names a chart it cannot draw', async () => {
    const renderer = new SvgRenderer();
    try {
      const bar = (n: number) => ({
        data: { values: Array.from({ length: n }, (_, i) => ({ x: `bar ${i}`, y: i + 1 })) },
        mark: 'bar' as const,
        encoding: { x: { field: 'x', type: 'nominal' as const }, y: { field: 'y', type: 'quantitative' as const } },
      });
      const [three, five] = await Promise.all([renderer.render(bar(3)), renderer.render(bar(5))]);
      expect(three.startsWith('<svg')).toBe(true);
      // Each reply is its own chart's: its own bars' labels.
      expect(new Set(three.match(/bar \d/g)).size).toBe(3);
      expect(new Set(five.match(/bar \d/g)).size).toBe(5);
      await expect(
        renderer.render({
          data: { values: [] },
          mark: 'bar',
          encoding: { x: { field: 'x', type: 'nominal' } },
          transform: [{ calculate: 'nosuchfunction()', as: 'z' }],
        }),
      ).rejects.toThrow(/a chart could not be drawn as SVG: .*nosuchfunction/);
    } finally {
      await renderer.close();
    }
  });
});

test('closing the SVG renderer with charts still drawing leaves no rejection behind', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const renderer = new SvgRenderer();
    // Never awaited, as when building the page fails after some charts were handed over.
    renderer.render({ data: { values: [{ x: 1 }] }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' } } });
    await renderer.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
