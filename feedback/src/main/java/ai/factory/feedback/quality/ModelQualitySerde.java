package ai.factory.feedback.quality;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Binary forms of {@link ModelQuality} in the quality state stores: a version's header, and each of its panes under a
 * key of its own. Every value leads with a format byte, for upgrades.
 */
public final class ModelQualitySerde {

    /**
     * 2: sliding windows (count and time panes); 3: a task per version, label sums and regression error sums in every
     * pane, the whole version in one value; 4: a header per version and each pane in a value of its own. Format 3 is
     * read and split into format 4 ({@link #deserialize}); format 2 is refused rather than migrated (its panes lack
     * the label sums): a pre-1.0 change, so the quality state of an older app is reset, not carried over.
     */
    static final byte FORMAT = 4;
    static final byte WHOLE_VERSION_FORMAT = 3;

    private ModelQualitySerde() {
    }

    /** The header of {@code quality}: everything but its panes. */
    public static byte[] serialize(ModelQuality quality) {
        StateOutput out = new StateOutput(256);
        try {
            out.writeByte(FORMAT);
            quality.writeHeader(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Whether {@code data} holds a whole version as format 3 wrote it, to be split by {@link #deserialize}. */
    public static boolean isWholeVersion(byte[] data) {
        return data.length > 0 && data[0] == WHOLE_VERSION_FORMAT;
    }

    /**
     * A version from its header, its panes in {@code panes}. A whole version of format 3 has its panes written to
     * {@code panes} on the way (the caller then stores the header).
     */
    public static ModelQuality deserialize(byte[] data, PaneStore panes, QualitySettings settings) {
        try {
            StateInput in = new StateInput(data);
            byte format = in.readByte();
            if (format == FORMAT) {
                return ModelQuality.readHeader(in, panes, settings);
            }
            if (format == WHOLE_VERSION_FORMAT) {
                return ModelQuality.readWholeVersion(in, panes);
            }
            throw new SerializationException("model quality state has format " + format + ", this app reads "
                    + WHOLE_VERSION_FORMAT + " and " + FORMAT + (format < WHOLE_VERSION_FORMAT ? " (state written before"
                    + " regression quality; reset the feedback app's state, e.g. with kafka-streams-application-reset or"
                    + " a new --application-id)" : ""));
        } catch (IOException e) {
            throw new SerializationException("unreadable model quality state", e);
        }
    }

    public static byte[] serializePane(WindowMetrics pane) {
        StateOutput out = new StateOutput(1024);
        try {
            out.writeByte(FORMAT);
            pane.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static WindowMetrics deserializePane(byte[] data) {
        try {
            StateInput in = new StateInput(data);
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new SerializationException("quality pane has format " + format + ", this app reads " + FORMAT);
            }
            return WindowMetrics.read(in);
        } catch (IOException e) {
            throw new SerializationException("unreadable quality pane", e);
        }
    }
}
