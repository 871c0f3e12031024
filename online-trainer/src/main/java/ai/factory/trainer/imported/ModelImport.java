package ai.factory.trainer.imported;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.ImportedGraph;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelGraphs;
import ai.factory.trainer.model.OnnxWeights;

/**
 * Turns an ONNX inference graph made by another tool into a model of this project: an {@code imported} config (the
 * graph without its weights, the input mapping, the weights to freeze) and the weights, checked by building every graph
 * the trainer and the scorers will run from them.
 */
public final class ModelImport {

    private ModelImport() {
    }

    /** Whether {@code onnx} was written by this project's trainer (it then needs no mapping). */
    public static boolean isOwn(byte[] onnx) {
        return OnnxWeights.parse(onnx).getMetadataPropsList().stream().anyMatch(p -> p.getKey().equals("model_kind"));
    }

    /**
     * The imported model of {@code onnx}, fed as {@code mapping} (mapping file text, empty for by-name) says, shaped and
     * scaled like {@code shape} (the spec's sizes, task and label scale), with the weights {@code freeze} names (initializer
     * names or '*' patterns; each must match one) left as they are when it is fine-tuned.
     */
    public static OnnxWeights.Loaded read(byte[] onnx, String mapping, ModelConfig shape, Set<String> freeze) {
        ForeignGraph graph = ForeignGraph.parse(onnx);
        ModelConfig config = ModelConfig.imported(shape.denseSize(), shape.sparseWidth(), shape.buckets())
                .withSlotFeatures(shape.slotFeatures()).withTask(shape.task())
                .withImported(new ImportedGraph(Base64.getEncoder().encodeToString(graph.structure()), mapping))
                .withFrozen(freeze);
        Map<String, FloatTensor> weights = graph.weights();
        for (String f : freeze) {
            if (weights.keySet().stream().noneMatch(config.withFrozen(Set.of(f))::isFrozen)) {
                throw new IllegalArgumentException("--freeze " + f + " matches none of the graph's weights " + weights.keySet());
            }
        }
        if (weights.keySet().stream().allMatch(config::isFrozen)) {
            throw new IllegalArgumentException("--freeze leaves no weight to train");
        }
        // Building the graphs checks the mapping against the nodes' shapes now, not in the trainer.
        ModelGraphs.inference(config, weights, Map.of());
        ModelGraphs.trainingSteps(config);
        Map<String, String> metadata = new LinkedHashMap<>(config.toProperties());
        return new OnnxWeights.Loaded(config, weights, metadata);
    }

    /** The ops an imported graph may use (the docs list them too). */
    public static List<String> supportedOps() {
        return ImportedOps.supported();
    }
}
