package ai.factory.trainer.model;

import java.io.Serializable;

/**
 * The architecture of a model trained elsewhere: its ONNX graph without the weights' values ({@code graph}, base64)
 * and how the spec's inputs feed it ({@code mapping}, the text of a mapping file; see
 * {@link ai.factory.trainer.imported.InputMapping}).
 */
public record ImportedGraph(String graph, String mapping) implements Serializable {

    public ImportedGraph {
        if (graph == null || graph.isBlank()) {
            throw new IllegalArgumentException("an imported model needs its graph");
        }
        mapping = mapping == null ? "" : mapping;
    }
}
