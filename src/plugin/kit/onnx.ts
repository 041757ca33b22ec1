// runexp/plugin/onnx: export a model to ONNX (opset 13), build graphs for a layer kind's export, and
// run an exported model on ONNX Runtime (onnxruntime-node, an optional peer dependency: install it
// to predict; nothing here loads it until asked).
export { exportOnnx, ONNX_INPUT, ONNX_OPSET, ONNX_OUTPUT, OnnxExportError } from '../onnx/export.ts';
export { OnnxGraph } from '../onnx/graph.ts';
export { ONNXRUNTIME_INSTALL_HINT, type OnnxSession, onnxruntimeInstalled, onnxSession } from '../onnx/runtime.ts';
