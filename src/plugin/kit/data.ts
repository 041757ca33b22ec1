// runexp/plugin/data: what fetch, window and measure plugins are written with. Parse a price CSV,
// decode text, cut a series into windows with their split, score forecasts, and draw seeded
// random numbers and content hashes the way runexp does.
export { canonicalJson, sha256 } from '../hash.ts';
export { mae, mse, r2, rmse } from '../metrics.ts';
export { parsePriceCsv } from '../prices.ts';
export { mulberry32, permutation } from '../random.ts';
export { type DecodedText, decodeText, textEncoding } from '../text-decoding.ts';
export { extrapolation, makeWindows, splitCounts, trainingTargets, windowCount } from '../windows.ts';
