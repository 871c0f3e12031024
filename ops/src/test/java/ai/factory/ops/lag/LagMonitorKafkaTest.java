package ai.factory.ops.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.kafka.KafkaConnection;
import ai.factory.ops.status.Status;
import ai.factory.ops.status.StatusEvaluator;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The lag monitor against the real embedded broker: real groups, real offsets, real transaction markers. */
@ExtendWith(KafkaExtension.class)
class LagMonitorKafkaTest {

    private static final int WINDOW = 4;

    private static GroupView sampleUntilFull(LagSampler sampler, LagMonitor monitor, String group, Runnable between) {
        GroupView view = null;
        for (int i = 0; i < WINDOW; i++) {
            between.run();
            view = monitor.accept(sampler.sample()).group(group).orElseThrow();
        }
        return view;
    }

    /** Polls until the consumer holds {@code count} records, bounded. */
    private static List<ConsumerRecord<String, String>> pollFor(KafkaConsumer<String, String> consumer, int count) {
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
            records.forEach(got::add);
            return got.size() >= count;
        });
        return got;
    }

    @Test
    void aConsumerThatIsAliveButDoesNotMoveTurnsStall(TestKafka kafka) throws Exception {
        String topic = TestKafka.uniquePrefix("stall") + "in";
        String group = topic + ".group";
        try (KafkaFixture fx = new KafkaFixture(kafka.bootstrapServers());
             LagSampler sampler = new LagSampler(KafkaConnection.of(kafka.bootstrapServers()));
             KafkaConsumer<String, String> consumer = fx.consumer(group, false, 5)) {
            fx.createTopic(topic, 1);
            fx.produce(topic, 20);
            consumer.subscribe(List.of(topic));
            pollFor(consumer, 5);
            consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(5)));
            await().atMost(Duration.ofSeconds(30)).until(() -> sampler.sample().groups().stream()
                    .anyMatch(g -> g.group().equals(group) && g.members() > 0));

            LagMonitor monitor = new LagMonitor(new StatusEvaluator(WINDOW), 1000);
            GroupView view = sampleUntilFull(sampler, monitor, group, () -> produceQuietly(fx, topic, 3));

            assertThat(view.members()).isPositive();
            assertThat(view.status()).isEqualTo(Status.STALL);
            assertThat(view.reason()).contains("offset 5 unchanged");
            assertThat(view.lagRecords()).isEqualTo(20 + WINDOW * 3 - 5);
        }
    }

    @Test
    void aConsumerThatWentAwayWithRecordsWaitingTurnsStop(TestKafka kafka) throws Exception {
        String topic = TestKafka.uniquePrefix("stop") + "in";
        String group = topic + ".group";
        try (KafkaFixture fx = new KafkaFixture(kafka.bootstrapServers());
             LagSampler sampler = new LagSampler(KafkaConnection.of(kafka.bootstrapServers()))) {
            fx.createTopic(topic, 1);
            fx.produce(topic, 20);
            try (KafkaConsumer<String, String> consumer = fx.consumer(group, false, 8)) {
                consumer.subscribe(List.of(topic));
                pollFor(consumer, 8);
                consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(8)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> sampler.sample().groups().stream()
                    .anyMatch(g -> g.group().equals(group) && g.members() == 0));

            LagMonitor monitor = new LagMonitor(new StatusEvaluator(WINDOW), 1000);
            GroupView view = sampleUntilFull(sampler, monitor, group, () -> { });

            assertThat(view.status()).isEqualTo(Status.STOP);
            assertThat(view.reason()).contains("no active consumer").contains("12 records waiting");
            assertThat(view.catchUpSeconds()).isNull();
        }
    }

    @Test
    void aConsumerCatchingUpIsOk(TestKafka kafka) throws Exception {
        String topic = TestKafka.uniquePrefix("catchup") + "in";
        String group = topic + ".group";
        try (KafkaFixture fx = new KafkaFixture(kafka.bootstrapServers());
             LagSampler sampler = new LagSampler(KafkaConnection.of(kafka.bootstrapServers()));
             KafkaConsumer<String, String> consumer = fx.consumer(group, false, 10)) {
            fx.createTopic(topic, 1);
            fx.produce(topic, 100);
            consumer.subscribe(List.of(topic));
            LagMonitor monitor = new LagMonitor(new StatusEvaluator(WINDOW), 1000);
            List<Long> lags = new ArrayList<>();
            GroupView view = null;
            for (int i = 0; i < WINDOW; i++) {
                // The producer adds 2 records per step while the consumer takes 10: lag shrinks, never reaching 0.
                fx.produce(topic, 2);
                pollFor(consumer, 10);
                consumer.commitSync();
                view = monitor.accept(sampler.sample()).group(group).orElseThrow();
                lags.add(view.lagRecords());
            }
            assertThat(lags).isSortedAccordingTo((a, b) -> Long.compare(b, a)).doesNotContain(0L);
            assertThat(view.status()).isEqualTo(Status.OK);
            assertThat(view.reason()).isEqualTo("catching up");
            assertThat(view.consumeRate()).isGreaterThan(view.produceRate());
            assertThat(view.catchUpSeconds()).isNotNull().isPositive();
        }
    }

    @Test
    void lagInSecondsIsTheTimestampGapBetweenTheCommittedAndTheNewestRecord(TestKafka kafka) throws Exception {
        String topic = TestKafka.uniquePrefix("seconds") + "in";
        String group = topic + ".group";
        // Recent timestamps: older ones fall to the topic's time retention.
        long t0 = System.currentTimeMillis() - 60_000;
        try (KafkaFixture fx = new KafkaFixture(kafka.bootstrapServers());
             LagSampler sampler = new LagSampler(KafkaConnection.of(kafka.bootstrapServers()))) {
            fx.createTopic(topic, 1);
            fx.produce(topic, 10, t0, 1_000);
            fx.commit(group, topic, 3);

            PartitionLag p = partition(sampler.sample(), group);
            assertThat(p.lagRecords()).isEqualTo(7);
            assertThat(p.pendingTimestampMs()).isEqualTo(t0 + 3_000);
            assertThat(p.newestTimestampMs()).isEqualTo(t0 + 9_000);
            assertThat(p.lagSeconds()).isEqualTo(6.0);

            fx.commit(group, topic, 10);
            PartitionLag caughtUp = partition(sampler.sample(), group);
            assertThat(caughtUp.lagRecords()).isZero();
            assertThat(caughtUp.lagSeconds()).isEqualTo(0.0);
        }
    }

    @Test
    void anExactlyOnceConsumerThatReadEverythingShowsZeroLag(TestKafka kafka) throws Exception {
        String prefix = TestKafka.uniquePrefix("eos");
        String topic = prefix + "in";
        String group = topic + ".group";
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaFixture fx = new KafkaFixture(kafka.bootstrapServers());
             LagSampler sampler = new LagSampler(KafkaConnection.of(kafka.bootstrapServers()));
             KafkaProducer<String, String> tx = fx.transactionalProducer(prefix + "tx");
             KafkaConsumer<String, String> consumer = fx.consumer(group, true, 100)) {
            fx.createTopic(topic, 1);
            for (int t = 0; t < 3; t++) {
                tx.beginTransaction();
                for (int i = 0; i < 5; i++) {
                    tx.send(new ProducerRecord<>(topic, 0, "k", "t" + t + "-" + i));
                }
                tx.commitTransaction();
            }
            consumer.assign(List.of(tp));
            List<ConsumerRecord<String, String>> all = pollFor(consumer, 15);
            long afterLast = all.get(all.size() - 1).offset() + 1;
            // As Kafka Streams and Flink do: commit the offset after the last record read, which is the commit marker.
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(afterLast)));

            PartitionLag p = partition(sampler.sample(), group);
            assertThat(p.logEnd() - p.committed()).as("a transaction marker sits between the offset and the log end").isEqualTo(1);
            assertThat(p.lagRecords()).isZero();
            assertThat(p.lagSeconds()).isEqualTo(0.0);

            // An open transaction's records are not readable for a read_committed consumer: still no lag.
            tx.beginTransaction();
            tx.send(new ProducerRecord<>(topic, 0, "k", "open"));
            tx.flush();
            PartitionLag open = partition(sampler.sample(), group);
            assertThat(open.logEnd()).isGreaterThan(open.lastStable());
            assertThat(open.lagRecords()).isZero();
            tx.abortTransaction();

            // Lagging by the three transactions: markers at either end of the range are not counted.
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(5)));
            LagMonitor monitor = new LagMonitor(new StatusEvaluator(WINDOW), 1000);
            GroupView behind = monitor.accept(sampler.sample()).group(group).orElseThrow();
            PartitionLag lagging = partition(sampler.sample(), group);
            assertThat(lagging.lastStable() - lagging.committed()).isGreaterThan(11);
            assertThat(lagging.lagRecords()).as("10 data records and the one marker between them").isEqualTo(11);
            assertThat(behind.status()).isEqualTo(Status.OK);
        }
    }

    @Test
    void groupsAreFoundWhetherTheyHaveMembersOrOnlyCommittedOffsets(TestKafka kafka) throws Exception {
        String topic = TestKafka.uniquePrefix("groups") + "in";
        try (KafkaFixture fx = new KafkaFixture(kafka.bootstrapServers());
             LagSampler sampler = new LagSampler(KafkaConnection.of(kafka.bootstrapServers()))) {
            fx.createTopic(topic, 1);
            fx.produce(topic, 3);
            fx.commit(topic + ".a", topic, 1);
            fx.commit(topic + ".b", topic, 3);
            LagSample sample = sampler.sample();
            assertThat(sample.groups()).extracting(GroupLag::group).contains(topic + ".a", topic + ".b");
            assertThat(Set.of(partition(sample, topic + ".a").lagRecords(), partition(sample, topic + ".b").lagRecords()))
                    .containsExactlyInAnyOrder(2L, 0L);
        }
    }

    @Test
    void recordsDeletedBeforeTheGroupReadThemAreError(TestKafka kafka) throws Exception {
        String topic = TestKafka.uniquePrefix("deleted") + "in";
        String group = topic + ".group";
        try (KafkaFixture fx = new KafkaFixture(kafka.bootstrapServers());
             LagSampler sampler = new LagSampler(KafkaConnection.of(kafka.bootstrapServers()))) {
            fx.createTopic(topic, 1);
            fx.produce(topic, 10);
            fx.commit(group, topic, 2);
            fx.admin().deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(6)))
                    .all().get(30, TimeUnit.SECONDS);

            LagMonitor monitor = new LagMonitor(new StatusEvaluator(WINDOW), 1000);
            GroupView view = monitor.accept(sampler.sample()).group(group).orElseThrow();
            assertThat(view.status()).isEqualTo(Status.ERROR);
            assertThat(view.reason()).contains("committed offset 2 is below the log start 6");
            assertThat(view.lagRecords()).as("what is left to read").isEqualTo(4);
        }
    }

    @Test
    void factoryLagPrintsTheSameTableInTheTerminal(TestKafka kafka) throws Exception {
        String topic = TestKafka.uniquePrefix("report") + "in";
        String group = topic + ".group";
        try (KafkaFixture fx = new KafkaFixture(kafka.bootstrapServers())) {
            fx.createTopic(topic, 1);
            fx.produce(topic, 10, System.currentTimeMillis() - 60_000, 500);
            fx.commit(group, topic, 4);
        }
        String text = LagReport.render(KafkaConnection.of(kafka.bootstrapServers()), 2, Duration.ofMillis(200), true);
        String groupLine = text.lines().filter(l -> l.startsWith(group)).findFirst().orElseThrow();
        assertThat(groupLine).contains(" 6 ").contains("2.5").contains("STOP");
        assertThat(text.lines().filter(l -> l.contains(topic) && l.contains(" 4 ") && l.contains(" 10 "))).hasSize(1);
    }

    private static PartitionLag partition(LagSample sample, String group) {
        return sample.groups().stream().filter(g -> g.group().equals(group)).findFirst().orElseThrow()
                .partitions().get(0);
    }

    private static void produceQuietly(KafkaFixture fx, String topic, int count) {
        try {
            fx.produce(topic, count);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
