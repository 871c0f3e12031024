package ai.factory.trainer.model;

import java.util.Locale;

/** The model families the trainer builds. */
public enum ModelKind {
    /** Logistic (or linear) regression over hashed sparse ids plus dense features. */
    LOGISTIC,
    /** Embeddings for the sparse ids, concatenated with the dense features, then an MLP. */
    DEEP,
    /** The logistic model plus, over embeddings of the ids, an MLP (with the dense features) and their pairwise interactions. */
    WIDE_DEEP,
    /** A graph trained elsewhere, imported with its weights and fine-tuned here ({@link ImportedGraph}). */
    IMPORTED;

    /** How the kind is written: {@code logistic}, {@code deep}, {@code wide-deep}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Reads a {@link #label()}; {@code wide_deep} and {@code widedeep} read as {@code wide-deep} too. */
    public static ModelKind parse(String text) {
        String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return valueOf(name.equals("WIDEDEEP") ? WIDE_DEEP.name() : name);
    }
}
