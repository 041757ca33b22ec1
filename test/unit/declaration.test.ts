// What a pruner declares (Plugin.declares), as runexp reads it: nothing, a valid declaration
// (undefined fields dropped), and each way of breaking the contract, named.
import { declarationOf } from '../../src/spec/declaration.ts';

const pruner = (declares?: (options: unknown) => unknown) => ({ name: 'mine', declares: declares as never });

test('a pruner that declares nothing declares {}', () => {
  expect(declarationOf(pruner(), {})).toEqual({});
  expect(
    declarationOf(
      pruner(() => undefined),
      {},
    ),
  ).toEqual({});
});

test('a declaration is read from the options, undefined fields left out', () => {
  const declares = (o: unknown) => ({ sparsity: (o as { p: number }).p / 100, control: undefined, removes: 'units' });
  expect(declarationOf(pruner(declares), { p: 35 })).toEqual({ sparsity: 0.35, removes: 'units' });
  expect(
    declarationOf(
      pruner(() => ({ sparsity: 0, control: 'random' })),
      {},
    ),
  ).toEqual({ sparsity: 0, control: 'random' });
});

test.each([
  [() => ({ sparsity: 35 }), "the prune plugin's declares() gave sparsity 35; it must be a number from 0 to 1"],
  [() => ({ sparsity: Number.NaN }), "the prune plugin's declares() gave sparsity null; it must be a number from 0 to 1"],
  [() => ({ removes: 'filters' }), "the prune plugin's declares() gave removes \"filters\"; it must be 'weights' or 'units'"],
  [() => ({ control: 1 }), "the prune plugin's declares() gave control 1; it must be a string"],
  [
    () => {
      throw new Error('no sparsity option');
    },
    "the prune plugin's declares() threw: no sparsity option",
  ],
])('a declaration that breaks the contract is an error naming the plugin (%#)', (declares, message) => {
  expect(() => declarationOf(pruner(declares), {})).toThrow(message);
  try {
    declarationOf(pruner(declares), {});
  } catch (err) {
    expect(err).toMatchObject({ plugin: 'mine', stage: 'prune', code: 'E_PLUGIN' });
  }
});
