package ai.factory.scoring.service;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ai.factory.records.ModelRelease;
import ai.factory.scoring.model.ModelSession;
import ai.factory.scoring.model.ReleaseLoader;
import ai.factory.scoring.model.ReleaseRejectedException;
import ai.factory.scoring.model.SeenShapes;
import ai.factory.scoring.model.ServingModels;
import ai.factory.scoring.release.RecordPosition;
import ai.factory.scoring.release.ReleaseBook;
import ai.factory.scoring.release.ReleaseKey;
import ai.factory.scoring.release.SpecKey;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.UndecodableRecordException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted models topic from its beginning and keeps {@link ServingModels} on the best release of
 * one model name per feature spec: the champion (and, with shadow scoring, the challenger). A new release is
 * loaded, validated and warmed up here, beside the session still serving, and then swapped in; a release that
 * fails validation is counted, logged and remembered, and the model before it keeps serving. The book holds the
 * graphs of the newest releases only; an older one that must serve again (after a deep rollback) is read back from
 * the topic by the {@link ReleaseReader}. A record whose key or value cannot be read is counted
 * ({@code factory.scoring.releases.rejected}, reason {@code unreadable_key} or {@code unreadable}), logged and skipped.
 */
public final class ModelsWatcher implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ModelsWatcher.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** How soon to try again when a release could not be read back from the topic in time. */
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final Consumer<String, byte[]> consumer;
    private final ReleaseReader reader;
    private final String topic;
    private final String modelName;
    private final boolean shadow;
    private final AvroCodec<ModelRelease> codec;
    private final ReleaseLoader loader;
    private final ServingModels models;
    private final SeenShapes shapes;
    private final ScoringMetrics metrics;
    private final ReleaseBook book = new ReleaseBook();
    private final Set<SpecKey> servedSpecs = new HashSet<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean stopping;
    /** Whether a release could not be read back in time, and when to reconcile again (System.nanoTime). */
    private boolean retry;
    private long retryAt;

    /**
     * @param consumer a consumer without a group; this watcher assigns it the models topic and owns it
     * @param reader   reads back releases whose graph the book dropped; this watcher owns it
     */
    public ModelsWatcher(Consumer<String, byte[]> consumer, ReleaseReader reader, String topic, String modelName,
                         boolean shadow, AvroCodec<ModelRelease> codec, ReleaseLoader loader, ServingModels models,
                         SeenShapes shapes, ScoringMetrics metrics) {
        this.consumer = consumer;
        this.reader = reader;
        this.topic = topic;
        this.modelName = modelName;
        this.shadow = shadow;
        this.codec = codec;
        this.loader = loader;
        this.models = models;
        this.shapes = shapes;
        this.metrics = metrics;
    }

    /** Waits until the releases present at start have been read and the champions among them loaded. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void stop() {
        stopping = true;
        consumer.wakeup();
        reader.wakeup();
    }

    @Override
    public void run() {
        try {
            Map<TopicPartition, Long> end = assign();
            boolean initial = true;
            while (!stopping) {
                boolean changed = false;
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    changed |= apply(record);
                }
                metrics.graphsHeld(book.graphsHeld(), book.graphBytes());
                if (initial && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    reconcile();
                    initial = false;
                    caughtUp.countDown();
                    log.info("Read the models topic {}: {}", topic, servingSummary());
                } else if (!initial && (changed || retryDue())) {
                    reconcile();
                }
            }
        } catch (WakeupException e) {
            if (!stopping) {
                throw e;
            }
        } finally {
            caughtUp.countDown();
            consumer.close();
            reader.close();
        }
    }

    /** Assigns every partition of the models topic from the beginning; returns their end offsets at start. */
    private Map<TopicPartition, Long> assign() {
        boolean reported = false;
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                return consumer.endOffsets(partitions);
            }
            if (!reported) {
                log.info("Models topic {} does not exist yet; waiting for it", topic);
                reported = true;
                caughtUp.countDown();
            }
            if (stopping) {
                throw new WakeupException();
            }
            consumer.poll(POLL);
        }
    }

    /** Records one release in the book; true when it concerns this scorer's model. */
    private boolean apply(ConsumerRecord<String, byte[]> record) {
        ReleaseKey key;
        try {
            key = ReleaseKey.parse(record.key());
        } catch (IllegalArgumentException e) {
            log.warn("Ignoring models record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            metrics.releaseRejected("UNREADABLE_KEY");
            return false;
        }
        if (!key.modelName().equals(modelName)) {
            return false;
        }
        if (record.value() == null) {
            book.apply(key, null, null);
            return true;
        }
        try {
            ModelRelease release = codec.decode(record);
            if (!release.getModelName().equals(key.modelName()) || release.getVersion() != key.version()) {
                log.warn("Ignoring models record {} whose value names {}/{}", key, release.getModelName(), release.getVersion());
                return false;
            }
            book.apply(key, release, new RecordPosition(new TopicPartition(record.topic(), record.partition()), record.offset()));
            return true;
        } catch (UndecodableRecordException e) {
            log.warn("Ignoring unreadable release {}: {}", key, e.getMessage());
            metrics.releaseRejected("UNREADABLE");
            return false;
        }
    }

    /** Brings the installed sessions in line with the book. */
    private void reconcile() {
        retry = false;
        Set<SpecKey> specs = book.specs(modelName);
        for (SpecKey spec : specs) {
            reconcile(spec, ServingModels.Role.CHAMPION, book.championsNewestFirst(modelName, spec));
            if (shadow) {
                reconcile(spec, ServingModels.Role.CHALLENGER, book.challenger(modelName, spec).map(List::of).orElse(List.of()));
            }
        }
        for (SpecKey gone : Set.copyOf(servedSpecs)) {
            if (!specs.contains(gone)) {
                models.remove(gone, ServingModels.Role.CHAMPION);
                models.remove(gone, ServingModels.Role.CHALLENGER);
                servedSpecs.remove(gone);
            }
        }
    }

    /**
     * Serves the first of {@code candidates} (best first) that validates; keeps the current one if it comes first.
     * The walk stops at the first servable release: usually the first, so this costs the book's O(log n) per spec.
     */
    private void reconcile(SpecKey spec, ServingModels.Role role, Iterable<ModelRelease> candidates) {
        Optional<ReleaseKey> current = models.installed(spec, role);
        for (ModelRelease listed : candidates) {
            ReleaseKey key = new ReleaseKey(listed.getModelName(), listed.getVersion());
            if (book.refused(key)) {
                continue;
            }
            if (current.isPresent() && current.get().equals(key)) {
                return;
            }
            Optional<ModelRelease> release = withGraph(key, listed);
            if (release.isEmpty()) {
                continue;
            }
            try {
                ModelSession session = loader.load(release.get(), shapes.of(spec));
                models.install(session, role);
                servedSpecs.add(spec);
                metrics.releaseLoaded();
                return;
            } catch (ReleaseRejectedException e) {
                book.refuse(key);
                metrics.releaseRejected(e.reason().name());
                log.warn("Rejected release {} as {}: {}; {} keeps serving", key, role, e.getMessage(),
                        current.map(ReleaseKey::toString).orElse("nothing"));
            } catch (RuntimeException e) {
                // Not a verdict on the release but still not servable: remember it so it is not retried in a loop.
                book.refuse(key);
                metrics.releaseRejected("ERROR");
                log.warn("Could not load release {} as {}: {}; {} keeps serving", key, role, e.toString(),
                        current.map(ReleaseKey::toString).orElse("nothing"));
            }
        }
        if (current.isPresent()) {
            models.remove(spec, role);
        }
    }

    /** {@code listed} with its graph: as the book holds it, or read back from the topic if the book dropped it. */
    private Optional<ModelRelease> withGraph(ReleaseKey key, ModelRelease listed) {
        Optional<RecordPosition> at = book.droppedGraph(key);
        if (at.isEmpty()) {
            return Optional.of(listed);
        }
        try {
            Optional<ModelRelease> release = reader.read(key, at.get());
            release.ifPresent(r -> {
                metrics.releaseReadBack();
                log.info("Read release {} back from the models topic at {}", key, at.get());
            });
            return release;
        } catch (TimeoutException e) {
            log.warn("{}; trying older releases, and this one again in {}", e.getMessage(), RETRY);
            retry = true;
            retryAt = System.nanoTime() + RETRY.toNanos();
            return Optional.empty();
        }
    }

    private boolean retryDue() {
        return retry && System.nanoTime() - retryAt >= 0;
    }

    private String servingSummary() {
        StringBuilder summary = new StringBuilder();
        for (SpecKey spec : book.specs(modelName)) {
            summary.append(spec).append(" -> ")
                    .append(models.installed(spec, ServingModels.Role.CHAMPION).map(ReleaseKey::toString).orElse("no champion"))
                    .append("; ");
        }
        if (summary.length() == 0) {
            return "no release of " + modelName + " yet";
        }
        return summary.append(book.graphBytes() >> 10).append(" KiB of ONNX graphs held").toString();
    }
}
