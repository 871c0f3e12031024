package ai.factory.feedback.quality;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Writes count arrays as (index, count) pairs of their non-zero entries: most bins of a window are empty. */
final class SparseCounts {

    private SparseCounts() {
    }

    static void write(DataOutput out, long[] counts) throws IOException {
        int nonZero = 0;
        for (long c : counts) {
            if (c != 0) {
                nonZero++;
            }
        }
        out.writeInt(nonZero);
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                out.writeInt(i);
                out.writeLong(counts[i]);
            }
        }
    }

    static void read(DataInput in, long[] into) throws IOException {
        int nonZero = in.readInt();
        for (int k = 0; k < nonZero; k++) {
            int i = in.readInt();
            long c = in.readLong();
            if (i < 0 || i >= into.length) {
                throw new IOException("bin " + i + " outside [0, " + into.length + ")");
            }
            into[i] = c;
        }
    }
}
