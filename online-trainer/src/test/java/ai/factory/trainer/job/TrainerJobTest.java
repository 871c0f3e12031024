package ai.factory.trainer.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.flink.RestartPolicy;
import ai.factory.flink.Snapshots;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.ModelRelease;
import ai.factory.records.OffsetRange;
import ai.factory.records.Rejected;
import ai.factory.records.ReleaseStatus;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.RecordSource;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.Topics;
import ai.factory.trainer.bench.SyntheticData;
import ai.factory.trainer.governance.Governance;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.OnnxWeights;
import ai.factory.trainer.release.ModelCatalog;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The trainer job on a local Flink MiniCluster against the embedded Kafka broker. */
@ExtendWith(KafkaExtension.class)
class TrainerJobTest {

    private static final ModelConfig MODEL = ModelConfig.logistic(4, 3, 64).withLearningRate(0.2);

    @TempDir
    Path checkpoints;

    /** Throws once, on the first example it sees after the test arms it. */
    static final class FailWhenArmed extends RichMapFunction<TrainingExample, TrainingExample> implements CheckpointListener {
        static final AtomicBoolean ARMED = new AtomicBoolean();
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicInteger CHECKPOINTS = new AtomicInteger();

        @Override
        public TrainingExample map(TrainingExample e) {
            if (ARMED.get() && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after a completed checkpoint");
            }
            return e;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTS.incrementAndGet();
        }
    }

    @ParameterizedTest(name = "{0} mini-batch(es) per ONNX Runtime run")
    @ValueSource(ints = {1, 2})
    void aRestartFromACheckpointTrainsEveryExampleExactlyOnce(int stepsPerRun, TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("trainer-eo"));
        TrainerOptions options = options(kafka, topics, "delay", MODEL).withStepsPerRun(stepsPerRun).withInitialRelease(false);
        try (SchemaRegistry registry = options.registry().open();
             ModelCatalog catalog = new ModelCatalog(KafkaConnection.of(kafka.bootstrapServers()), topics.models(), registry)) {
            // Three bad records first in partition 0: they go to the dead-letter topic, never into training.
            ExampleTopic.produceRaw(kafka.bootstrapServers(), topics.examples(), 0, "bad-1", "not avro".getBytes());
            SyntheticData data = new SyntheticData(4, 3, 64, 0.5, 99);
            var wrongSpec = ExampleTopic.example("bad-2", data.next(1).batch(), 0, "other-spec", 0);
            var outOfRange = ExampleTopic.example("bad-3", data.next(1).batch(), 0, ExampleTopic.SPEC, 0);
            outOfRange.getFeatures().getSparse().set(0, 64);
            var codec = AvroCodec.of(ai.factory.records.LabeledExample.class, registry);
            ExampleTopic.produceRaw(kafka.bootstrapServers(), topics.examples(), 0, "bad-2", codec.encode(wrongSpec));
            ExampleTopic.produceRaw(kafka.bootstrapServers(), topics.examples(), 0, "bad-3", codec.encode(outOfRange));

            Map<Integer, Integer> valid = new HashMap<>(ExampleTopic.produce(kafka.bootstrapServers(), topics.examples(),
                    registry, data, 630, 2, 0));
            FailWhenArmed.ARMED.set(false);
            FailWhenArmed.FAILED.set(false);
            JobClient job = startJob(options, true);
            try {
                // A committed release means a checkpoint completed after training started.
                Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> !catalog.list(options.modelName()).isEmpty());
                FailWhenArmed.ARMED.set(true);
                ExampleTopic.produce(kafka.bootstrapServers(), topics.examples(), registry, data, 570, 2, 630)
                        .forEach((p, n) -> valid.merge(p, n, Integer::sum));
                Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> catalog.list(options.modelName()).stream().anyMatch(r -> r.getExamplesTrained() == 1200));
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
            assertThat(FailWhenArmed.FAILED).as("the failure was injected").isTrue();

