package ai.factory.ingest.job;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ai.factory.flink.InProcessFlink;
import ai.factory.ingest.features.FeatureLayout;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running ingest job: its Flink client and the vector layout it writes; closing it cancels the job. */
public final class IngestHandle implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IngestHandle.class);
    /** How long closing waits for the in-process cluster to close after its job ended, before removing its files. */
    private static final Duration CLUSTER_CLOSE = Duration.ofSeconds(10);

    private final JobClient client;
    private final FeatureLayout layout;
    private final List<Path> ownedFolders;

    public IngestHandle(JobClient client, FeatureLayout layout) {
        this(client, layout, List.of());
    }

    /**
     * A handle that removes {@code ownedFolders} (made for this run only: its checkpoints without a checkpoint
     * directory, its cluster's temporary files) once the job has ended.
     */
    IngestHandle(JobClient client, FeatureLayout layout, List<Path> ownedFolders) {
        this.client = client;
        this.layout = layout;
        this.ownedFolders = List.copyOf(ownedFolders);
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
            // An ended job's in-process cluster is gone with it: its result is in, and there is nothing to ask.
            if (!client.getJobExecutionResult().isDone() && !status().isGloballyTerminalState()) {
                client.cancel().get(60, TimeUnit.SECONDS);
                // cancel() returns once asked; the sinks' producers close only as the tasks end: wait for that, so
                // nothing of the job still talks to a broker the caller stops next.
                client.getJobExecutionResult().get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // The job may finish between the status check and the cancel call; that is what closing wanted.
            log.info("Ingest job {} ended while closing: {}", client.getJobID(), e.toString());
        }
        ownedFolders.forEach(folder -> InProcessFlink.removeOnceClosed(folder, CLUSTER_CLOSE));
    }
}
