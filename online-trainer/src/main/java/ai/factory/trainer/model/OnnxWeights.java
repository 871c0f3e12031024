package ai.factory.trainer.model;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.factory.trainer.graph.Tensors;
import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * Reads an inference graph this project published back into a config and weights: the starting point for
 * fine-tuning from a champion or from an imported model.
 */
public final class OnnxWeights {

    /** The config stored in the graph's metadata and the weights stored as its initializers. */
    public record Loaded(ModelConfig config, Map<String, FloatTensor> params, Map<String, String> metadata) {
    }

    private OnnxWeights() {
    }

    /** Parses an ONNX model; bytes that are not one are an {@link IllegalArgumentException} saying so. */
    public static OnnxMl.ModelProto parse(byte[] onnx) {
        try {
            return OnnxMl.ModelProto.parseFrom(onnx);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
    }

    public static Loaded read(byte[] onnx) {
        OnnxMl.ModelProto model = parse(onnx);
        Map<String, String> meta = new LinkedHashMap<>();
        model.getMetadataPropsList().forEach(p -> meta.put(p.getKey(), p.getValue()));
        if (!meta.containsKey("model_kind")) {
            throw new IllegalArgumentException("the ONNX model has no model_kind metadata: not produced by this trainer");
        }
        ModelConfig config = ModelConfig.fromProperties(meta);
        Map<String, OnnxMl.TensorProto> initializers = new LinkedHashMap<>();
        model.getGraph().getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        Map<String, FloatTensor> params = new LinkedHashMap<>();
        ModelDefinition definition = ModelDefinition.of(config);
        for (ParamSpec spec : definition.params()) {
            OnnxMl.TensorProto t = initializers.get(spec.name());
            if (t == null && definition.addedLater().contains(spec.name())) {
                params.put(spec.name(), FloatTensor.zeros(spec.shape()));
                continue;
            }
            if (t == null) {
                throw new IllegalArgumentException("the ONNX model lacks parameter " + spec.name());
            }
            params.put(spec.name(), new FloatTensor(Tensors.dims(t), Tensors.floats(t)));
        }
        return new Loaded(config, params, meta);
    }
}
