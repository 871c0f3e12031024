package ai.factory.feedback.shadow;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import ai.factory.records.QualityTask;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Binary form of {@link PairedLosses} in the pair store (a format byte leads, for upgrades). */
public final class PairedLossesSerde {

    private static final byte FORMAT = 1;

    public byte[] serialize(String topic, PairedLosses t) {
        if (t == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeUTF(t.modelName());
            out.writeLong(t.challengerVersion());
            out.writeLong(t.championVersion());
            out.writeByte(t.task().ordinal());
            out.writeLong(t.count());
            out.writeDouble(t.championMean());
            out.writeDouble(t.challengerMean());
            out.writeDouble(t.differenceMean());
            out.writeDouble(t.differenceM2());
            out.writeLong(t.lastEventTime());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public PairedLosses deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new SerializationException("unknown paired losses format " + format);
            }
            return new PairedLosses(in.readUTF(), in.readLong(), in.readLong(), QualityTask.values()[in.readByte()],
                    in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readLong());
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            throw new SerializationException("unreadable paired losses", e);
        }
    }

    /** The Kafka serde. */
    public Serde<PairedLosses> serde() {
        return Serdes.serdeFrom(this::serialize, this::deserialize);
    }
}
