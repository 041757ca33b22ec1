// `npm run bench:studies`: only the studies section of the bench (bench/studies.ts), with the
// PyTorch peer for the per-seed ratio when python3 has torch. A few minutes instead of the whole bench.
import { loadBackend } from '../src/execute/backend.ts';
import { paperWindows } from './paper-architecture.ts';
import { pytorchMissing, pytorchPeer } from './peers.ts';
import { studyFigures } from './studies.ts';

const { tf } = await loadBackend('wasm');
const data = await paperWindows();
const peer = pytorchMissing() ? undefined : await pytorchPeer(tf, data);
const { rows, figures } = await studyFigures(tf, data, peer?.pytorchTrainSeconds);
console.log(`| benchmark | times | ratio |\n|---|---|---|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}`);
console.log(JSON.stringify({ ...figures, ...(peer ? { pytorchTrainSeconds: peer.pytorchTrainSeconds } : {}) }));
