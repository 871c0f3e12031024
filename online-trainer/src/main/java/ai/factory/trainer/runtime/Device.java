package ai.factory.trainer.runtime;

import java.io.Serializable;
import java.util.Locale;

/**
 * Where ONNX Runtime runs a graph: {@code cpu} or {@code cuda[:N]}.
 *
 * @param index CUDA device ordinal; 0 for the CPU
 */
public record Device(Kind kind, int index) implements Serializable {

    /** Execution provider family. */
    public enum Kind { CPU, CUDA }

    public static final Device CPU = new Device(Kind.CPU, 0);

    public Device {
        if (index < 0) {
            throw new IllegalArgumentException("device index must not be negative: " + index);
        }
    }

    /** Parses {@code cpu}, {@code cuda} or {@code cuda:N}. */
    public static Device parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return CPU;
        }
        if (t.equals("cuda")) {
            return new Device(Kind.CUDA, 0);
        }
        if (t.startsWith("cuda:")) {
            try {
                return new Device(Kind.CUDA, Integer.parseInt(t.substring(5)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad CUDA device index in '" + text + "'", e);
            }
        }
        throw new IllegalArgumentException("device must be cpu, cuda or cuda:N, not '" + text + "'");
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }
}
