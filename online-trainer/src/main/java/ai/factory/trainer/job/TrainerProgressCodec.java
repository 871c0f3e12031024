package ai.factory.trainer.job;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.TrainingState;

/** Binary form of {@link TrainerProgress} for Flink state: explicit, versioned, and free of Kryo. */
final class TrainerProgressCodec {

    /**
     * 2 added the candidate's absolute-error sum, 3 the line start and why it was followed, 4 the hold, 5 the earliest
     * event time trained on since the cut (and the pending release's); earlier ones are still read.
     */
    private static final int FORMAT = 5;

    private TrainerProgressCodec() {
    }

    static byte[] encode(TrainerProgress p) {
        // Sized up front: a deep model's state is tens of megabytes, and doubling its way there at every checkpoint
        // took three times that in transient heap.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(estimatedSize(p));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT);
            writeTensors(out, p.live.params());
            writeTensors(out, p.live.optimizer());
            out.writeInt(p.buffer.size());
            for (TrainingExample e : p.buffer) {
                writeExample(out, e);
            }
            out.writeLong(p.examplesTrained);
            out.writeLong(p.trainedSinceCut);
            out.writeDouble(p.lossSumSinceCut);
            writeRanges(out, p.rangesSinceCut);
            out.writeLong(p.trainedThroughEventTime);
            out.writeLong(p.nextVersion);
            writeNullableLong(out, p.parentVersion);
            writeNullableLong(out, p.championVersion);
            out.writeBoolean(p.championParams != null);
            if (p.championParams != null) {
                writeTensors(out, p.championParams);
            }
            out.writeLong(p.lastCutMillis);
            out.writeBoolean(p.pending != null);
            if (p.pending != null) {
                TrainerProgress.Pending r = p.pending;
                out.writeLong(r.version);
                writeNullableLong(out, r.parentVersion);
                writeTensors(out, r.params);
                out.writeLong(r.examplesTrained);
                out.writeLong(r.trainedSinceParent);
                out.writeDouble(r.trainingLoss);
                writeRanges(out, r.ranges);
                out.writeLong(r.throughEventTime);
                out.writeLong(r.cutAtMillis);
                out.writeDouble(r.candidateLossSum);
                out.writeDouble(r.championLossSum);
                out.writeLong(r.holdoutCount);
                out.writeDouble(r.candidateAbsErrorSum);
            }
            out.writeDouble(p.pending == null ? 0 : p.pending.differenceSquareSum);
            out.writeLong(p.lineStart);
            out.writeBoolean(p.followed != null);
            if (p.followed != null) {
                out.writeUTF(p.followed);
            }
            writeNullableLong(out, p.heldSince);
            out.writeLong(p.trainedFromSinceCut);
            out.writeLong(p.pending == null ? TrainerProgress.NO_TIME : p.pending.fromEventTime);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode trainer state", e);
        }
        return bytes.toByteArray();
    }

    static TrainerProgress decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readInt();
            if (format < 1 || format > FORMAT) {
                throw new IllegalStateException("unknown trainer state format " + format);
            }
            TrainerProgress p = new TrainerProgress();
            p.live = new TrainingState(readTensors(in), readTensors(in));
            int buffered = in.readInt();
            for (int i = 0; i < buffered; i++) {
                p.buffer.add(readExample(in));
            }
            p.examplesTrained = in.readLong();
            p.trainedSinceCut = in.readLong();
            p.lossSumSinceCut = in.readDouble();
            p.rangesSinceCut.putAll(readRanges(in));
            p.trainedThroughEventTime = in.readLong();
            p.nextVersion = in.readLong();
            p.parentVersion = readNullableLong(in);
            p.championVersion = readNullableLong(in);
            p.championParams = in.readBoolean() ? readTensors(in) : null;
            p.lastCutMillis = in.readLong();
            if (in.readBoolean()) {
                TrainerProgress.Pending r = new TrainerProgress.Pending();
                r.version = in.readLong();
                r.parentVersion = readNullableLong(in);
                r.params = readTensors(in);
                r.examplesTrained = in.readLong();
                r.trainedSinceParent = in.readLong();
                r.trainingLoss = in.readDouble();
                r.ranges = readRanges(in);
                r.throughEventTime = in.readLong();
                r.cutAtMillis = in.readLong();
                r.candidateLossSum = in.readDouble();
                r.championLossSum = in.readDouble();
                r.holdoutCount = in.readLong();
                r.candidateAbsErrorSum = format >= 2 ? in.readDouble() : Double.NaN;
                p.pending = r;
            }
            if (format >= 3) {
                double squares = in.readDouble();
                if (p.pending != null) {
                    p.pending.differenceSquareSum = squares;
                }
                p.lineStart = in.readLong();
                p.followed = in.readBoolean() ? in.readUTF() : null;
            }
            if (format >= 4) {
                p.heldSince = readNullableLong(in);
            }
            if (format >= 5) {
                p.trainedFromSinceCut = in.readLong();
                long pendingFrom = in.readLong();
                if (p.pending != null) {
                    p.pending.fromEventTime = pendingFrom;
                }
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode trainer state", e);
        }
    }

    /** A little more than the encoded size of {@code p}: its tensors, its buffered examples and the fixed fields. */
    private static int estimatedSize(TrainerProgress p) {
        long size = 4096 + tensorBytes(p.live.params()) + tensorBytes(p.live.optimizer()) + tensorBytes(p.championParams)
                + (p.pending == null ? 0 : tensorBytes(p.pending.params));
        for (TrainingExample e : p.buffer) {
            size += 64 + 3L * e.eventId().length() + 4L * e.dense().length + 8L * e.sparse().length;
        }
        return (int) Math.min(size, Integer.MAX_VALUE - 8);
    }

    private static long tensorBytes(Map<String, FloatTensor> tensors) {
        long size = 0;
        if (tensors != null) {
            for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
                size += 16 + 3L * e.getKey().length() + 8L * e.getValue().shape().length + 4L * e.getValue().data().length;
            }
        }
        return size;
    }

    private static void writeTensors(DataOutputStream out, Map<String, FloatTensor> tensors) throws IOException {
        out.writeInt(tensors.size());
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
            out.writeUTF(e.getKey());
            long[] shape = e.getValue().shape();
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            float[] data = e.getValue().data();
            out.writeInt(data.length);
            for (float v : data) {
                out.writeFloat(v);
            }
        }
    }

    private static Map<String, FloatTensor> readTensors(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            long[] shape = new long[in.readInt()];
            for (int k = 0; k < shape.length; k++) {
                shape[k] = in.readLong();
            }
            float[] data = new float[in.readInt()];
            for (int k = 0; k < data.length; k++) {
                data[k] = in.readFloat();
            }
            tensors.put(name, new FloatTensor(shape, data));
        }
        return tensors;
    }

    private static void writeExample(DataOutputStream out, TrainingExample e) throws IOException {
        out.writeUTF(e.eventId());
        out.writeLong(e.eventTime());
        out.writeInt(e.dense().length);
        for (float v : e.dense()) {
            out.writeFloat(v);
        }
        out.writeInt(e.sparse().length);
        for (long v : e.sparse()) {
            out.writeLong(v);
        }
        out.writeFloat(e.label());
        out.writeInt(e.partition());
        out.writeLong(e.offset());
    }

    private static TrainingExample readExample(DataInputStream in) throws IOException {
        String id = in.readUTF();
        long time = in.readLong();
        float[] dense = new float[in.readInt()];
        for (int i = 0; i < dense.length; i++) {
            dense[i] = in.readFloat();
        }
        long[] sparse = new long[in.readInt()];
        for (int i = 0; i < sparse.length; i++) {
            sparse[i] = in.readLong();
        }
        return new TrainingExample(id, time, dense, sparse, in.readFloat(), in.readInt(), in.readLong());
    }

    private static void writeRanges(DataOutputStream out, TreeMap<Integer, long[]> ranges) throws IOException {
        out.writeInt(ranges.size());
        for (Map.Entry<Integer, long[]> e : ranges.entrySet()) {
            out.writeInt(e.getKey());
            out.writeLong(e.getValue()[0]);
            out.writeLong(e.getValue()[1]);
        }
    }

    private static TreeMap<Integer, long[]> readRanges(DataInputStream in) throws IOException {
        int n = in.readInt();
        TreeMap<Integer, long[]> ranges = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            ranges.put(in.readInt(), new long[] {in.readLong(), in.readLong()});
        }
        return ranges;
    }

    private static void writeNullableLong(DataOutputStream out, Long value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeLong(value);
        }
    }

    private static Long readNullableLong(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readLong() : null;
    }
}
