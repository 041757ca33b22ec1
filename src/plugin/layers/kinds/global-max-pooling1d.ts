import { globalPooling } from './pooling.ts';

// The largest value over all steps, per channel.
export default globalPooling('globalMaxPooling1d', 'GlobalMaxPooling1D', 'ReduceMax', 'the maximum');
