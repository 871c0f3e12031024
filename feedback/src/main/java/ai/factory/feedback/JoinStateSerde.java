package ai.factory.feedback;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import ai.factory.feedback.policy.Label;
import ai.factory.feedback.policy.ReceivedFeedback;
import ai.factory.records.FeatureVector;
import ai.factory.records.Prediction;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.RecordSource;
import ai.factory.serde.SchemaRegistry;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Binary form of {@link JoinState} in the join store. Served records stay in Avro single-object
 * encoding, so state written before a compatible schema change still reads.
 */
final class JoinStateSerde {

    /** 2 adds the shadow prediction and the judged label; 1 (without them) still reads. */
    private static final byte FORMAT = 2;
    private static final byte FORMAT_WITHOUT_SHADOW = 1;
    private static final RecordSource STORE = RecordSource.topicOnly("feedback-join-store");

    private final AvroCodec<FeatureVector> features;
    private final AvroCodec<Prediction> predictions;

    JoinStateSerde(SchemaRegistry registry) {
        this.features = AvroCodec.of(FeatureVector.class, registry);
        this.predictions = AvroCodec.of(Prediction.class, registry);
    }

    public byte[] serialize(String topic, JoinState state) {
        if (state == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeByte(state.status.ordinal());
            out.writeLong(state.due);
            writeBytes(out, state.features == null ? null : features.encode(state.features));
            writeBytes(out, state.prediction == null ? null : predictions.encode(state.prediction));
            out.writeInt(state.feedback.size());
            for (ReceivedFeedback f : state.feedback) {
                out.writeDouble(f.label());
                out.writeLong(f.time());
                out.writeUTF(f.source());
            }
            writeBytes(out, state.shadow == null ? null : predictions.encode(state.shadow));
            out.writeBoolean(state.judged != null);
            if (state.judged != null) {
                out.writeDouble(state.judged.value());
                out.writeLong(state.judged.time());
                out.writeUTF(state.judged.source());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public JoinState deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte format = in.readByte();
            if (format != FORMAT && format != FORMAT_WITHOUT_SHADOW) {
                throw new SerializationException("unknown join state format " + format);
            }
            JoinState state = new JoinState();
            state.status = JoinState.Status.values()[in.readByte()];
            state.due = in.readLong();
            byte[] f = readBytes(in);
            state.features = f == null ? null : features.decode(STORE, f);
            byte[] p = readBytes(in);
            state.prediction = p == null ? null : predictions.decode(STORE, p);
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                state.feedback.add(new ReceivedFeedback(in.readDouble(), in.readLong(), in.readUTF()));
            }
            if (format == FORMAT) {
                byte[] s = readBytes(in);
                state.shadow = s == null ? null : predictions.decode(STORE, s);
                if (in.readBoolean()) {
                    state.judged = new Label(in.readDouble(), in.readLong(), in.readUTF());
                }
            }
            return state;
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            throw new SerializationException("unreadable join state", e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    /** The Kafka serde. */
    public Serde<JoinState> serde() {
        return Serdes.serdeFrom(this::serialize, this::deserialize);
    }
}
