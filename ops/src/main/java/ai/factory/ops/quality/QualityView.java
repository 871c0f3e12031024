package ai.factory.ops.quality;

import java.time.Duration;
import java.util.List;

import ai.factory.kafka.KafkaConnection;
import ai.factory.ops.kafka.TopicTail;
import ai.factory.records.QualityReport;
import ai.factory.records.QualityTask;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.SchemaRegistry;
import ai.factory.serde.UndecodableRecordException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Follows the {@code quality} topic and keeps the latest reports of recent model versions for charts. */
public final class QualityView implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QualityView.class);

    private final TopicTail tail;
    private final AvroCodec<QualityReport> codec;
    private final QualityBook book = new QualityBook();
    private long unreadable;

    public QualityView(KafkaConnection connection, String qualityTopic, SchemaRegistry registry) {
        this.tail = new TopicTail(connection, qualityTopic, 0, 8 << 20);
        this.codec = AvroCodec.of(QualityReport.class, registry);
    }

    /** Reads what arrived since the last call. */
    public synchronized void refresh(Duration wait) {
        for (ConsumerRecord<byte[], byte[]> record : tail.poll(wait, 50_000)) {
            if (record.value() == null) {
                continue;
            }
            try {
                book.add(point(codec.decode(record)));
            } catch (UndecodableRecordException e) {
                unreadable++;
                log.warn("Skipping unreadable quality report: {}", e.getMessage());
            }
        }
    }

    /** Records that could not be decoded so far. */
    public synchronized long unreadable() {
        return unreadable;
    }

    /** The kept versions' series (see {@link QualityBook}), by model then version. */
    public synchronized List<QualitySeries> series() {
        return book.series();
    }

    /** The latest report of every kept version. */
    public synchronized List<QualityPoint> latest() {
        return book.latest();
    }

    static QualityPoint point(QualityReport r) {
        boolean binary = r.getTask() == QualityTask.BINARY;
        // Only the report's own task's metrics: a writer that filled the other task's fields is not shown twice.
        return new QualityPoint(r.getModelName(), r.getModelVersion(), r.getTask().name(), r.getWindow(),
                r.getWindowEnd().toEpochMilli(), r.getCount(),
                binary ? finite(r.getLogloss()) : null, binary ? finite(r.getBaselineLogloss()) : null,
                binary ? finite(r.getAuc()) : null, binary ? finite(r.getAccuracy()) : null,
                binary ? null : finite(r.getRmse()), binary ? null : finite(r.getMae()),
                binary ? null : finite(r.getBaselineRmse()), binary ? null : finite(r.getBaselineMae()),
                binary ? 0 : r.getRegressionCount(), r.getLabelDelayP50Ms(), r.getLabelDelayP99Ms(),
                r.getPending(), r.getExpired(), r.getLate(), r.getDrift() == null ? null : r.getDrift().getDetector());
    }

    /** NaN and infinities become null: JSON has no number for them and the dashboard shows "-" for null. */
    private static Double finite(Double value) {
        return value == null || !Double.isFinite(value) ? null : value;
    }

    @Override
    public synchronized void close() {
        tail.close();
    }
}
