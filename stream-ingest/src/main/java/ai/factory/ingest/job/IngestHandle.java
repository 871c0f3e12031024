package ai.factory.ingest.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ai.factory.ingest.features.FeatureLayout;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running ingest job: its Flink client and the vector layout it writes; closing it cancels the job. */
public final class IngestHandle implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IngestHandle.class);

    private final JobClient client;
    private final FeatureLayout layout;
    private final Path ownedFolder;

    public IngestHandle(JobClient client, FeatureLayout layout) {
        this(client, layout, null);
    }

    /** A handle that removes {@code ownedFolder} (a checkpoint folder made for this run only) once the job has ended. */
    IngestHandle(JobClient client, FeatureLayout layout, Path ownedFolder) {
        this.client = client;
        this.layout = layout;
        this.ownedFolder = ownedFolder;
    }

    public JobClient client() {
        return client;
    }

    public FeatureLayout layout() {
        return layout;
    }

    /** The job's status, asked with a bound. */
    public JobStatus status() throws Exception {
        return client.getJobStatus().get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        try {
            if (!status().isGloballyTerminalState()) {
                client.cancel().get(60, TimeUnit.SECONDS);
                // cancel() returns once asked; the sinks' producers close only as the tasks end: wait for that, so
                // nothing of the job still talks to a broker the caller stops next.
                client.getJobExecutionResult().get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // The job may finish between the status check and the cancel call; that is what closing wanted.
            log.info("Ingest job {} ended while closing: {}", client.getJobID(), e.toString());
        }
        if (ownedFolder != null) {
            removeQuietly(ownedFolder);
        }
    }

    private static void removeQuietly(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not remove the ingest job's checkpoint folder {}: {}", folder, e.toString());
        }
    }
}
