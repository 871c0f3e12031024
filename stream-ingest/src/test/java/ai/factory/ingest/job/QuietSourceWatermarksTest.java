package ai.factory.ingest.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class QuietSourceWatermarksTest {

    private final AtomicLong nanos = new AtomicLong();
    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
        }

        @Override
        public void markActive() {
        }
    };
    private final QuietSourceWatermarks<String> generator =
            new QuietSourceWatermarks<>(Duration.ofSeconds(5), Duration.ofSeconds(2), nanos::get);

    @Test
    void holdsBackByTheOutOfOrdernessWhileRecordsFlow() {
        generator.onEvent("a", 100_000, output);
        generator.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(100_000L - 5_000 - 1);
    }

    @Test
    void catchesUpToTheNewestEventWhenQuietAndNeverGoesBack() {
        generator.onEvent("a", 100_000, output);
        generator.onPeriodicEmit(output);
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        generator.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(94_999L, 100_000L);

        // A record arriving after the catch-up does not pull the watermark back.
        generator.onEvent("b", 101_000, output);
        generator.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(94_999L, 100_000L);
        nanos.addAndGet(Duration.ofSeconds(3).toNanos());
        generator.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(94_999L, 100_000L, 101_000L);
    }

    @Test
    void emitsNothingBeforeTheFirstRecord() {
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        generator.onPeriodicEmit(output);
        assertThat(emitted).isEmpty();
    }
}
