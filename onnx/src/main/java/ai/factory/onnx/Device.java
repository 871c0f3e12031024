package ai.factory.onnx;

import java.io.Serializable;
import java.util.Locale;

/**
 * Where ONNX Runtime runs a graph: the CPU, or one CUDA device by index ({@code cpu}, {@code cuda}, {@code cuda:N}).
 *
 * @param kind  execution provider family
 * @param index CUDA device ordinal; always 0 for the CPU
 */
public record Device(Kind kind, int index) implements Serializable {

    /** Execution provider family. */
    public enum Kind { CPU, CUDA }

    public static final Device CPU = new Device(Kind.CPU, 0);

    public Device {
        if (kind == null) {
            throw new IllegalArgumentException("device kind is required");
        }
        if (index < 0 || (kind == Kind.CPU && index != 0)) {
            throw new IllegalArgumentException("bad " + kind + " device index " + index);
        }
    }

    /** CUDA device {@code index}. */
    public static Device cuda(int index) {
        return new Device(Kind.CUDA, index);
    }

    public boolean isCuda() {
        return kind == Kind.CUDA;
    }

    /** Parses {@code cpu}, {@code cuda} or {@code cuda:N} (any case, surrounding blanks ignored). */
    public static Device parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("cpu")) {
            return CPU;
        }
        if (value.equals("cuda")) {
            return cuda(0);
        }
        if (value.startsWith("cuda:")) {
            try {
                return cuda(Integer.parseInt(value.substring("cuda:".length())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad CUDA device index in '" + text + "'", e);
            }
        }
        throw new IllegalArgumentException("device must be cpu, cuda or cuda:N, not '" + text + "'");
    }

    @Override
    public String toString() {
        return isCuda() ? "cuda:" + index : "cpu";
    }
}
