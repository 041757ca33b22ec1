// `npm run compare -- runs/a runs/b`: checks that two output directories hold the same numbers
// (see src/results/compare.ts). Prints each difference and exits 1 when there is any.
import { compareOutputs } from '../src/results/compare.ts';

const [a, b] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: npm run compare -- <output dir> <output dir>');
  process.exit(2);
}
const { runs, differences } = compareOutputs(a, b);
console.log(differences.length === 0 ? `identical: ${runs} runs, every score, count, size, training curve and prediction` : differences.slice(0, 50).join('\n'));
process.exit(differences.length === 0 ? 0 : 1);
