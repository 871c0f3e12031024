package ai.factory.ingest.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import ai.factory.flink.RestartPolicy;
import ai.factory.kafka.KafkaConnection;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The job jar's arguments, the defaults they fall back to, and where the Kafka and latency settings end up. */
class IngestArgumentsTest {

    @Test
    void theDefaultsServeOnArrivalWithShortBuffers() {
        IngestOptions options = IngestArguments.parse("--bootstrap", "host:9092");
        assertThat(options).isEqualTo(IngestOptions.defaults(KafkaConnection.of("host:9092")));
        assertThat(options.featureTiming()).isEqualTo(FeatureTiming.ARRIVAL);
        assertThat(options.bufferTimeout()).isEqualTo(Duration.ofMillis(5));
        assertThat(options.sinkLinger()).isEqualTo(Duration.ofMillis(5));
        assertThat(options.maxOutOfOrderness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void everyOptionIsRead() {
        IngestOptions options = IngestArguments.parse("--bootstrap", "host:9092", "--prefix", "p.",
                "--feature-timing", "event-time", "--buffer-timeout", "20ms", "--linger", "0ms", "--out-of-orderness", "1h",
                "--exactly-once", "--bounded", "--parallelism", "3", "--checkpoint-interval", "PT2S", "--idleness", "1m",
                "--dedup-ttl", "7d", "--restart-attempts", "4", "--restart-backoff", "2s", "--registry", "in-process",
                "--restore-from", "file:///s", "--checkpoint-dir", "file:///c", "--spec", "/specs/x.json");
        assertThat(options).isEqualTo(new IngestOptions(KafkaConnection.of("host:9092"), "p.", "/specs/x.json", 3, true,
                Duration.ofSeconds(2), "file:///c", options.registry(), "p." + IngestOptions.DEFAULT_GROUP_ID,
                Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofDays(7), true, "file:///s",
                RestartPolicy.defaults().withAttempts(4).withBackoff(Duration.ofSeconds(2), Duration.ofMinutes(1)),
                FeatureTiming.EVENT_TIME, Duration.ofMillis(20), Duration.ZERO));
        assertThat(options.registry().kafka()).isNull();
    }

    @Test
    void theJobRestartsWithExponentialBackoffAndKeepsItsCheckpoints() {
        Configuration conf = IngestJob.configuration(IngestArguments.parse("--bootstrap", "h:1", "--checkpoint-dir", "file:///c",
                "--restart-attempts", "6", "--restart-max-backoff", "30s", "--restart-reset-after", "5m"));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS)).isEqualTo(6);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF)).isEqualTo(Duration.ofSeconds(1));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF)).isEqualTo(Duration.ofSeconds(30));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER)).isEqualTo(2.0);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR)).isEqualTo(0.1);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD)).isEqualTo(Duration.ofMinutes(5));
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("file:///c");
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(conf.contains(StateRecoveryOptions.SAVEPOINT_PATH)).isFalse();
        assertThat(IngestJob.configuration(IngestArguments.parse("--restart-attempts", "0")).get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("none");
        assertThatThrownBy(() -> IngestArguments.parse("--restart-backoff-multiplier", "1"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("multiplier");
    }

    @Test
    void restoringFromAPathThatIsNoSnapshotIsOneLine(@TempDir Path dir) {
        assertThatThrownBy(() -> IngestJob.resolveRestore(IngestArguments.parse("--restore-from", dir.resolve("gone").toString())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(IngestJob.resolveRestore(IngestArguments.parse("--restore-from", "latest", "--checkpoint-dir",
                dir.toUri().toString())).restoreFrom()).as("nothing retained yet: a fresh start").isNull();
    }

    @Test
    void theToleranceAheadOfTheWallClockIsTheSpecsUnlessGiven() {
        assertThat(IngestArguments.parse("--bootstrap", "host:9092").maxAheadOfWallClock()).isNull();
        assertThat(IngestArguments.parse("--bootstrap", "host:9092", "--max-ahead-of-wall-clock", "2h").maxAheadOfWallClock())
                .isEqualTo(Duration.ofHours(2));
    }

    @Test
    void theConsumerGroupAndTransactionalIdsStartWithThePrefix() {
        IngestOptions options = IngestArguments.parse("--prefix", "team.");
        assertThat(options.groupId()).isEqualTo("team." + IngestOptions.DEFAULT_GROUP_ID);
        assertThat(options.withTopicPrefix("other.").groupId()).isEqualTo("other." + IngestOptions.DEFAULT_GROUP_ID);
        assertThat(IngestArguments.parse("--prefix", "team.", "--group", "mine").groupId()).isEqualTo("team.mine");
    }

    @Test
    void aBadDurationOrAnUnknownOptionIsOneLineNamingIt() {
        assertThatThrownBy(() -> IngestArguments.parse("--checkpoint-interval", "10 parsecs"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--checkpoint-interval").hasMessageContaining("10 parsecs")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> IngestArguments.parse("--checkpoint-interval", "forever"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("positive")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> IngestArguments.parse("--exactly-once", "true"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("true")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> IngestArguments.parse("--feature-timing", "watermark"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("arrival or event-time");
        assertThatThrownBy(() -> IngestJob.main(new String[] {"--nope"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--nope")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void featureTimingsReadInEitherSpelling() {
        assertThat(FeatureTiming.parse("ARRIVAL")).isEqualTo(FeatureTiming.ARRIVAL);
        assertThat(FeatureTiming.parse("event_time")).isEqualTo(FeatureTiming.EVENT_TIME);
        assertThat(FeatureTiming.parse(FeatureTiming.EVENT_TIME.label())).isEqualTo(FeatureTiming.EVENT_TIME);
    }

    @Test
    void theClusterSettingsReachEveryClientOfTheJob(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("kafka.properties"),
                "bootstrap.servers=secure:9093\nclient.dns.lookup=resolve_canonical_bootstrap_servers_only\n"
                        + "request.timeout.ms=12345\nsecurity.protocol=SASL_SSL\n");
        IngestOptions options = IngestArguments.parse("--kafka-config", config.toString(), "--prefix", "p.");

        assertThat(IngestJob.consumerProperties(options))
                .containsEntry("bootstrap.servers", "secure:9093")
                .containsEntry("client.dns.lookup", "resolve_canonical_bootstrap_servers_only")
                .containsEntry("request.timeout.ms", "12345")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("isolation.level", "read_committed");
        assertThat(IngestJob.producerProperties(options))
                .containsEntry("bootstrap.servers", "secure:9093")
                .containsEntry("client.dns.lookup", "resolve_canonical_bootstrap_servers_only")
                .containsEntry("request.timeout.ms", "12345")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "5");
        assertThat(IngestJob.adminConfig(options)).containsAllEntriesOf(Map.of("bootstrap.servers", "secure:9093",
                "client.dns.lookup", "resolve_canonical_bootstrap_servers_only", "request.timeout.ms", "12345",
                "security.protocol", "SASL_SSL"));
        assertThat(options.registryAddress().kafka()).isEqualTo(options.kafka());
    }

    @Test
    void aNegativeLatencySettingIsRefused() {
        assertThatThrownBy(() -> IngestOptions.defaults(KafkaConnection.of("h:1")).withLatency(Duration.ofMillis(-1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLatencySettingsReachFlinkAndTheSinks() {
        IngestOptions options = IngestOptions.defaults(KafkaConnection.of("h:1")).withLatency(Duration.ofMillis(7), Duration.ofMillis(3));
        Configuration conf = IngestJob.configuration(options);
        assertThat(conf.get(ExecutionOptions.BUFFER_TIMEOUT_ENABLED)).isTrue();
        assertThat(conf.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ofMillis(7));
        assertThat(IngestJob.producerProperties(options).getProperty(ProducerConfig.LINGER_MS_CONFIG)).isEqualTo("3");
    }
}
