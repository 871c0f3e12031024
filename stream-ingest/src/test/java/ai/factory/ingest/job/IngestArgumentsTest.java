package ai.factory.ingest.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/** The job jar's arguments, the defaults they fall back to, and where the latency settings end up. */
class IngestArgumentsTest {

    @Test
    void theDefaultsServeOnArrivalWithShortBuffers() {
        IngestOptions options = IngestArguments.parse(new String[]{"--bootstrap", "host:9092"});
        assertThat(options).isEqualTo(IngestOptions.defaults("host:9092").withGroupId(IngestOptions.DEFAULT_GROUP_ID));
        assertThat(options.featureTiming()).isEqualTo(FeatureTiming.ARRIVAL);
        assertThat(options.bufferTimeout()).isEqualTo(Duration.ofMillis(5));
        assertThat(options.sinkLinger()).isEqualTo(Duration.ofMillis(5));
        assertThat(options.maxOutOfOrderness()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void timingAndLatencySettingsAreRead() {
        IngestOptions options = IngestArguments.parse(new String[]{"--bootstrap", "host:9092", "--prefix", "p.",
                "--feature-timing", "event-time", "--buffer-timeout", "20ms", "--linger", "0ms", "--out-of-orderness", "1h"});
        assertThat(options.featureTiming()).isEqualTo(FeatureTiming.EVENT_TIME);
        assertThat(options.bufferTimeout()).isEqualTo(Duration.ofMillis(20));
        assertThat(options.sinkLinger()).isZero();
        assertThat(options.maxOutOfOrderness()).isEqualTo(Duration.ofHours(1));
        assertThat(options.groupId()).isEqualTo("p." + IngestOptions.DEFAULT_GROUP_ID);
    }

    @Test
    void featureTimingsReadInEitherSpelling() {
        assertThat(FeatureTiming.parse("ARRIVAL")).isEqualTo(FeatureTiming.ARRIVAL);
        assertThat(FeatureTiming.parse("event_time")).isEqualTo(FeatureTiming.EVENT_TIME);
        assertThat(FeatureTiming.parse(FeatureTiming.EVENT_TIME.label())).isEqualTo(FeatureTiming.EVENT_TIME);
        assertThatThrownBy(() -> IngestArguments.parse(new String[]{"--bootstrap", "h:1", "--feature-timing", "watermark"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("arrival or event-time");
    }

    @Test
    void aNegativeLatencySettingIsRefused() {
        assertThatThrownBy(() -> IngestOptions.defaults("h:1").withLatency(Duration.ofMillis(-1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLatencySettingsReachFlinkAndTheSinks() {
        IngestOptions options = IngestOptions.defaults("h:1").withLatency(Duration.ofMillis(7), Duration.ofMillis(3));
        Configuration conf = IngestJob.configuration(options);
        assertThat(conf.get(ExecutionOptions.BUFFER_TIMEOUT_ENABLED)).isTrue();
        assertThat(conf.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ofMillis(7));
        assertThat(IngestJob.producerProperties(options).getProperty(ProducerConfig.LINGER_MS_CONFIG)).isEqualTo("3");
    }
}
