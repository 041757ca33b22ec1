// The built-in plugins, by slot: each is the module <slot>/<name> beside this file (the other files
// in those folders are their helpers). A spec names them by these names; runexp imports them
// through builtinUrl, from the sources in a checkout and from the compiled package when installed.
import type { Slot } from '../plugin/index.ts';

export const BUILTINS: Record<Slot, readonly string[]> = {
  fetch: ['snapshot', 'csv', 'yahoo'],
  window: ['minmax', 'returns', 'normalised'],
  train: ['tfjs'],
  prune: ['magnitude', 'random', 'gradual', 'finetune', 'lottery', 'structured', 'snip'],
  compact: ['copy', 'structured', 'quantize'],
  measure: ['standard'],
};

/** The module URL of a built-in: `.ts` beside the sources, `.js` beside the compiled code. */
export function builtinUrl(slot: Slot, name: string): string {
  const extension = import.meta.url.slice(import.meta.url.lastIndexOf('.'));
  return new URL(`./${slot}/${name}${extension}`, import.meta.url).href;
}
