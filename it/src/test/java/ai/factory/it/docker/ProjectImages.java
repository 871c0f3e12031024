package ai.factory.it.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.testcontainers.DockerClientFactory;

/**
 * The docker/ deployment's images, as {@code docker/build-images} makes them from this build's jars; and whether a
 * Docker engine answers at all (asked with a bound, so a missing engine costs seconds, never a hang).
 */
final class ProjectImages {

    static final String KAFKA = "ai-factory/kafka:4.2.2";
    static final String FLINK = "ai-factory/flink:2.2.1";
    static final String FACTORY = "ai-factory/factory";

    /** The project folder: docker/, data/ and the modules' build output. */
    static final Path HOME = Path.of("..").toAbsolutePath().normalize();

    private ProjectImages() {
    }

    /**
     * Why the suite cannot run here, or null: the {@code docker} command (which builds the images) and Testcontainers
     * (which starts them) must both reach an engine, each within a bound.
     */
    static String dockerUnavailable() {
        try {
            Process info = new ProcessBuilder("docker", "info").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!info.waitFor(30, TimeUnit.SECONDS)) {
                info.destroyForcibly();
                return "docker info did not answer within 30 s";
            }
            if (info.exitValue() != 0) {
                return "no Docker engine answers (docker info failed; see docker/README.md to start one)";
            }
        } catch (IOException e) {
            return "no docker command (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while asking for a Docker engine";
        }
        CompletableFuture<Boolean> probe = CompletableFuture.supplyAsync(() -> DockerClientFactory.instance().isDockerAvailable());
        try {
            return probe.get(60, TimeUnit.SECONDS) ? null : "Testcontainers finds no Docker engine (see docker/README.md)";
        } catch (java.util.concurrent.TimeoutException e) {
            probe.cancel(true);
            return "the Docker engine did not answer within 60 s";
        } catch (Exception e) {
            return "asking for a Docker engine failed: " + e;
        }
    }

    /**
     * Runs {@code docker/build-images} (the Docker build cache makes a repeat quick); its output goes to
     * {@code build-images.log} in {@code logs}.
     *
     * @throws IllegalStateException naming the log when the script fails or takes more than 15 minutes
     */
    static void build(Path logs) throws IOException, InterruptedException {
        Files.createDirectories(logs);
        Path log = logs.resolve("build-images.log");
        Process build = new ProcessBuilder(HOME.resolve("docker").resolve("build-images").toString())
                .directory(HOME.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!build.waitFor(15, TimeUnit.MINUTES)) {
            build.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("docker/build-images took more than 15 minutes; see " + log);
        }
        if (build.exitValue() != 0) {
            java.util.List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
            throw new IllegalStateException("docker/build-images failed (exit " + build.exitValue() + "): "
                    + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())) + "; see " + log);
        }
    }
}
