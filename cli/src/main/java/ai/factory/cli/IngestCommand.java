package ai.factory.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ai.factory.ingest.job.IngestArguments;
import ai.factory.ingest.job.IngestHandle;
import ai.factory.ingest.job.IngestJob;
import ai.factory.ingest.job.IngestOptions;
import org.apache.flink.api.common.JobStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code factory ingest}: the feature-preparation Flink job, in this process (a local Flink MiniCluster). */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {
            "Runs the stream-ingest Flink job (events -> features) in this process.",
            "Validates, de-duplicates and featurizes events as the feature spec says; rejects go to events.dlq. To run "
                + "it on a Flink cluster instead, submit stream-ingest's job jar (stream-ingest/target/*-job.jar) with the "
                + "same options (see stream-ingest/README.md). Ctrl-C cancels the job."})
final class IngestCommand implements Callable<Integer> {

    @Mixin
    IngestArguments ingest;

    @Override
    public Integer call() throws Exception {
        IngestOptions options = ingest.options();
        IngestHandle job = IngestJob.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            job.close();
            stopped.countDown();
        }, "ingest-shutdown"));
        System.err.println("stream-ingest running: " + options.topics().events() + " -> " + options.topics().features()
                + " (spec " + options.specLocation() + "). Ctrl-C stops it.");
        while (!stopped.await(5, TimeUnit.SECONDS)) {
            JobStatus status = job.status();
            if (status.isTerminalState()) {
                System.err.println("stream-ingest job ended: " + status);
                return status == JobStatus.FINISHED ? 0 : 1;
            }
        }
        return 0;
    }
}
