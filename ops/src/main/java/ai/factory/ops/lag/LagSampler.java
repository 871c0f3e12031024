package ai.factory.ops.lag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import ai.factory.kafka.KafkaConnection;
import ai.factory.ops.kafka.FoundRecord;
import ai.factory.ops.kafka.PositionReader;
import ai.factory.ops.kafka.ReadRequest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * Takes one sample of every consumer group: committed offsets, log start, log end and last stable offsets,
 * and the timestamps of the records at the committed positions and at the end.
 *
 * <p>Each step is one batched Admin call for all groups (list, offsets, describe) or all partitions (three
 * listOffsets), so the cost grows with partitions, not groups. Record timestamps come from a
 * {@link PositionReader} and are cached: a record at an offset never changes. Not thread-safe.
 */
public final class LagSampler implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int CACHE_ENTRIES = 200_000;

    private final Admin admin;
    private final PositionReader reader;
    private final Map<ReadRequest, FoundRecord> firstCache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ReadRequest, FoundRecord> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };
    private final Map<TopicPartition, long[]> newestRangeCache = new HashMap<>();
    private final Map<TopicPartition, FoundRecord> newestCache = new HashMap<>();

    /** A sampler on the cluster {@code connection} reaches. */
    public LagSampler(KafkaConnection connection) {
        this.admin = Admin.create(adminConfig(connection));
        // Lag needs timestamps only; records larger than 1 MiB are fetched whole nonetheless by the broker.
        this.reader = new PositionReader(connection, 1 << 20);
    }

    /** The admin client's settings: the connection's, then its client id. */
    public static Map<String, Object> adminConfig(KafkaConnection connection) {
        return connection.clientConfig(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "factory-ops-admin"));
    }

    /** One sample of every consumer group of the cluster. */
    public LagSample sample() {
        long start = System.nanoTime();
        long now = System.currentTimeMillis();
        List<String> groups = consumerGroups();
        Map<String, Map<TopicPartition, Long>> committed = new TreeMap<>();
        Map<String, String> groupErrors = new HashMap<>();
        fetchCommitted(groups, committed, groupErrors);
        Map<String, ConsumerGroupDescription> descriptions = describe(groups);

        Set<TopicPartition> partitions = new HashSet<>();
        committed.values().forEach(m -> partitions.addAll(m.keySet()));
        Map<TopicPartition, String> partitionErrors = new HashMap<>();
        Map<TopicPartition, Long> logStart = offsets(partitions, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED, partitionErrors);
        Map<TopicPartition, Long> logEnd = offsets(partitions, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED, partitionErrors);
        Map<TopicPartition, Long> stable = offsets(partitions, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED, partitionErrors);

        Map<String, Map<TopicPartition, Optional<FoundRecord>>> atCommitted = readAtCommitted(committed, stable);
        Map<TopicPartition, FoundRecord> newest = readNewest(committed, stable);

        List<GroupLag> result = new ArrayList<>();
        for (String group : groups) {
            ConsumerGroupDescription description = descriptions.get(group);
            String state = description == null ? "UNKNOWN" : String.valueOf(description.groupState());
            int members = description == null ? -1 : description.members().size();
            if (groupErrors.containsKey(group)) {
                result.add(new GroupLag(group, state, members, List.of(), groupErrors.get(group)));
                continue;
            }
            List<PartitionLag> rows = new ArrayList<>();
            Map<TopicPartition, Long> offsets = committed.getOrDefault(group, Map.of());
            Map<TopicPartition, Optional<FoundRecord>> pending = atCommitted.getOrDefault(group, Map.of());
            for (Map.Entry<TopicPartition, Long> entry : offsets.entrySet()) {
                rows.add(partitionLag(entry.getKey(), entry.getValue(), logStart, logEnd, stable, partitionErrors,
                        pending.get(entry.getKey()), newest.get(entry.getKey())));
            }
            rows.sort((a, b) -> a.topic().equals(b.topic()) ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
            result.add(new GroupLag(group, state, members, rows, null));
        }
        return new LagSample(now, result, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private static PartitionLag partitionLag(TopicPartition tp, long committed, Map<TopicPartition, Long> logStart,
                                             Map<TopicPartition, Long> logEnd, Map<TopicPartition, Long> stable,
                                             Map<TopicPartition, String> errors, Optional<FoundRecord> pending,
                                             FoundRecord newest) {
        if (errors.containsKey(tp) || !stable.containsKey(tp) || !logEnd.containsKey(tp) || !logStart.containsKey(tp)) {
            return new PartitionLag(tp.topic(), tp.partition(), committed, -1, -1, -1, 0, null, null, null,
                    errors.getOrDefault(tp, "offsets of the partition are unknown"));
        }
        long lso = stable.get(tp);
        long start = logStart.get(tp);
        long end = logEnd.get(tp);
        if (committed >= lso) {
            return new PartitionLag(tp.topic(), tp.partition(), committed, start, end, lso, 0, 0.0, null,
                    newest == null ? null : newest.timestampMs(), null);
        }
        if (pending == null) {
            // The record could not be read in time: fall back to counting offsets.
            return new PartitionLag(tp.topic(), tp.partition(), committed, start, end, lso, lso - committed, null, null,
                    newest == null ? null : newest.timestampMs(), null);
        }
        if (pending.isEmpty()) {
            // Only transaction markers or aborted records lie ahead: nothing to read.
            return new PartitionLag(tp.topic(), tp.partition(), committed, start, end, lso, 0, 0.0, null,
                    newest == null ? null : newest.timestampMs(), null);
        }
        FoundRecord first = pending.get();
        long lag = newest != null && newest.offset() >= first.offset() ? newest.offset() + 1 - first.offset() : lso - first.offset();
        Double seconds = newest == null ? null : Math.max(0, newest.timestampMs() - first.timestampMs()) / 1000.0;
        return new PartitionLag(tp.topic(), tp.partition(), committed, start, end, lso, lag, seconds,
                first.timestampMs(), newest == null ? null : newest.timestampMs(), null);
    }

    /** Groups that store consumer offsets: consumer-protocol groups, classic consumer groups and simple (assign-only) ones. */
    private List<String> consumerGroups() {
        Collection<GroupListing> listings = get(admin.listGroups().all(), "list consumer groups");
        List<String> groups = new ArrayList<>();
        for (GroupListing listing : listings) {
            GroupType type = listing.type().orElse(GroupType.UNKNOWN);
            boolean consumer = type == GroupType.CONSUMER
                    || (type == GroupType.CLASSIC || type == GroupType.UNKNOWN)
                    && (listing.protocol().isEmpty() || listing.protocol().equals("consumer"));
            if (consumer) {
                groups.add(listing.groupId());
            }
        }
        groups.sort(String::compareTo);
        return groups;
    }

    private void fetchCommitted(List<String> groups, Map<String, Map<TopicPartition, Long>> committed,
                                Map<String, String> errors) {
        if (groups.isEmpty()) {
            return;
        }
        Map<String, ListConsumerGroupOffsetsSpec> specs = new LinkedHashMap<>();
        groups.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
        ListConsumerGroupOffsetsResult result = admin.listConsumerGroupOffsets(specs);
        for (String group : groups) {
            try {
                Map<TopicPartition, OffsetAndMetadata> offsets = result.partitionsToOffsetAndMetadata(group)
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                Map<TopicPartition, Long> plain = new HashMap<>();
                offsets.forEach((tp, om) -> {
                    if (om != null) {
                        plain.put(tp, om.offset());
                    }
                });
                committed.put(group, plain);
            } catch (ExecutionException e) {
                errors.put(group, "cannot read committed offsets: " + e.getCause().getMessage());
            } catch (TimeoutException e) {
                errors.put(group, "timed out reading committed offsets");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while sampling", e);
            }
        }
    }

    private Map<String, ConsumerGroupDescription> describe(List<String> groups) {
        Map<String, ConsumerGroupDescription> out = new HashMap<>();
        if (groups.isEmpty()) {
            return out;
        }
        Map<String, KafkaFuture<ConsumerGroupDescription>> futures = admin.describeConsumerGroups(groups).describedGroups();
        futures.forEach((group, future) -> {
            try {
                out.put(group, future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException | TimeoutException e) {
                // Membership unknown: the group is judged as if a consumer ran, so it is never called stopped wrongly.
                out.remove(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while sampling", e);
            }
        });
        return out;
    }

    private Map<TopicPartition, Long> offsets(Set<TopicPartition> partitions, OffsetSpec spec, IsolationLevel isolation,
                                              Map<TopicPartition, String> errors) {
        Map<TopicPartition, Long> out = new HashMap<>();
        if (partitions.isEmpty()) {
            return out;
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        ListOffsetsResult result = admin.listOffsets(request, new ListOffsetsOptions(isolation));
        for (TopicPartition tp : partitions) {
            try {
                out.put(tp, result.partitionResult(tp).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).offset());
            } catch (ExecutionException e) {
                errors.put(tp, "cannot read offsets of " + tp + ": " + e.getCause().getMessage());
            } catch (TimeoutException e) {
                errors.put(tp, "timed out reading offsets of " + tp);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while sampling", e);
            }
        }
        return out;
    }

    /** The first data record at each group's committed position, from the cache or one batched read. */
    private Map<String, Map<TopicPartition, Optional<FoundRecord>>> readAtCommitted(
            Map<String, Map<TopicPartition, Long>> committed, Map<TopicPartition, Long> stable) {
        Map<ReadRequest, Optional<FoundRecord>> answers = new HashMap<>();
        Set<ReadRequest> toRead = new HashSet<>();
        committed.values().forEach(offsets -> offsets.forEach((tp, offset) -> {
            Long lso = stable.get(tp);
            if (lso != null && offset < lso) {
                ReadRequest request = new ReadRequest(tp, offset, lso);
                FoundRecord cached = firstCache.get(new ReadRequest(tp, offset, 0));
                if (cached != null && cached.offset() < lso) {
                    answers.put(request, Optional.of(cached));
                } else {
                    toRead.add(request);
                }
            }
        }));
        if (!toRead.isEmpty()) {
            reader.read(toRead, TIMEOUT).forEach((request, answer) -> {
                answers.put(request, answer.map(FoundRecord::withoutValue));
                // A found record stays the answer for its offset whatever the bound becomes later.
                answer.ifPresent(r -> firstCache.put(new ReadRequest(request.partition(), request.offset(), 0), r.withoutValue()));
            });
        }
        Map<String, Map<TopicPartition, Optional<FoundRecord>>> out = new HashMap<>();
        committed.forEach((group, offsets) -> offsets.forEach((tp, offset) -> {
            Long lso = stable.get(tp);
            if (lso != null) {
                Optional<FoundRecord> answer = answers.get(new ReadRequest(tp, offset, lso));
                if (answer != null) {
                    out.computeIfAbsent(group, g -> new HashMap<>()).put(tp, answer);
                }
            }
        }));
        return out;
    }

    /** The newest data record of each partition that some group lags on, from the cache or one batched read. */
    private Map<TopicPartition, FoundRecord> readNewest(Map<String, Map<TopicPartition, Long>> committed,
                                                       Map<TopicPartition, Long> stable) {
        Map<TopicPartition, long[]> ranges = new HashMap<>();
        committed.values().forEach(offsets -> offsets.forEach((tp, offset) -> {
            Long lso = stable.get(tp);
            if (lso != null && offset < lso) {
                ranges.merge(tp, new long[] {offset, lso}, (a, b) -> new long[] {Math.min(a[0], b[0]), a[1]});
            }
        }));
        Map<TopicPartition, FoundRecord> out = new HashMap<>();
        Map<TopicPartition, long[]> toRead = new HashMap<>();
        ranges.forEach((tp, range) -> {
            long[] cachedRange = newestRangeCache.get(tp);
            FoundRecord cached = newestCache.get(tp);
            if (cached != null && cachedRange[1] == range[1] && cached.offset() >= range[0]) {
                out.put(tp, cached);
            } else {
                toRead.put(tp, range);
            }
        });
        if (!toRead.isEmpty()) {
            reader.newest(toRead, TIMEOUT).forEach((tp, record) -> {
                FoundRecord slim = record.withoutValue();
                out.put(tp, slim);
                newestCache.put(tp, slim);
                newestRangeCache.put(tp, toRead.get(tp));
            });
        }
        return out;
    }

    /** Records on each existing topic of {@code topics} (sum of its partitions' end offsets); missing topics are left out. */
    public Map<String, Long> topicEnds(Collection<String> topics) {
        Set<String> existing = new HashSet<>(get(admin.listTopics().names(), "list topics"));
        List<String> present = topics.stream().filter(existing::contains).toList();
        Map<String, Long> out = new TreeMap<>();
        if (present.isEmpty()) {
            return out;
        }
        Set<TopicPartition> partitions = new HashSet<>();
        get(admin.describeTopics(present).allTopicNames(), "describe topics").forEach((name, description) ->
                description.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
        Map<TopicPartition, String> errors = new HashMap<>();
        offsets(partitions, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED, errors)
                .forEach((tp, end) -> out.merge(tp.topic(), end, Long::sum));
        return out;
    }

    private static <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("timed out: " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted: " + what, e);
        }
    }

    @Override
    public void close() {
        reader.close();
        admin.close(Duration.ofSeconds(5));
    }
}