            // Each version was published exactly once (the aborted transaction's records are invisible) ...
            var raw = ExampleTopic.readCommitted(kafka.bootstrapServers(), topics.models());
            Map<String, Long> perKey = raw.stream().collect(Collectors.groupingBy(r -> r.key(), Collectors.counting()));
            assertThat(perKey.values()).containsOnly(1L);
            List<ModelRelease> releases = catalog.list(options.modelName());
            for (int i = 0; i < releases.size(); i++) {
                ModelRelease r = releases.get(i);
                assertThat(r.getVersion()).isEqualTo(i + 1L);
                assertThat(r.getParentVersion()).isEqualTo(i == 0 ? null : (long) i);
                assertThat(OnnxWeights.read(r.getOnnx().array()).params().values()).allMatch(t -> t.isFinite());
            }
            assertThat(releases.get(0).getStatus()).isEqualTo(ReleaseStatus.CHAMPION);
            assertThat(releases.get(0).getMetrics()).containsKeys("training_loss", "holdout_logloss");
            assertThat(releases).allSatisfy(r -> assertThat(r.getProvenance()).containsEntry("steps_per_run", String.valueOf(stepsPerRun)));
            ModelRelease last = releases.get(releases.size() - 1);
            assertThat(last.getExamplesTrained()).isEqualTo(1200L);

            // ... and the offset ranges of all releases tile each partition without gap or overlap.
            Map<Integer, List<OffsetRange>> byPartition = releases.stream().flatMap(r -> r.getTrainingData().stream())
                    .collect(Collectors.groupingBy(OffsetRange::getPartition));
            assertThat(byPartition).containsOnlyKeys(0, 1);
            for (var e : byPartition.entrySet()) {
                List<OffsetRange> ranges = new ArrayList<>(e.getValue());
                ranges.sort(Comparator.comparingLong(OffsetRange::getFromOffset));
                long covered = 0;
                for (int i = 0; i < ranges.size(); i++) {
                    if (i > 0) {
                        assertThat(ranges.get(i).getFromOffset()).isEqualTo(ranges.get(i - 1).getToOffset() + 1);
                    }
                    covered += ranges.get(i).getToOffset() - ranges.get(i).getFromOffset() + 1;
                }
                long firstValid = e.getKey() == 0 ? 3 : 0;
                assertThat(ranges.get(0).getFromOffset()).isEqualTo(firstValid);
                assertThat(covered).as("partition %d trained once each", e.getKey()).isEqualTo((long) valid.get(e.getKey()));
            }
            double sinceParent = releases.stream().mapToDouble(r -> r.getMetrics().get("examples_since_parent")).sum();
            assertThat(sinceParent).isEqualTo(1200.0);
            // Each release states the event-time span of what it trained on: example e-i is dated T0 + i s, and went to
            // partition i % 2 (after three bad records on partition 0), so a range's first offset names its example.
            for (ModelRelease r : releases) {
                if (r.getTrainingData().isEmpty()) {
                    assertThat(r.getTrainedFromEventTime()).as("v%d trained nothing", r.getVersion()).isNull();
                    continue;
                }
                long firstId = r.getTrainingData().stream().mapToLong(o -> exampleId(o.getPartition(), o.getFromOffset())).min()
                        .orElseThrow();
                long lastId = r.getTrainingData().stream().mapToLong(o -> exampleId(o.getPartition(), o.getToOffset())).max()
                        .orElseThrow();
                assertThat(r.getTrainedFromEventTime()).as("v%d from", r.getVersion()).isEqualTo(ExampleTopic.T0.plusSeconds(firstId));
                // Through is the newest of everything trained, including the ancestors' (partitions are read apart).
                assertThat(r.getTrainedThroughEventTime()).as("v%d through", r.getVersion())
                        .isAfterOrEqualTo(ExampleTopic.T0.plusSeconds(lastId));
            }

