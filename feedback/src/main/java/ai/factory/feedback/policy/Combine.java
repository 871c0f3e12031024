package ai.factory.feedback.policy;

import java.util.List;
import java.util.Locale;

/** How several feedback records for one event become one label; arrival order decides first and last. */
public enum Combine {
    /** The first record that arrived; the example can be emitted as soon as it is joined. */
    FIRST,
    /** The last record that arrived within the window. */
    LAST,
    /** The sum of the labels (counts of clicks, minutes of delay). */
    SUM,
    /** The largest label (any positive makes the event positive). */
    MAX;

    /** Combines {@code received} (non-empty, in arrival order) into one label. */
    public Label apply(List<ReceivedFeedback> received) {
        if (received.isEmpty()) {
            throw new IllegalArgumentException("nothing to combine");
        }
        ReceivedFeedback first = received.get(0);
        ReceivedFeedback last = received.get(received.size() - 1);
        return switch (this) {
            case FIRST -> new Label(first.label(), first.time(), first.source());
            case LAST -> new Label(last.label(), last.time(), last.source());
            case SUM -> new Label(received.stream().mapToDouble(ReceivedFeedback::label).sum(), latest(received), last.source());
            case MAX -> {
                ReceivedFeedback max = first;
                for (ReceivedFeedback r : received) {
                    if (r.label() > max.label()) {
                        max = r;
                    }
                }
                // The label is final only once every combined record is in: its time is the latest of them.
                yield new Label(max.label(), latest(received), max.source());
            }
        };
    }

    /** Parses a name case-insensitively. */
    public static Combine parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown combine rule '" + name + "' (first, last, sum, max)", e);
        }
    }

    private static long latest(List<ReceivedFeedback> received) {
        return received.stream().mapToLong(ReceivedFeedback::time).max().orElseThrow();
    }
}
