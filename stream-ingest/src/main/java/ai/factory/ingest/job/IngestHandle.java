package ai.factory.ingest.job;

import java.util.concurrent.TimeUnit;

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

    public IngestHandle(JobClient client, FeatureLayout layout) {
        this.client = client;
        this.layout = layout;
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
    }
}
