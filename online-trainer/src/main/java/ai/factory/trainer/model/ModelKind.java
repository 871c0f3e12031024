package ai.factory.trainer.model;

import java.util.Locale;

/** The model families the trainer builds. */
public enum ModelKind {
    /** Logistic (or linear) regression over hashed sparse ids plus dense features. */
    LOGISTIC,
    /** Embeddings for the sparse ids, concatenated with the dense features, then an MLP. */
    DEEP,
    /** A graph trained elsewhere, imported with its weights and fine-tuned here ({@link ImportedGraph}). */
    IMPORTED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ModelKind parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
