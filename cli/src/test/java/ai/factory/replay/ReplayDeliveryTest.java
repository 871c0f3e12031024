package ai.factory.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import ai.factory.records.Event;
import ai.factory.records.Feedback;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.InMemorySchemaRegistry;
import ai.factory.topics.Topics;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every record the replay sends is counted when the producer answers; the first failure stops the replay. */
class ReplayDeliveryTest {

    private static final Mapping MAPPING = new Mapping(null, new Mapping.Id("id", null),
            new Mapping.TimeColumn("ts", TimeFormat.parse("epoch_s", null)), null, Map.of(), Mapping.Label.of("y"),
            new Mapping.LabelDelay(Duration.ofSeconds(90)));
    private static final Topics TOPICS = new Topics("t");

    @TempDir
    Path dir;

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @Test
    void theFirstFailedRecordStopsTheReplayAndEveryRecordSentIsCounted() throws IOException {
        FailingFrom producer = new FailingFrom(6);
        List<Long> failedSeen = new ArrayList<>();
        Replay.Progress done = replay(rows(100), producer, failedSeen);

        Delivery.Totals totals = done.delivery();
        assertThat(totals.sent()).as("sends stop at the first failure").isEqualTo(6);
        assertThat(totals.delivered()).isEqualTo(5);
        assertThat(done.failed()).isEqualTo(1);
        assertThat(totals.delivered() + totals.failed()).isEqualTo(totals.sent());
        assertThat(done.events()).as("the rest of the file is not replayed").isLessThan(10);
        assertThat(totals.firstError()).isEqualTo("TimeoutException: Expiring 1 record(s): 30000 ms has passed");
        assertThat(totals.firstFailure()).isInstanceOf(TimeoutException.class);
        Delivery.Count failedTopic = totals.byTopic().values().stream().filter(c -> c.failed() > 0).findFirst().orElseThrow();
        assertThat(failedTopic.firstError()).isEqualTo(totals.firstError());
        assertThat(failedSeen).last().isEqualTo(1L);
    }

    @Test
    void aSendTheProducerRefusesCountsAsFailed() throws IOException {
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        producer.close();
        Replay.Progress done = replay(rows(10), producer, new ArrayList<>());
        assertThat(done.delivery().sent()).isEqualTo(1);
        assertThat(done.failed()).isEqualTo(1);
        assertThat(done.delivery().firstError()).startsWith("IllegalStateException");
    }

    @Test
    void aReplayWithoutFailuresCountsEveryRecordDelivered() throws IOException {
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        Replay.Progress done = replay(rows(10), producer, new ArrayList<>());
        assertThat(done.delivery().sent()).isEqualTo(20);
        assertThat(done.delivery().delivered()).isEqualTo(20);
        assertThat(done.failed()).isZero();
        assertThat(done.delivery().byTopic()).containsOnlyKeys(TOPICS.events(), TOPICS.feedback());
    }

    @Test
    void abandoningCountsTheUnconfirmedAsFailedAndIgnoresLateAnswers() throws InterruptedException {
        MockProducer<String, byte[]> producer = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        Delivery delivery = new Delivery();
        for (int i = 0; i < 3; i++) {
            delivery.send(producer, new ProducerRecord<>("events", "k" + i, new byte[0]));
        }
        delivery.send(producer, new ProducerRecord<>("feedback", "k", new byte[0]));
        producer.completeNext();
        producer.errorNext(new TimeoutException("expired"));
        assertThat(delivery.failing()).isTrue();
        assertThat(delivery.awaitSettled(Duration.ofMillis(50))).as("two records have no answer").isFalse();

        delivery.abandon("no answer");
        producer.completeNext();
        producer.completeNext();

        Delivery.Totals totals = delivery.totals();
        assertThat(totals.byTopic().get("events")).isEqualTo(new Delivery.Count(3, 1, 2, "TimeoutException: expired"));
        assertThat(totals.byTopic().get("feedback")).isEqualTo(new Delivery.Count(1, 0, 1, "no answer"));
        assertThat(totals.delivered() + totals.failed()).isEqualTo(totals.sent());
        assertThat(delivery.awaitSettled(Duration.ZERO)).isTrue();
    }

    private Replay.Progress replay(Path csv, MockProducer<String, byte[]> producer, List<Long> failedSeen) throws IOException {
        Replay.Options options = new Replay.Options(csv, MAPPING, TOPICS, true, true, 0, 0, 0);
        return new Replay(options, AvroCodec.of(Event.class, registry), AvroCodec.of(Feedback.class, registry))
                .run(producer, new Replay.Listener() {
                    @Override
                    public void progress(Replay.Progress progress) {
                        failedSeen.add(progress.failed());
                    }

                    @Override
                    public void badLine(long lineNumber, String reason) {
                    }
                });
    }

    /** {@code n} rows a minute apart, each with a label 90 s later: events and feedback interleave. */
    private Path rows(int n) throws IOException {
        StringBuilder csv = new StringBuilder("id,ts,y\n");
        for (int i = 0; i < n; i++) {
            csv.append("r").append(i).append(',').append(1517393700 + 60L * i).append(',').append(i % 2).append('\n');
        }
        Path file = dir.resolve("rows.csv");
        Files.writeString(file, csv);
        return file;
    }

    /** Delivers records until the {@code failFrom}-th send, which fails as an expired batch does. */
    private static final class FailingFrom extends MockProducer<String, byte[]> {
        private final int failFrom;
        private int sends;

        FailingFrom(int failFrom) {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
            this.failFrom = failFrom;
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
            if (++sends < failFrom) {
                return super.send(record, callback);
            }
            TimeoutException expired = new TimeoutException("Expiring 1 record(s): 30000 ms has passed");
            callback.onCompletion(null, expired);
            return CompletableFuture.failedFuture(expired);
        }
    }
}
