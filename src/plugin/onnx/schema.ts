// The part of ONNX's protobuf schema (onnx/onnx.proto, IR version 8) that an exported runexp model
// uses: a model holding one graph of nodes, float initialisers and typed inputs/outputs. Field
// numbers are ONNX's own; protobufjs does the wire encoding and decoding. Declared here rather than
// pulled from a generated package because the only maintained one (onnx-proto) pins protobufjs 6
// and its 20 MB command-line tools into every user's install.
import { createRequire } from 'node:module';
import type * as protobuf from 'protobufjs';

const field = (type: string, id: number, rule?: 'repeated') => ({ type, id, ...(rule ? { rule } : {}) });

const DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: field('int64', 1),
            opsetImport: field('OperatorSetIdProto', 8, 'repeated'),
            producerName: field('string', 2),
            producerVersion: field('string', 3),
            domain: field('string', 4),
            modelVersion: field('int64', 5),
            docString: field('string', 6),
            graph: field('GraphProto', 7),
            metadataProps: field('StringStringEntryProto', 14, 'repeated'),
          },
        },
        OperatorSetIdProto: { fields: { domain: field('string', 1), version: field('int64', 2) } },
        StringStringEntryProto: { fields: { key: field('string', 1), value: field('string', 2) } },
        GraphProto: {
          fields: {
            node: field('NodeProto', 1, 'repeated'),
            name: field('string', 2),
            initializer: field('TensorProto', 5, 'repeated'),
            docString: field('string', 10),
            input: field('ValueInfoProto', 11, 'repeated'),
            output: field('ValueInfoProto', 12, 'repeated'),
          },
        },
        NodeProto: {
          fields: {
            input: field('string', 1, 'repeated'),
            output: field('string', 2, 'repeated'),
            name: field('string', 3),
            opType: field('string', 4),
            attribute: field('AttributeProto', 5, 'repeated'),
            domain: field('string', 7),
          },
        },
        AttributeProto: {
          fields: {
            name: field('string', 1),
            f: field('float', 2),
            i: field('int64', 3),
            s: field('bytes', 4),
            floats: field('float', 7, 'repeated'),
            ints: field('int64', 8, 'repeated'),
            strings: field('bytes', 9, 'repeated'),
            type: field('AttributeType', 20),
          },
          nested: { AttributeType: { values: { UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } } },
        },
        TensorProto: {
          fields: {
            dims: field('int64', 1, 'repeated'),
            dataType: field('int32', 2),
            name: field('string', 8),
            rawData: field('bytes', 9),
          },
        },
        ValueInfoProto: { fields: { name: field('string', 1), type: field('TypeProto', 2) } },
        TypeProto: {
          fields: { tensorType: field('TypeProto.Tensor', 1) },
          nested: { Tensor: { fields: { elemType: field('int32', 1), shape: field('TensorShapeProto', 2) } } },
        },
        TensorShapeProto: {
          fields: { dim: field('TensorShapeProto.Dimension', 1, 'repeated') },
          nested: { Dimension: { fields: { dimValue: field('int64', 1), dimParam: field('string', 2) } } },
        },
      },
    },
  },
};

/** ONNX's TensorProto.DataType code for float32. */
export const ONNX_FLOAT = 1;
/** ONNX's AttributeProto.AttributeType codes used here. */
export const ATTRIBUTE = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

let modelType: protobuf.Type | undefined;
/**
 * The ONNX ModelProto message type. protobufjs takes ~35 ms to load, and the plugin kit is loaded
 * by every worker thread, so it is required on the first export only.
 */
export function modelProto(): protobuf.Type {
  const { Root } = createRequire(import.meta.url)('protobufjs') as typeof protobuf;
  modelType ??= Root.fromJSON(DESCRIPTOR).lookupType('onnx.ModelProto');
  return modelType;
}