            AvroCodec<Rejected> rejected = AvroCodec.of(Rejected.class, registry);
            List<String> codes = ExampleTopic.readCommitted(kafka.bootstrapServers(), topics.eventsDlq()).stream()
                    .map(r -> rejected.decode(new RecordSource(r.topic(), r.partition(), r.offset()), r.value()).getReasonCode())
                    .toList();
            assertThat(codes).containsExactlyInAnyOrder("UNDECODABLE", "SPEC_MISMATCH", "OUT_OF_RANGE");
        }
    }

    @Test
    void aNanProducingLearningRateLeadsToRejectedReleasesNotAChampion(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("trainer-nan"));
        TrainerOptions options = options(kafka, topics, "diverging", MODEL.withLearningRate(Double.NaN)).withInitialRelease(false);
        try (SchemaRegistry registry = options.registry().open();
             ModelCatalog catalog = new ModelCatalog(KafkaConnection.of(kafka.bootstrapServers()), topics.models(), registry)) {
            ExampleTopic.produce(kafka.bootstrapServers(), topics.examples(), registry, new SyntheticData(4, 3, 64, 0.5, 5), 400, 2, 0);
            runUntilReleases(options, catalog, 2);
            List<ModelRelease> releases = catalog.list(options.modelName());
            assertThat(releases).allSatisfy(r -> {
                assertThat(r.getStatus()).isEqualTo(ReleaseStatus.REJECTED);
                assertThat(r.getStatusReason()).contains("non-finite weights");
            });
            assertThat(catalog.champion(options.modelName())).isEmpty();
        }
    }

    @Test
    void withoutAChampionTheInitialWeightsServeUntilATrainedReleaseBeatsThem(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("trainer-initial"));
        TrainerOptions options = options(kafka, topics, "cold", MODEL);
        try (SchemaRegistry registry = options.registry().open();
             ModelCatalog catalog = new ModelCatalog(KafkaConnection.of(kafka.bootstrapServers()), topics.models(), registry)) {
            StartingPoint start = TrainerJob.startingPoint(options);
            ModelRelease initial = catalog.champion(options.modelName()).orElseThrow();
            assertThat(initial.getVersion()).isEqualTo(1L);
            assertThat(initial.getExamplesTrained()).isZero();
            assertThat(initial.getTrainingData()).isEmpty();
            assertThat(initial.getStatusReason()).contains("initial weights");
            assertThat(start.parentVersion()).isEqualTo(1L);
            assertThat(start.championVersion()).isEqualTo(1L);
            assertThat(start.nextVersion()).isEqualTo(2L);
            // A second start finds the champion and publishes nothing.
            assertThat(TrainerJob.startingPoint(options).nextVersion()).isEqualTo(2L);
            assertThat(catalog.list(options.modelName())).hasSize(1);

            ExampleTopic.produce(kafka.bootstrapServers(), topics.examples(), registry, new SyntheticData(4, 3, 64, 0.5, 7), 600, 2, 0);
            runUntilReleases(options, catalog, 2);
            ModelRelease trained = catalog.find(options.modelName(), 2);
            assertThat(trained.getParentVersion()).isEqualTo(1L);
            assertThat(trained.getMetrics()).containsEntry("champion_version", 1.0);
            assertThat(trained.getMetrics().get("holdout_logloss")).isLessThan(trained.getMetrics().get("champion_holdout_loss"));
            assertThat(trained.getStatus()).isEqualTo(ReleaseStatus.CHAMPION);
        }
    }

    @Test
    void aQuietStreamTrainsTheExamplesShortOfAMiniBatchAndReleasesThem(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("trainer-quiet"));
        TrainerOptions options = options(kafka, topics, "quiet", MODEL).withInitialRelease(false);
        try (SchemaRegistry registry = options.registry().open();
             ModelCatalog catalog = new ModelCatalog(KafkaConnection.of(kafka.bootstrapServers()), topics.models(), registry)) {
            // 130 examples in mini-batches of 50: two full ones and 30 that no later example completes.
            ExampleTopic.produce(kafka.bootstrapServers(), topics.examples(), registry, new SyntheticData(4, 3, 64, 0.5, 13), 130, 2, 0);
            JobClient job = startJob(options, false);
            try {
                Awaitility.await("a release of all 130 examples").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> catalog.list(options.modelName()).stream().anyMatch(r -> r.getExamplesTrained() == 130));
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void restoreFromLatestContinuesTheTrainedExampleCountAndOffsetsOfTheRetainedCheckpoint(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("trainer-latest"));
        // Fresh weights and no initial release: a run that did not restore would count its examples from 0 again.
        TrainerOptions options = options(kafka, topics, "resume", MODEL).withInitialRelease(false)
                .withWarmStart(TrainerOptions.WarmStart.NONE, 0).withRestarts(RestartPolicy.none())
                .withRestoreFrom(Snapshots.LATEST);
        try (SchemaRegistry registry = options.registry().open();
             ModelCatalog catalog = new ModelCatalog(KafkaConnection.of(kafka.bootstrapServers()), topics.models(), registry)) {
            SyntheticData data = new SyntheticData(4, 3, 64, 0.5, 11);
            Map<Integer, Integer> valid = new HashMap<>(ExampleTopic.produce(kafka.bootstrapServers(), topics.examples(),
                    registry, data, 600, 2, 0));
            try (TrainerJob.Running first = TrainerJob.start(options)) {
                Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> catalog.list(options.modelName()).stream().anyMatch(r -> r.getExamplesTrained() == 600));
            }
            assertThat(Snapshots.newest(checkpoints.toString())).as("a checkpoint retained on cancellation").isPresent();

            ExampleTopic.produce(kafka.bootstrapServers(), topics.examples(), registry, data, 400, 2, 600)
                    .forEach((p, n) -> valid.merge(p, n, Integer::sum));
            try (TrainerJob.Running second = TrainerJob.start(options)) {
                Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> catalog.list(options.modelName()).stream().anyMatch(r -> r.getExamplesTrained() == 1000));
            }
            List<ModelRelease> releases = catalog.list(options.modelName());
            for (int i = 0; i < releases.size(); i++) {
                assertThat(releases.get(i).getVersion()).isEqualTo(i + 1L);
            }
            assertThat(releases.get(releases.size() - 1).getExamplesTrained()).isEqualTo(1000L);
            // The offset ranges of both runs' releases tile each partition: none trained twice, none skipped.
            Map<Integer, List<OffsetRange>> byPartition = releases.stream().flatMap(r -> r.getTrainingData().stream())
                    .collect(Collectors.groupingBy(OffsetRange::getPartition));
            for (var e : byPartition.entrySet()) {
                List<OffsetRange> ranges = new ArrayList<>(e.getValue());
                ranges.sort(Comparator.comparingLong(OffsetRange::getFromOffset));
                assertThat(ranges.get(0).getFromOffset()).isZero();
                for (int i = 1; i < ranges.size(); i++) {
                    assertThat(ranges.get(i).getFromOffset()).isEqualTo(ranges.get(i - 1).getToOffset() + 1);
                }
                assertThat(ranges.get(ranges.size() - 1).getToOffset() + 1).isEqualTo((long) valid.get(e.getKey()));
            }
        }
    }

    /** The hold-out path: these tests are about training, releases and recovery, not online governance. */
    private TrainerOptions options(TestKafka kafka, Topics topics, String model, ModelConfig config) {
        return TrainerTestOptions.of(kafka, topics, model, config, checkpoints)
                .withGovernance(Governance.defaults().withPromotion(Governance.Promotion.HOLDOUT).withAutoRollback(false));
    }

    /** Runs the job without injected failures until the models topic holds {@code count} releases of its model. */
    private static void runUntilReleases(TrainerOptions options, ModelCatalog catalog, int count) throws Exception {
        JobClient job = startJob(options, false);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> catalog.list(options.modelName()).size() >= count);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private static JobClient startJob(TrainerOptions options, boolean injectFailure) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, TrainerJob.flinkConfiguration(options));
        TrainerJob.configureCheckpoints(env, options);
        TrainerJob.build(env, options, TrainerJob.startingPoint(options), stream -> injectFailure
                ? stream.map(new FailWhenArmed()).returns(TypeInformation.of(TrainingExample.class)).name("fail once")
                : stream);
        return env.executeAsync("trainer-test-" + options.modelName());
    }

    /** The id number of the valid example at {@code offset} of {@code partition} in the exactly-once test. */
    private static long exampleId(int partition, long offset) {
        return partition == 0 ? 2 * (offset - 3) : 2 * offset + 1;
    }
}
