package ai.factory.feedback.shadow;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Binary form of {@link PairedOutcome} on the app's internal repartition topic (a format byte leads, for upgrades). */
public final class PairedOutcomeSerde {

    private static final byte FORMAT = 1;

    public byte[] serialize(String topic, PairedOutcome o) {
        if (o == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeUTF(o.modelName());
            out.writeLong(o.challengerVersion());
            out.writeLong(o.championVersion());
            out.writeDouble(o.championScore());
            out.writeDouble(o.challengerScore());
            out.writeDouble(o.label());
            out.writeLong(o.eventTime());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public PairedOutcome deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new SerializationException("unknown paired outcome format " + format);
            }
            return new PairedOutcome(in.readUTF(), in.readLong(), in.readLong(), in.readDouble(), in.readDouble(),
                    in.readDouble(), in.readLong());
        } catch (IOException e) {
            throw new SerializationException("unreadable paired outcome", e);
        }
    }

    /** The Kafka serde. */
    public Serde<PairedOutcome> serde() {
        return Serdes.serdeFrom(this::serialize, this::deserialize);
    }
}
