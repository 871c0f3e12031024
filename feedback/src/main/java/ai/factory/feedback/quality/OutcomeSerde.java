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

/** Binary form of {@link Outcome} on the application's internal repartition topic (a format byte leads, for upgrades). */
public final class OutcomeSerde {

    private static final byte FORMAT = 1;

    public byte[] serialize(String topic, Outcome o) {
        if (o == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeByte(o.kind().ordinal());
            out.writeUTF(o.modelName());
            out.writeLong(o.modelVersion());
            out.writeDouble(o.score());
            out.writeDouble(o.label());
            out.writeLong(o.eventTime());
            out.writeLong(o.time());
            out.writeBoolean(o.defaulted());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public Outcome deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new SerializationException("unknown outcome format " + format);
            }
            Outcome.Kind kind = Outcome.Kind.values()[in.readByte()];
            return new Outcome(kind, in.readUTF(), in.readLong(), in.readDouble(), in.readDouble(), in.readLong(),
                    in.readLong(), in.readBoolean());
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            throw new SerializationException("unreadable outcome", e);
        }
    }

    /** The Kafka serde. */
    public Serde<Outcome> serde() {
        return Serdes.serdeFrom(this::serialize, this::deserialize);
    }
}
