// `runexp check-plugin <pruner|compactor> [--options JSON]`: prints pass / fail / n/a per property
// and architecture; exit 0 when nothing fails, 1 when something does, 2 for bad input. A compact
// plugin is checked after the built-in magnitude pruner (50%).
import { checkCompactPlugin, checkPrunePlugin } from '../execute/conformance.ts';
import { resolvePlugin } from '../spec/plugin-refs.ts';
import { loadBackend, type BackendChoice } from '../execute/backend.ts';
import { ErrorCode, RunexpError } from '../plugin/errors.ts';

const MARK = { pass: 'PASS', fail: 'FAIL', 'n/a': ' n/a' } as const;

export async function checkPlugin(ref: string, optionsJson: string | undefined, backend: BackendChoice, seconds?: number): Promise<number> {
  let options: Record<string, unknown> = {};
  if (optionsJson !== undefined) {
    try {
      options = JSON.parse(optionsJson) as Record<string, unknown>;
    } catch (err) {
      throw new RunexpError(
        ErrorCode.USAGE,
        `--options is not valid JSON: ${(err as Error).message}`,
        `e.g. --options '{"sparsity": 0.5}'`,
      );
    }
    if (options === null || typeof options !== 'object' || Array.isArray(options))
      throw new RunexpError(ErrorCode.USAGE, '--options must be a JSON object', `e.g. --options '{"sparsity": 0.5}'`);
  }
  const { tf, name } = await loadBackend(backend === 'auto' ? 'wasm' : backend);
  const check = (await isCompactor(ref)) ? checkCompactPlugin : checkPrunePlugin;
  const results = await check(tf, ref, options, { seconds });
  let failed = 0;
  for (const r of results) {
    process.stdout.write(`\n${ref} ${JSON.stringify(r.options)} on ${r.architecture} (${name} backend)\n`);
    for (const p of r.properties) {
      if (p.status === 'fail') failed++;
      process.stdout.write(`  ${MARK[p.status]}  ${p.property}: ${p.detail}\n`);
    }
  }
  const total = results.reduce((a, r) => a + r.properties.filter((p) => p.status !== 'n/a').length, 0);
  process.stdout.write(
    `\n${failed === 0 ? 'ok' : 'FAILED'}: ${total - failed} of ${total} checks passed${failed ? `, ${failed} failed` : ''}\n`,
  );
  return failed === 0 ? 0 : 1;
}

/** Whether `ref` names a compact plugin and no prune plugin (`structured`, both, is the pruner). */
async function isCompactor(ref: string): Promise<boolean> {
  const as = (slot: 'prune' | 'compact') => resolvePlugin({ plugin: ref }, slot, [], { specDir: process.cwd(), root: {} });
  const slotMismatch = (await as('prune')).issues.some(
    (i) => / is a compact plugin, but /.test(i.message) || /unknown prune plugin/.test(i.message),
  );
  return slotMismatch && (await as('compact')).issues.length === 0;
}
