package ai.factory.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine;

/** Reports the version the build stamped into {@code factory-version.properties}. */
final class FactoryVersion implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = FactoryVersion.class.getResourceAsStream("/factory-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {"factory " + p.getProperty("version", "unknown")
                + " (Kafka " + p.getProperty("kafka", "?") + ", Flink " + p.getProperty("flink", "?")
                + ", ONNX Runtime " + p.getProperty("onnxruntime", "?") + ", Java " + System.getProperty("java.version") + ")"};
    }
}
