// Jest's node environment gives each test file its own realm, with its own Float32Array. A native
// addon (onnxruntime-node) returns arrays of the host realm, which then fail `instanceof
// Float32Array` checks in modules loaded inside the test realm. Test files that call such an addon
// opt in with `@jest-environment ./test/helpers/host-typed-arrays.environment.cjs`.
const { TestEnvironment } = require('jest-environment-node');

const TYPED_ARRAYS = [
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Uint8Array',
  'Uint16Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
  'ArrayBuffer',
];

class HostTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

module.exports = HostTypedArraysEnvironment;
