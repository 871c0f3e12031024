package ai.factory.trainer.graph;

import ai.onnx.proto.OnnxMl;

/** Element types the graph builder emits: float32 for models, float64 for precise gradient checks, int64 for ids. */
public enum DType {
    FLOAT(OnnxMl.TensorProto.DataType.FLOAT),
    DOUBLE(OnnxMl.TensorProto.DataType.DOUBLE),
    INT64(OnnxMl.TensorProto.DataType.INT64),
    BOOL(OnnxMl.TensorProto.DataType.BOOL);

    private final OnnxMl.TensorProto.DataType onnx;

    DType(OnnxMl.TensorProto.DataType onnx) {
        this.onnx = onnx;
    }

    public OnnxMl.TensorProto.DataType onnx() {
        return onnx;
    }

    /** True for the two real-valued types gradients flow through. */
    public boolean isReal() {
        return this == FLOAT || this == DOUBLE;
    }
}
