package ai.factory.feedback.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** {@link StateOutput} and {@link StateInput} against {@code DataOutputStream} and {@code DataInputStream}. */
class StateBytesTest {

    private static final String[] TEXTS = {"", "m", "clicks/v2", "nul\u0000char", "délai", "模型", "\uD83D\uDE80 rocket"};

    /** Random values of every kind, written in one random order by a seed. */
    private static void writeRandom(DataOutput out, long seed) throws IOException {
        Random random = new Random(seed);
        for (int i = 0; i < 200; i++) {
            switch (random.nextInt(10)) {
                case 0 -> out.writeBoolean(random.nextBoolean());
                case 1 -> out.writeByte(random.nextInt());
                case 2 -> out.writeShort(random.nextInt());
                case 3 -> out.writeChar(random.nextInt());
                case 4 -> out.writeInt(random.nextInt());
                case 5 -> out.writeLong(random.nextLong());
                case 6 -> out.writeFloat(random.nextFloat() * 1e6f);
                case 7 -> out.writeDouble(random.nextGaussian() * 1e9);
                case 8 -> out.writeUTF(TEXTS[random.nextInt(TEXTS.length)]);
                default -> out.write(new byte[] {(byte) random.nextInt(), 1, 2}, 1, 2);
            }
        }
    }

    /** Reads back what {@link #writeRandom} wrote with the same seed, checking every value. */
    private static void readRandom(DataInput in, long seed) throws IOException {
        Random random = new Random(seed);
        for (int i = 0; i < 200; i++) {
            switch (random.nextInt(10)) {
                case 0 -> assertThat(in.readBoolean()).isEqualTo(random.nextBoolean());
                case 1 -> assertThat(in.readByte()).isEqualTo((byte) random.nextInt());
                case 2 -> assertThat(in.readShort()).isEqualTo((short) random.nextInt());
                case 3 -> assertThat(in.readChar()).isEqualTo((char) random.nextInt());
                case 4 -> assertThat(in.readInt()).isEqualTo(random.nextInt());
                case 5 -> assertThat(in.readLong()).isEqualTo(random.nextLong());
                case 6 -> assertThat(in.readFloat()).isEqualTo(random.nextFloat() * 1e6f);
                case 7 -> assertThat(in.readDouble()).isEqualTo(random.nextGaussian() * 1e9);
                case 8 -> assertThat(in.readUTF()).isEqualTo(TEXTS[random.nextInt(TEXTS.length)]);
                default -> {
                    random.nextInt();
                    assertThat(in.readUnsignedByte()).isEqualTo(1);
                    assertThat(in.readUnsignedByte()).isEqualTo(2);
                }
            }
        }
    }

    @Test
    void writesTheBytesOfDataOutputStreamAndReadsThemBack() throws IOException {
        for (long seed = 0; seed < 50; seed++) {
            ByteArrayOutputStream reference = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(reference)) {
                writeRandom(out, seed);
            }
            StateOutput state = new StateOutput(1);
            writeRandom(state, seed);
            assertThat(state.toByteArray()).isEqualTo(reference.toByteArray());

            readRandom(new StateInput(reference.toByteArray()), seed);
            readRandom(new DataInputStream(new ByteArrayInputStream(state.toByteArray())), seed);
        }
    }

    @Test
    void readingPastTheEndFails() throws IOException {
        StateInput in = new StateInput(new byte[] {0, 0, 0, 1, 7});
        assertThat(in.readInt()).isEqualTo(1);
        assertThatThrownBy(in::readInt).isInstanceOf(EOFException.class);
        assertThat(in.readByte()).isEqualTo((byte) 7);
    }
}
