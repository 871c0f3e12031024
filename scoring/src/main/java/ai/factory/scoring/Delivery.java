package ai.factory.scoring;

import java.util.Arrays;
import java.util.Locale;

/** What the scorer promises about each feature vector's prediction (or dead letter) once its offset is committed. */
public enum Delivery {
    /** Exactly-once where the cluster supports transactions (probed at start), else at-least-once, said in one log line. */
    AUTO,
    /** Outputs and consumed offsets commit in one Kafka transaction: readers with {@code read_committed} see each once. */
    EXACTLY_ONCE,
    /** Offsets are committed after the outputs are acknowledged: a crash re-publishes what followed the last commit. */
    AT_LEAST_ONCE;

    /** As written on a command line: {@code auto}, {@code exactly-once}, {@code at-least-once}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Delivery parse(String text) {
        return Arrays.stream(values()).filter(d -> d.text().equalsIgnoreCase(text.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("delivery is auto, exactly-once or at-least-once, not '" + text + "'"));
    }
}
