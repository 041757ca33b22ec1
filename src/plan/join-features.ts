// Input features joined onto the target's calendar (the spec's `data.features` and `data.align`).
// Markets keep different calendars (an index on a holiday its ETF trades, an FX pair with stale
// days), so every day the target has and a feature lacks follows an explicit policy: an error that
// names the first such day, the feature's last value carried forward for at most `limit` days, or
// the day dropped for every input. Days before a feature's first value or after its last are
// dropped under every policy: a series cannot be filled where it does not exist (the test period
// must then end within every feature's dates).
import { sha256 } from '../plugin/hash.ts';
import type { Series, SeriesFeature } from '../plugin/api.ts';

export interface AlignPolicy {
  missing: 'error' | 'ffill' | 'drop';
  limit: number;
}

export interface FeatureInput {
  name: string;
  transform: SeriesFeature['transform'];
  series: Series;
}

/** The target with its features aligned to its (possibly fewer) dates, or the problem in words. */
export function joinFeatures(
  target: Series,
  inputs: readonly FeatureInput[],
  policy: AlignPolicy,
): { series: Series; dropped: number } | { problem: string; hint: string } {
  const columns: (number | undefined)[][] = [];
  for (const input of inputs) {
    const at = new Map(input.series.dates.map((d, i) => [d, i]));
    const first = input.series.dates[0];
    const lastDate = input.series.dates[input.series.dates.length - 1];
    const column: (number | undefined)[] = [];
    let last: number | undefined;
    let carried = 0;
    for (const date of target.dates) {
      const i = at.get(date);
      if (i !== undefined) {
        column.push(input.series.values[i]);
        last = input.series.values[i];
        carried = 0;
      } else if (date < first || date > lastDate) {
        column.push(undefined);
      } else if (policy.missing === 'error') {
        return {
          problem: `${input.name} has no value on ${date}, a day ${target.ticker} has`,
          hint: 'set data.align.missing to ffill (carry its last value) or drop (drop such days)',
        };
      } else if (policy.missing === 'ffill' && last !== undefined && carried < policy.limit) {
        column.push(last);
        carried++;
      } else if (policy.missing === 'ffill') {
        return {
          problem: `${input.name} has no value for more than ${policy.limit} days in a row up to ${date}`,
          hint: 'raise data.align.limit, or set data.align.missing to drop',
        };
      } else {
        column.push(undefined);
      }
    }
    columns.push(column);
  }
  const keep = target.dates.map((_, t) => columns.every((c) => c[t] !== undefined));
  const pick = <T>(xs: readonly T[]) => xs.filter((_, t) => keep[t]);
  const kept = keep.filter(Boolean).length;
  if (kept === 0)
    return { problem: `${target.ticker} and its features share no day`, hint: "check the features' tickers and their date ranges" };
  const features: SeriesFeature[] = inputs.map((input, f) => ({
    name: input.name,
    transform: input.transform,
    values: pick(columns[f]) as number[],
  }));
  // What was trained on: the target's data, every feature's, and how they were joined.
  const checksum = sha256(
    JSON.stringify({ target: target.checksum, features: inputs.map((i) => [i.name, i.transform, i.series.checksum]), policy }),
  );
  return {
    series: {
      ...target,
      dates: pick(target.dates),
      values: pick(target.values),
      checksum,
      source: `${target.source} + ${inputs.map((i) => i.series.source).join(' + ')}`,
      features,
    },
    dropped: target.dates.length - kept,
  };
}
