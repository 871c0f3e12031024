package ai.factory.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The machine figures were measured on: cost per unit means little without it.
 *
 * @param cpuModel the first {@code model name} of {@code /proc/cpuinfo}, or null where it cannot be read
 */
public record Machine(int cores, String cpuModel, String os, String jvm, long heapMaxBytes) {

    /** This JVM's machine. */
    public static Machine current() {
        return new Machine(Runtime.getRuntime().availableProcessors(), cpuModel(Path.of("/proc/cpuinfo")),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                Runtime.getRuntime().maxMemory());
    }

    /** The first {@code model name} in a {@code /proc/cpuinfo} file, or null. */
    static String cpuModel(Path cpuinfo) {
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse(null);
        } catch (IOException | RuntimeException e) {
            return null; // not Linux, or not readable: the rest still describes the machine
        }
    }

    /** {@code cores}, {@code cpu_model} (null where unknown), {@code os}, {@code jvm}, {@code heap_max_bytes}. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("cores", cores);
        json.put("cpu_model", cpuModel);
        json.put("os", os);
        json.put("jvm", jvm);
        json.put("heap_max_bytes", heapMaxBytes);
        return json;
    }

    /** {@code 2 cores (AMD EPYC 7B13), Linux 6.1 amd64, OpenJDK 64-Bit Server VM 17.0.15, heap max 1.0 GiB}. */
    public String describe() {
        return String.format(Locale.ROOT, "%d cores%s, %s, %s, heap max %.1f GiB", cores,
                cpuModel == null ? "" : " (" + cpuModel + ")", os, jvm, heapMaxBytes / (double) (1L << 30));
    }
}
