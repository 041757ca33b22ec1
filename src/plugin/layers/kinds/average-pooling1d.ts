import { windowedPooling } from './pooling.ts';

// The mean of each poolSize steps, per channel.
export default windowedPooling('averagePooling1d', 'AveragePooling1D', 'AveragePool', 'the mean');
