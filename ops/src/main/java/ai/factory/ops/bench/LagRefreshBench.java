package ai.factory.ops.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ai.factory.bench.BenchResult;
import ai.factory.bench.BenchResult.Figure;
import ai.factory.bench.BenchResult.Target;
import ai.factory.bench.KafkaRates;
import ai.factory.kafka.KafkaConnection;
import ai.factory.ops.lag.GroupView;
import ai.factory.ops.lag.LagMonitor;
import ai.factory.ops.lag.LagSampler;
import ai.factory.ops.lag.LagSnapshot;
import ai.factory.ops.status.StatusEvaluator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Does the lag view of 1,000 consumer groups refresh within its sampling interval?
 *
 * <p>Creates GROUPS groups with committed offsets on every partition of one topic on the cluster it is given, then
 * times full refreshes (sample + status evaluation) with a cold timestamp cache, a warm one, and with every group's offsets moved since the last refresh (cache misses, as with
 * busy consumers). Baseline in the same run: the one-group-at-a-time approach (one offsets request per group,
 * one listOffsets per group, one seek-and-poll per partition), timed on a slice of the groups and scaled up.
 *
 * <p>Run it as {@code factory bench lag}.
 */
public final class LagRefreshBench {

    public static final String NAME = "lag";
    private static final String TOPIC = "bench.lag.events";
    private static final int PARTITIONS = 6;
    private static final int RECORDS_PER_PARTITION = 10_000;
    private static final int BASELINE_SLICE = 50;

    private LagRefreshBench() {
    }

    /**
     * Sets up {@code groups} groups on a fresh topic on {@code kafka} (topic and groups named after {@code topicPrefix},
     * the factory's {@code --prefix}), then times refreshes and the baseline.
     */
    public static BenchResult run(KafkaConnection kafka, String topicPrefix, int groups, long intervalMs) throws Exception {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            String topic = topicPrefix + TOPIC + "." + System.nanoTime();
            String groupPrefix = topic + ".g";
            long setupStart = System.nanoTime();
            setUp(admin, kafka, topic, groupPrefix, groups, 0);
            double setupSeconds = (System.nanoTime() - setupStart) / 1e9;

            try (LagSampler sampler = new LagSampler(kafka)) {
                LagMonitor monitor = new LagMonitor(new StatusEvaluator(10), intervalMs);
                long cold = timeRefresh(sampler, monitor, groupPrefix, groups);
                long[] warm = new long[5];
                for (int i = 0; i < warm.length; i++) {
                    warm[i] = timeRefresh(sampler, monitor, groupPrefix, groups);
                }
                commitOffsets(admin, topic, groupPrefix, groups, 1);
                long moved = timeRefresh(sampler, monitor, groupPrefix, groups);
                long warmMedian = median(warm);

                int slice = Math.min(BASELINE_SLICE, groups);
                long baselineNanos = baseline(admin, kafka, groupPrefix, slice);
                double baselineFullMs = baselineNanos / 1e6 * groups / slice;
                String naive = "one group at a time";
                return BenchResult.builder(NAME, "time to refresh the lag view of many consumer groups (sample + status), "
                                + "next to one group at a time and against the sampling interval")
                        .setting("groups", groups).setting("partitions", PARTITIONS)
                        .setting("records", PARTITIONS * RECORDS_PER_PARTITION).setting("sampling interval ms", intervalMs)
                        .figure(Figure.against("refresh, cold cache", cold, "ms", naive, baselineFullMs))
                        .figure(Figure.against("refresh, warm cache (median of 5)", warmMedian, "ms", naive, baselineFullMs))
                        .figure(Figure.against("refresh, every group's offsets moved", moved, "ms", naive, baselineFullMs))
                        .figure(Figure.against("worst refresh", Math.max(cold, moved), "ms", "sampling interval", intervalMs)
                                .withTarget(Target.atMost(1)))
                        .note("one group at a time: per group its offsets, its partitions' end offsets and one seek-and-poll "
                                + "per partition; timed on " + slice + " groups and scaled to " + groups)
                        .note(String.format(Locale.ROOT, "setup (topic, records, %d groups' offsets) took %.1f s", groups, setupSeconds))
                        .build();
            }
        }
    }

    private static long timeRefresh(LagSampler sampler, LagMonitor monitor, String groupPrefix, int groups) {
        long start = System.nanoTime();
        LagSnapshot snapshot = monitor.accept(sampler.sample());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        List<GroupView> ours = snapshot.groups().stream().filter(g -> g.group().startsWith(groupPrefix)).toList();
        long withSeconds = ours.stream().filter(g -> g.lagSeconds() != null).count();
        if (ours.size() != groups || withSeconds != groups) {
            throw new IllegalStateException("refresh saw " + ours.size() + " groups, " + withSeconds + " with time lag; expected " + groups);
        }
        return ms;
    }

    private static void setUp(Admin admin, KafkaConnection kafka, String topic, String groupPrefix, int groups, int shift)
            throws Exception {
        KafkaRates.createTopic(kafka, topic, PARTITIONS);
        Map<String, Object> props = kafka.clientConfig(Map.of(ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024));
        long t0 = System.currentTimeMillis() - PARTITIONS * (long) RECORDS_PER_PARTITION;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                    producer.send(new ProducerRecord<>(topic, p, t0 + i * 10L, "k" + i, "value-" + i));
                }
            }
            producer.flush();
        }
        commitOffsets(admin, topic, groupPrefix, groups, shift);
    }

    /** Every group commits a different offset on every partition, spread over the log, never at the end. */
    private static void commitOffsets(Admin admin, String topic, String groupPrefix, int groups, int shift) throws Exception {
        for (int g = 0; g < groups; g++) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                long offset = ((long) g * 9 + p * 131L + shift) % (RECORDS_PER_PARTITION - 10);
                offsets.put(new TopicPartition(topic, p), new OffsetAndMetadata(offset));
            }
            admin.alterConsumerGroupOffsets(groupPrefix + g, offsets).all().get(60, TimeUnit.SECONDS);
        }
    }

    /** The naive way: per group, its offsets, its partitions' end offsets and one seek-and-poll per partition. */
    private static long baseline(Admin admin, KafkaConnection kafka, String groupPrefix, int groups) throws Exception {
        Map<String, Object> props = kafka.clientConfig(Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1));
        long start = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (int g = 0; g < groups; g++) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupPrefix + g)
                        .partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS);
                admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(60, TimeUnit.SECONDS);
                for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : committed.entrySet()) {
                    consumer.assign(List.of(entry.getKey()));
                    consumer.seek(entry.getKey(), entry.getValue().offset());
                    List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (got.isEmpty() && System.nanoTime() < deadline) {
                        consumer.poll(Duration.ofMillis(100)).forEach(got::add);
                    }
                }
            }
        }
        return System.nanoTime() - start;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
