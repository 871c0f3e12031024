package ai.factory.ingest.job;

import java.time.Duration;
import java.util.function.LongSupplier;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks that catch up when a source goes quiet: once no record has arrived for the
 * quiet period (processing time), the watermark moves to the newest event time seen, so the events of the last
 * out-of-orderness interval are featurized instead of waiting for a later event that may never come (the end of a
 * replay, a producer that paused). A record older than that watermark is then a late event, featurized and counted.
 */
final class QuietSourceWatermarks<T> implements WatermarkGenerator<T> {

    private final long outOfOrdernessMillis;
    private final long quietNanos;
    private final LongSupplier nanoClock;
    private long maxTimestamp = Long.MIN_VALUE;
    private long lastRecordNanos;
    private long emitted = Long.MIN_VALUE;

    QuietSourceWatermarks(Duration outOfOrderness, Duration quietPeriod) {
        this(outOfOrderness, quietPeriod, System::nanoTime);
    }

    QuietSourceWatermarks(Duration outOfOrderness, Duration quietPeriod, LongSupplier nanoClock) {
        this.outOfOrdernessMillis = outOfOrderness.toMillis();
        this.quietNanos = quietPeriod.toNanos();
        this.nanoClock = nanoClock;
        this.lastRecordNanos = nanoClock.getAsLong();
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
        lastRecordNanos = nanoClock.getAsLong();
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (maxTimestamp == Long.MIN_VALUE) {
            return;
        }
        boolean quiet = nanoClock.getAsLong() - lastRecordNanos >= quietNanos;
        long watermark = quiet ? maxTimestamp : maxTimestamp - outOfOrdernessMillis - 1;
        // Never move backwards after a catch-up.
        if (watermark > emitted) {
            emitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }
}
