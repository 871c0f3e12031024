package ai.factory.ingest.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ai.factory.flink.RestartPolicy;
import ai.factory.kafka.KafkaConnection;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The jobs' restart policy on a real MiniCluster: a job that fails at once after every start is restarted the
 * configured number of times with growing backoff, then fails within the policy's bound.
 */
class RestartPolicyOnFlinkTest {

    static final AtomicInteger STARTS = new AtomicInteger();

    /** Fails on every record: the job can never run. */
    static final class AlwaysFails implements MapFunction<Long, Long> {
        @Override
        public Long map(Long value) {
            STARTS.incrementAndGet();
            throw new IllegalStateException("injected: fails on every start");
        }
    }

    @Test
    void aJobThatKeepsFailingIsRestartedNTimesThenFailsWithinTheBound() throws Exception {
        RestartPolicy policy = RestartPolicy.defaults().withAttempts(4).withBackoff(Duration.ofMillis(100), Duration.ofMillis(400));
        IngestOptions options = IngestOptions.defaults(KafkaConnection.of("127.0.0.1:9")).withRestarts(policy);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, IngestJob.configuration(options));
        env.fromSequence(1, 1).map(new AlwaysFails()).name("always fails").print();
        STARTS.set(0);
        long started = System.nanoTime();
        JobClient job = env.executeAsync("restart-policy");
        // Backoffs 100, 200, 400, 400 ms (+ up to 10 ms jitter each): about 1.1 s of waiting, plus four restarts.
        assertThatThrownBy(() -> job.getJobExecutionResult().get(60, TimeUnit.SECONDS))
                .hasStackTraceContaining("injected: fails on every start")
                .hasStackTraceContaining("Recovery is suppressed by ExponentialDelayRestartBackoffTimeStrategy");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(STARTS.get()).as("the first run and 4 restarts").isEqualTo(5);
        assertThat(took).isGreaterThanOrEqualTo(policy.longestTimeToFail().minusMillis(4 * 10 + 50)).isLessThan(Duration.ofSeconds(30));
    }
}
