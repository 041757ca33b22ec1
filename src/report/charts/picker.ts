// A configuration picker for the figures that show one run at a time (weights, predictions, loss
// curves): every choice's data is in the chart, tagged with its label, and a drop-down (a
// Vega-Lite parameter bound to a select input) filters to one. Offline, in the one file.

/** At most this many choices per chart: each carries its own data, and the page must stay light. */
export const PICKER_LIMIT = 40;

export interface Choice<T> {
  label: string;
  value: T;
}

/** The parameter, named `name`, a chart filters on: a drop-down over the labels, the first picked. */
export function pickerParam(name: string, labels: readonly string[]) {
  return { name, value: labels[0], bind: { input: 'select', options: labels, name: 'configuration ' } };
}

/** The filter that keeps the picked choice's rows (each row has `choice`). */
export const pickedOnly = (name: string) => ({ filter: `datum.choice == ${name}` });

/** A sentence for the caption: what the picker offers, and what it leaves out. */
export function pickerNote(shown: number, total: number): string {
  if (shown < 2) return '';
  return ` Pick a configuration above the chart (${shown}${total > shown ? ` of ${total}, the first in the grid's order` : ''}).`;
}
