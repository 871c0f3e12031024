package ai.factory.trainer.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.ModelRelease;
import ai.factory.records.PairedQuality;
import ai.factory.records.ReleaseActor;
import ai.factory.records.ReleaseStatus;
import ai.factory.serde.AvroSerde;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.Topics;
import ai.factory.trainer.bench.SyntheticData;
import ai.factory.trainer.governance.Governance;
import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.OnnxWeights;
import ai.factory.trainer.release.ModelCatalog;
import ai.factory.trainer.release.PromotionGate;
import ai.factory.trainer.release.ReleaseFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running trainer's governance on the embedded broker and a Flink MiniCluster, with real releases: it follows an
 * operator's rollback, promotes and rejects candidates on paired online evidence, and rolls back a bad champion.
 */
@ExtendWith(KafkaExtension.class)
class TrainerGovernanceTest {

    private static final ModelConfig MODEL = ModelConfig.logistic(4, 3, 64).withLearningRate(0.2);
    private static final Duration WITHIN = Duration.ofSeconds(90);

    @TempDir
    Path checkpoints;

    @Test
    void anOperatorsRollbackHoldsAcrossTheTrainersNextReleases(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("governance-operator"));
        TrainerOptions options = TrainerTestOptions.of(kafka, topics, "operated", MODEL, checkpoints)
                .withGovernance(Governance.defaults().withPromotion(Governance.Promotion.HOLDOUT).withAutoRollback(false));
        SyntheticData data = new SyntheticData(4, 3, 64, 0.5, 21);
        try (SchemaRegistry registry = options.registry().open();
             ModelCatalog catalog = new ModelCatalog(KafkaConnection.of(kafka.bootstrapServers()), topics.models(), registry);
             TrainerJob.Running job = TrainerJob.start(options)) {
            ExampleTopic.produce(kafka.bootstrapServers(), topics.examples(), registry, data, 900, 2, 0);
            awaitIdleWith(catalog, options, 900);
            Awaitility.await("a trained champion").atMost(WITHIN)
                    .until(() -> catalog.champion(options.modelName()).map(ModelRelease::getVersion).orElse(0L) >= 2);
            long rolledBack = catalog.champion(options.modelName()).orElseThrow().getVersion();
            long restored = catalog.rollback(options.modelName()).orElseThrow().getVersion();
            long before = catalog.latestVersion(options.modelName());

            ExampleTopic.produce(kafka.bootstrapServers(), topics.examples(), registry, data, 900, 2, 900);
            Awaitility.await("two releases after the rollback").atMost(WITHIN).pollInterval(Duration.ofMillis(500))
                    .until(() -> catalog.latestVersion(options.modelName()) >= before + 2);

            List<ModelRelease> releases = catalog.releases(options.modelName());
            ModelRelease first = releases.stream().filter(r -> r.getVersion() == before + 1).findFirst().orElseThrow();
            assertThat(first.getParentVersion()).as("the trainer continued from the restored champion").isEqualTo(restored);
            assertThat(first.getProvenance().get("followed_ledger")).contains("continued from v" + restored).contains("operator");
            Map<Long, Long> parents = new HashMap<>();
            releases.forEach(r -> parents.put(r.getVersion(), r.getParentVersion()));
            for (ModelRelease r : releases) {
                if (r.getVersion() > before) {
                    assertThat(ancestors(parents, r.getVersion())).as("v%d's line", r.getVersion()).doesNotContain(rolledBack);
                }
            }
            ModelRelease undone = catalog.find(options.modelName(), rolledBack);
            assertThat(undone.getStatus()).isEqualTo(ReleaseStatus.ROLLED_BACK);
            assertThat(undone.getStatusBy()).isEqualTo(ReleaseActor.OPERATOR);
            assertThat(catalog.champion(options.modelName()).orElseThrow().getVersion()).isNotEqualTo(rolledBack);
        }
    }

    @Test
    void pairedOnlineEvidencePromotesOneCandidateAndRejectsAnother(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("governance-online"));
        TrainerOptions options = TrainerTestOptions.of(kafka, topics, "judged", MODEL, checkpoints)
                .withGovernance(Governance.defaults().withTest(0.05, 100).withAutoRollback(false));
        try (SchemaRegistry registry = options.registry().open();
             ModelCatalog catalog = new ModelCatalog(KafkaConnection.of(kafka.bootstrapServers()), topics.models(), registry);
             TrainerJob.Running job = TrainerJob.start(options)) {
            ExampleTopic.produce(kafka.bootstrapServers(), topics.examples(), registry, new SyntheticData(4, 3, 64, 0.5, 22), 900, 2, 0);
            awaitIdleWith(catalog, options, 900);
            List<ModelRelease> candidates = catalog.releases(options.modelName()).stream()
                    .filter(r -> r.getStatus() == ReleaseStatus.CANDIDATE).toList();
            assertThat(candidates).as("the hold-out gate only filters: trained releases wait for online evidence").hasSizeGreaterThanOrEqualTo(2);
            assertThat(catalog.champion(options.modelName()).orElseThrow().getVersion()).isEqualTo(1L);
            long worse = candidates.get(candidates.size() - 2).getVersion();
            long better = candidates.get(candidates.size() - 1).getVersion();

            try (KafkaProducer<String, PairedQuality> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    new StringSerializer(), AvroSerde.of(PairedQuality.class, registry))) {
                // What the feedback app writes once shadow and served predictions of the same events met their labels.
                producer.send(new ProducerRecord<>(topics.qualityPaired(), "judged/" + worse + "/1", paired(worse, 1, 0.03))).get();
                Awaitility.await("the online rejection").atMost(WITHIN).pollInterval(Duration.ofMillis(500))
                        .until(() -> catalog.find(options.modelName(), worse).getStatus() == ReleaseStatus.REJECTED);
                // The line's evidence is pooled: 1,000 events at +0.03 and 1,000 at -0.05 still make it better.
                producer.send(new ProducerRecord<>(topics.qualityPaired(), "judged/" + better + "/1", paired(better, 1, -0.05))).get();
            }
            Awaitility.await("the online promotion").atMost(WITHIN).pollInterval(Duration.ofMillis(500))
                    .until(() -> catalog.find(options.modelName(), better).getStatus() == ReleaseStatus.CHAMPION);
            ModelRelease promoted = catalog.find(options.modelName(), better);
            assertThat(promoted.getStatusBy()).isEqualTo(ReleaseActor.AUTOMATIC);
            assertThat(promoted.getStatusReason()).startsWith("online: better than the champion").contains("2,000 events");
            assertThat(catalog.find(options.modelName(), worse).getStatusReason()).startsWith("online: worse than the champion");
            assertThat(catalog.champion(options.modelName()).orElseThrow().getVersion()).isEqualTo(better);
        }
    }

    /** The stated bound: a champion far worse than the one it replaced is rolled back within 400 examples. */
    @Test
    void aChampionWorseThanTheOneItReplacedIsRolledBackAutomatically(TestKafka kafka) throws Exception {
        Topics topics = new Topics(TestKafka.uniquePrefix("governance-rollback"));
        TrainerOptions options = TrainerTestOptions.of(kafka, topics, "guarded", MODEL, checkpoints)
                .withGovernance(Governance.defaults().withTest(0.05, 100).withRollback(0.1, 100));
        SyntheticData data = new SyntheticData(4, 3, 64, 0.5, 23);
        try (SchemaRegistry registry = options.registry().open();
             ModelCatalog catalog = new ModelCatalog(KafkaConnection.of(kafka.bootstrapServers()), topics.models(), registry);
             TrainerJob.Running job = TrainerJob.start(options)) {
            ExampleTopic.produce(kafka.bootstrapServers(), topics.examples(), registry, data, 900, 2, 0);
            awaitIdleWith(catalog, options, 900);
            long good = catalog.champion(options.modelName()).orElseThrow().getVersion();
            // A model that learnt the opposite of the data, promoted by an operator.
            ModelRelease trained = catalog.find(options.modelName(), catalog.latestVersion(options.modelName()));
            long badVersion = catalog.latestVersion(options.modelName()) + 1;
            catalog.add(ReleaseFactory.build(options.modelName(), ExampleTopic.SPEC, 1, MODEL,
                    negated(OnnxWeights.read(trained.getOnnx().array()).params()),
                    new ReleaseFactory.Lineage(badVersion, null, 0, 0, topics.examples(), Map.of()),
                    new PromotionGate.Decision(ReleaseStatus.CANDIDATE, "a model that learnt the opposite"), Map.of(), Map.of()));
            catalog.promote(options.modelName(), badVersion, "an operator's mistake");

            ExampleTopic.produce(kafka.bootstrapServers(), topics.examples(), registry, data, 1500, 2, 900);
            Awaitility.await("the automatic rollback").atMost(WITHIN).pollInterval(Duration.ofMillis(500))
                    .until(() -> catalog.find(options.modelName(), badVersion).getStatus() == ReleaseStatus.ROLLED_BACK);
            ModelRelease bad = catalog.find(options.modelName(), badVersion);
            assertThat(bad.getStatusBy()).isEqualTo(ReleaseActor.AUTOMATIC);
            assertThat(bad.getStatusReason()).startsWith("automatic: v" + badVersion + " worse than v" + good);
            Matcher watched = Pattern.compile("([\\d,]+) examples into its watch").matcher(bad.getStatusReason());
            assertThat(watched.find()).isTrue();
            assertThat(Long.parseLong(watched.group(1).replace(",", ""))).isLessThanOrEqualTo(400L);
            assertThat(catalog.champion(options.modelName()).orElseThrow().getVersion()).isEqualTo(good);
        }
    }

    private static PairedQuality paired(long challenger, long champion, double meanDifference) {
        return PairedQuality.newBuilder().setModelName("judged").setChallengerVersion(challenger).setChampionVersion(champion)
                .setLoss("log_loss").setCount(1_000).setChampionLoss(0.6).setChallengerLoss(0.6 + meanDifference)
                .setMeanLossDifference(meanDifference).setLossDifferenceVariance(0.01).setLastEventTime(Instant.now()).build();
    }

    /** Waits until a release of every example produced is out: the trainer has nothing left to publish. */
    private static void awaitIdleWith(ModelCatalog catalog, TrainerOptions options, long examples) {
        Awaitility.await("a release of all " + examples + " examples").atMost(WITHIN).pollInterval(Duration.ofMillis(500))
                .until(() -> catalog.releases(options.modelName()).stream().anyMatch(r -> r.getExamplesTrained() == examples));
    }

    private static List<Long> ancestors(Map<Long, Long> parents, long version) {
        List<Long> line = new java.util.ArrayList<>();
        for (Long v = parents.get(version); v != null && line.size() < 1_000; v = parents.get(v)) {
            line.add(v);
        }
        return line;
    }

    private static Map<String, FloatTensor> negated(Map<String, FloatTensor> params) {
        Map<String, FloatTensor> out = new HashMap<>();
        params.forEach((name, t) -> {
            float[] data = t.data().clone();
            for (int i = 0; i < data.length; i++) {
                data[i] = -data[i];
            }
            out.put(name, new FloatTensor(t.shape(), data));
        });
        return out;
    }
}
