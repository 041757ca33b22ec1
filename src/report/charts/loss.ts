// Training curves from the stored history: training and validation loss per epoch, the mean over a
// configuration's seeds (each seed counted while it trained: early stopping ends seeds at
// different epochs, and n says how many are in each point), the pruner's own training (hooks)
// beside the dense one, and the end of each retraining it ran through req.train marked.
import type { OkRecord } from '../load.ts';
import type { Chart } from './chart.ts';
import { pickedOnly, pickerNote, pickerParam, type Choice } from './picker.ts';

/** Per epoch, the mean over the curves that reached it, with n. */
function meanCurve(curves: readonly number[][]): { epoch: number; mean: number; n: number }[] {
  const epochs = Math.max(0, ...curves.map((c) => c.length));
  return Array.from({ length: epochs }, (_, e) => {
    const values = curves.map((c) => c[e]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    return { epoch: e + 1, mean: values.reduce((a, b) => a + b, 0) / values.length, n: values.length };
  }).filter((p) => p.n > 0);
}

function rowsOf(config: readonly OkRecord[], choice: string) {
  // The dense training is shared by every pruning run of its group: each seed counted once.
  const trainings = new Map(config.map((r) => [r.trainKey, r.training]));
  const own = config.flatMap((r) => (r.prunerTraining ? [r.prunerTraining] : []));
  const lines = [
    { training: 'dense training', runs: [...trainings.values()] },
    ...(own.length ? [{ training: "pruner's own training (its hooks)", runs: own }] : []),
  ];
  const rows = lines.flatMap(({ training, runs }) =>
    (['loss', 'valLoss'] as const).flatMap((kind) =>
      meanCurve(runs.map((t) => t[kind] as number[])).map((p) => ({
        choice,
        series: `${training}: ${kind === 'loss' ? 'training loss' : 'validation loss'}`,
        ...p,
      })),
    ),
  );
  // Retrainings through req.train keep only their end: a point at their last epoch.
  const retrainings = config.flatMap((r) => r.pruning.trainings ?? []);
  const marks = retrainings.map((t, i) => ({
    choice,
    series: "pruner's req.train (end)",
    epoch: t.epochs,
    mean: t.valLoss,
    n: 1,
    index: i + 1,
  }));
  return { rows, marks };
}

export function lossChart(configurations: readonly Choice<OkRecord[]>[], total = configurations.length): Chart {
  // Configurations that share their trainings (two sparsities of one pruner) draw the same curves:
  // one choice for them all.
  const byCurves = new Map<string, { labels: string[]; config: OkRecord[] }>();
  for (const c of configurations) {
    const key = JSON.stringify(rowsOf(c.value, ''));
    byCurves.set(key, { labels: [...(byCurves.get(key)?.labels ?? []), c.label], config: byCurves.get(key)?.config ?? c.value });
  }
  const choices = [...byCurves.values()].map((g) => ({
    label: g.labels.length > 1 ? `${g.labels[0]} (and ${g.labels.length - 1} more with the same trainings)` : g.labels[0],
    value: g.config,
  }));
  const built = choices.map((c) => rowsOf(c.value, c.label));
  const picking = choices.length > 1;
  const filter = picking ? [pickedOnly('loss_pick')] : [];
  const y = { field: 'mean', type: 'quantitative', scale: { type: 'log' }, title: 'loss (log scale)' };
  return {
    id: 'loss',
    title: 'Training and validation loss',
    caption: `Loss per epoch from each run's stored training history (the trainer's own loss on the scaled data), the mean over the configuration's seeds; a seed stopped early leaves the later epochs (n in the tooltip). A pruner that trains its own model with hooks has its own curves; the end of each retraining it ran through req.train (fine-tuning, lottery levels) is a point.${pickerNote(choices.length, total)}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 640,
      height: 260,
      params: picking
        ? [
            pickerParam(
              'loss_pick',
              choices.map((c) => c.label),
            ),
          ]
        : [],
      layer: [
        {
          data: { values: built.flatMap((b) => b.rows) },
          transform: filter,
          params: [{ name: 'loss_series_pick', select: { type: 'point', fields: ['series'] }, bind: 'legend' }],
          mark: { type: 'line', point: { size: 12 }, tooltip: true },
          encoding: {
            x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
            y,
            color: { field: 'series', type: 'nominal', title: null },
            strokeDash: { condition: { test: "indexof(datum.series, 'validation') >= 0", value: [5, 3] }, value: [1, 0] },
            opacity: { condition: { param: 'loss_series_pick', value: 1 }, value: 0.15 },
            tooltip: [
              { field: 'series' },
              { field: 'epoch' },
              { field: 'mean', format: '.4~g', title: 'mean loss' },
              { field: 'n', title: 'seeds' },
            ],
          },
        },
        {
          data: { values: built.flatMap((b) => b.marks) },
          transform: filter,
          mark: { type: 'point', shape: 'diamond', filled: true, size: 70, color: '#d62728', tooltip: true },
          encoding: {
            x: { field: 'epoch', type: 'quantitative' },
            y,
            tooltip: [
              { field: 'series' },
              { field: 'index', title: 'retraining' },
              { field: 'epoch', title: 'epochs' },
              { field: 'mean', format: '.4~g', title: 'final validation loss' },
            ],
          },
        },
      ],
    } as never,
  };
}
