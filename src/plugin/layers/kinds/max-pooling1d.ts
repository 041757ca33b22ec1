import { windowedPooling } from './pooling.ts';

// The largest value of each poolSize steps, per channel.
export default windowedPooling('maxPooling1d', 'MaxPooling1D', 'MaxPool', 'the maximum');
