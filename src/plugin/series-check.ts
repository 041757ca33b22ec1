// What every price series must be before any work starts, whoever fetched it: a custom fetch
// plugin's result is checked here at `validate` time, not discovered later as a dead model.
import type { Series } from './api.ts';
import { daysBetween, isCalendarDate, isIntradayStamp, stampInstant } from './dates.ts';
import { counted, quoted } from './shorten.ts';

/** Gaps longer than this between consecutive days are worth a warning (markets close days, not years). */
const LONG_GAP_DAYS = 2 * 365;

/**
 * Prices whose squares are not ordinary (normal) doubles: squared errors of such prices underflow
 * to 0 (MSE 0, R² 1 for any model) or overflow to Infinity, so no score of them means anything.
 */
const SMALLEST_PRICE = Math.sqrt(2.2250738585072014e-308); // ≈ 1.5e-154
const LARGEST_PRICE = Math.sqrt(Number.MAX_VALUE); // ≈ 1.3e154

/** The first problem that makes `series` unusable, or undefined; and warnings about what is odd. */
export function checkSeries(series: Series): { problem?: string; warnings: string[] } {
  const { dates, values } = series;
  if (!Array.isArray(dates) || !Array.isArray(values))
    return { problem: 'the fetch result needs `dates` and `values` lists', warnings: [] };
  if (dates.length !== values.length)
    return { problem: `the fetch result has ${dates.length} dates but ${values.length} values`, warnings: [] };
  if (dates.length < 2) return { problem: `the series has ${counted(dates.length, 'row')}; at least 2 are needed`, warnings: [] };
  const warnings: string[] = [];
  // Intraday bars: every stamp with its offset, strictly later than the one before.
  const intraday = typeof dates[0] === 'string' && isIntradayStamp(dates[0]);
  let before = -Infinity;
  for (let i = 0; i < dates.length; i++) {
    const date = dates[i];
    if (intraday) {
      const instant = typeof date === 'string' ? stampInstant(date) : undefined;
      if (typeof instant !== 'number')
        return {
          problem: `row ${i + 1}: ${quoted(String(date))} is not a timestamp with its UTC offset (YYYY-MM-DDTHH:MM[:SS]±HH:MM)`,
          warnings,
        };
      if (instant <= before)
        return {
          problem: `row ${i + 1}: ${date} ${instant === before ? 'repeats the bar before it' : 'comes before the bar before it'}; bars must move forward in time`,
          warnings,
        };
      before = instant;
    } else if (typeof date !== 'string' || !isCalendarDate(date))
      return { problem: `row ${i + 1}: ${quoted(String(date))} is not a date written YYYY-MM-DD`, warnings };
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      return {
        problem: `row ${i + 1} (${date}): the price ${typeof value === 'number' ? String(value) : quoted(String(value))} is not a finite positive number`,
        warnings,
      };
    if (value < SMALLEST_PRICE || value > LARGEST_PRICE)
      return {
        problem: `row ${i + 1} (${date}): the price ${value} is too ${value < SMALLEST_PRICE ? 'small' : 'large'}: squared errors of it cannot be computed (prices must lie between about 1e-154 and 1e154; rescale the series)`,
        warnings,
      };
    if (i === 0 || intraday) continue;
    const gap = daysBetween(dates[i - 1], date);
    if (gap <= 0)
      return { problem: `row ${i + 1}: ${date} ${gap === 0 ? 'repeats' : 'comes before'} ${dates[i - 1]}; dates must increase`, warnings };
    if (gap > LONG_GAP_DAYS)
      warnings.push(`${series.ticker}: no data for ${(gap / 365.25).toFixed(1)} years, from ${dates[i - 1]} to ${date}`);
  }
  if (values.every((v) => v === values[0])) {
    return { problem: `every price is ${values[0]}: a constant series has nothing to forecast (and cannot be min-max scaled)`, warnings };
  }
  return { warnings };
}
