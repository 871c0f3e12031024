package ai.factory.trainer.model;

import java.util.Locale;

/** Optimizers the training-step graph can apply. */
public enum OptimizerKind {
    ADAGRAD, ADAM;

    public static OptimizerKind parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
