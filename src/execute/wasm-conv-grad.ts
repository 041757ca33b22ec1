// tfjs-backend-wasm 4.22 lacks the Conv2DBackpropFilter kernel, so a Conv1D model cannot train on
// it. This registers a plain-JS implementation (NHWC, dilation 1) with the same arithmetic as the
// cpu backend's kernel. Conv1D weights are tiny, so the JS loop costs little next to the rest.
import type { Tf } from '../plugin/api.ts';

interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: string;
}

interface WasmBackendLike {
  readSync(dataId: object): Float32Array;
  makeOutput(shape: number[], dtype: string, memoryOffset?: number, values?: Float32Array): TensorInfoLike;
}

let registered = false;

export function registerWasmConv2DBackpropFilter(tf: Tf): void {
  if (registered || tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  registered = true;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as unknown as { x: TensorInfoLike; dy: TensorInfoLike };
      const a = attrs as unknown as {
        strides: number | [number, number];
        pad: 'valid' | 'same' | number;
        dataFormat: 'NHWC' | 'NCHW';
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
        filterShape: [number, number, number, number];
      };
      if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm: only NHWC (channels last) is supported');
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        a.filterShape,
        a.strides,
        1,
        a.pad,
        a.dimRoundingMode,
      );
      const wasm = backend as unknown as WasmBackendLike;
      const xv = wasm.readSync(x.dataId);
      const dyv = wasm.readSync(dy.dataId);
      const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
      const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
      const top = info.padInfo.top;
      const left = info.padInfo.left;
      const dw = new Float32Array(filterHeight * filterWidth * inChannels * outChannels);
      for (let fr = 0; fr < filterHeight; fr++) {
        const rMin = Math.max(0, Math.ceil((top - fr) / strideHeight));
        const rMax = Math.min(outHeight, (inHeight + top - fr) / strideHeight);
        for (let fc = 0; fc < filterWidth; fc++) {
          const cMin = Math.max(0, Math.ceil((left - fc) / strideWidth));
          const cMax = Math.min(outWidth, (inWidth + left - fc) / strideWidth);
          for (let ic = 0; ic < inChannels; ic++) {
            for (let oc = 0; oc < outChannels; oc++) {
              let sum = 0;
              for (let b = 0; b < batchSize; b++) {
                for (let r = rMin; r < rMax; r++) {
                  const xr = fr + r * strideHeight - top;
                  for (let c = cMin; c < cMax; c++) {
                    const xc = fc + c * strideWidth - left;
                    sum +=
                      xv[((b * inHeight + xr) * inWidth + xc) * inChannels + ic] *
                      dyv[((b * outHeight + r) * outWidth + c) * outChannels + oc];
                  }
                }
              }
              dw[((fr * filterWidth + fc) * inChannels + ic) * outChannels + oc] = sum;
            }
          }
        }
      }
      return wasm.makeOutput(a.filterShape, 'float32', undefined, dw) as never;
    },
  });
}
