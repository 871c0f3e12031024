package ai.factory.feedback.quality;

import java.util.List;
import java.util.OptionalLong;

/**
 * Where the panes of one model version are kept, each under its own key: count panes by sequence number, time panes by
 * start. {@link ModelQuality} keeps only some panes in memory and writes every pane it changes through to this store at
 * once, so the store always holds the version's whole state (besides the small header the caller writes).
 */
public interface PaneStore {

    /** Count pane {@code seq}, or null when none is stored. */
    WindowMetrics countPane(long seq);

    void putCountPane(long seq, WindowMetrics pane);

    void deleteCountPane(long seq);

    /** The time pane starting at {@code start}, or null when none is stored. */
    WindowMetrics timePane(long start);

    void putTimePane(long start, WindowMetrics pane);

    void deleteTimePane(long start);

    /** Starts of the stored time panes in [{@code from}, {@code to}), ascending. */
    List<Long> timePaneStarts(long from, long to);

    /** The earliest start of a stored time pane at or after {@code from}. */
    OptionalLong firstTimePane(long from);

    /** A store in memory that keeps the panes serialized, as a state store does. */
    static PaneStore inMemory() {
        return new InMemoryPanes();
    }
}
