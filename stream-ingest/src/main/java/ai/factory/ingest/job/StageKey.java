package ai.factory.ingest.job;

import org.apache.flink.api.java.functions.KeySelector;

/**
 * Key of a keyed step: the event id for de-duplication ({@link #DEDUPLICATION}), else the value of the
 * stage's key attribute; feedback facts carry their key already.
 */
public record StageKey(int stage) implements KeySelector<StageInput, String> {

    public static final int DEDUPLICATION = -1;

    @Override
    public String getKey(StageInput in) {
        if (in.isVector()) {
            return stage == DEDUPLICATION ? in.vector().id() : in.vector().keys()[stage];
        }
        return in.fact().key();
    }
}
