import { globalPooling } from './pooling.ts';

// The mean over all steps, per channel.
export default globalPooling('globalAveragePooling1d', 'GlobalAveragePooling1D', 'ReduceMean', 'the mean');
