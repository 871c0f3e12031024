package ai.factory.feedback.quality;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Binary form of {@link ModelQuality} in the quality state store (a format byte leads, for upgrades). */
public final class ModelQualitySerde {

    /**
     * 2: sliding windows (count and time panes); 3: a task per version, label sums and regression error sums in every
     * pane. Format 2 is refused rather than migrated (its panes lack the label sums): a pre-1.0 change, so the
     * quality state of an older app is reset, not carried over.
     */
    static final byte FORMAT = 3;

    public byte[] serialize(String topic, ModelQuality quality) {
        if (quality == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            quality.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public ModelQuality deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new SerializationException("model quality state has format " + format + ", this app reads only "
                        + FORMAT + (format < FORMAT ? " (state written before regression quality; reset the feedback"
                        + " app's state, e.g. with kafka-streams-application-reset or a new --application-id)" : ""));
            }
            return ModelQuality.read(in);
        } catch (IOException e) {
            throw new SerializationException("unreadable model quality state", e);
        }
    }

    /** The Kafka serde. */
    public Serde<ModelQuality> serde() {
        return Serdes.serdeFrom(this::serialize, this::deserialize);
    }
}
