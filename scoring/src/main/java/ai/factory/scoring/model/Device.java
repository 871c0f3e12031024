package ai.factory.scoring.model;

import java.util.Locale;

/**
 * Where sessions run: the CPU, or one CUDA device by index.
 *
 * @param cuda     true for the CUDA execution provider
 * @param deviceId CUDA device index (0 for the CPU)
 */
public record Device(boolean cuda, int deviceId) {

    public static final Device CPU = new Device(false, 0);

    public Device {
        if (deviceId < 0 || (!cuda && deviceId != 0)) {
            throw new IllegalArgumentException("bad device index " + deviceId);
        }
    }

    /** Parses {@code cpu}, {@code cuda} or {@code cuda:N}. */
    public static Device parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("cpu")) {
            return CPU;
        }
        if (value.equals("cuda")) {
            return new Device(true, 0);
        }
        if (value.startsWith("cuda:")) {
            try {
                return new Device(true, Integer.parseInt(value.substring("cuda:".length())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad CUDA device index in '" + text + "'", e);
            }
        }
        throw new IllegalArgumentException("device must be cpu, cuda or cuda:N, not '" + text + "'");
    }

    @Override
    public String toString() {
        return cuda ? "cuda:" + deviceId : "cpu";
    }
}
