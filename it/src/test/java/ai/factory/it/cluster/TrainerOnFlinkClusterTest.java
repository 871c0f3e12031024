package ai.factory.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.cli.FactoryCli;
import ai.factory.cli.submit.FlinkRest;
import ai.factory.ingest.job.IngestOptions;
import ai.factory.kafka.KafkaConnection;
import ai.factory.records.FeatureVector;
import ai.factory.records.LabeledExample;
import ai.factory.records.ModelRelease;
import ai.factory.records.OffsetRange;
import ai.factory.serde.AvroSerde;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.Topics;
import ai.factory.trainer.bench.SyntheticData;
import ai.factory.trainer.job.ModelInput;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.release.ModelCatalog;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The online trainer's job jar on a real Flink session cluster (separate JobManager and TaskManager processes), submitted
 * by {@code factory submit}: labelled examples become model releases; cancelled, the job keeps its last checkpoint, and
 * resubmitted from it in the same TaskManager JVM (a new class loader, ONNX Runtime loaded again) it goes on where it
 * stopped: no example counted twice, none lost, and nothing of ONNX Runtime left in the temporary folder.
 */
@ExtendWith(KafkaExtension.class)
class TrainerOnFlinkClusterTest {

    private static final int FIRST = 600;
    private static final int SECOND = 400;
    private static final Duration REST = Duration.ofSeconds(10);

    @Test
    void releasesFromTheClusterAndARestoreFromTheRetainedCheckpointCountsEveryExampleOnce(TestKafka kafka) throws Exception {
        String prefix = TestKafka.uniquePrefix("cluster-trainer");
        Topics topics = new Topics(prefix);
        ModelInput flights = ModelInput.fromSpec(IngestOptions.DEFAULT_SPEC);
        String model = flights.target().name();
        Path home = Files.createTempDirectory("flink-cluster-trainer");
        try (FlinkSessionCluster cluster = FlinkSessionCluster.start(home, 1);
             SchemaRegistry registry = new KafkaSchemaRegistry(kafka.bootstrapServers(), topics.schemas());
             ModelCatalog catalog = new ModelCatalog(KafkaConnection.of(kafka.bootstrapServers()), topics.models(), registry)) {
            FlinkRest rest = new FlinkRest(cluster.restUrl());
            List<String> submit = List.of("submit", "--flink", cluster.restUrl(), "-b", kafka.bootstrapServers(),
                    "--prefix", prefix, "--only", "trainer", "--trainer-jar", jobJar().toString(), "--timeout", "90s",
                    "--trainer-arg=--batch-size=50", "--trainer-arg=--publish-every-examples=200",
                    "--trainer-arg=--publish-every=2s", "--trainer-arg=--holdout=50", "--trainer-arg=--checkpoint-interval=1s",
                    "--trainer-arg=--threads=1", "--trainer-arg=--restart-attempts=0");
            assertThat(FactoryCli.run(submit.toArray(String[]::new))).as("factory submit").isZero();
            String first = activeJob(rest, prefix + "online-trainer-" + model);

            SyntheticData data = new SyntheticData(flights.denseSize(), flights.sparseWidth(), 1 << 10, 0.5, 7);
            produce(kafka, topics, registry, flights, data, FIRST, 0);
            Awaitility.await("a release trained on every example").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> catalog.list(model).stream().anyMatch(r -> r.getExamplesTrained() == FIRST));

            // Cancelled, the job keeps its last checkpoint, which holds every example the visible releases counted.
            rest.cancel(first, REST);
            Awaitility.await("cancelled").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                    .until(() -> rest.state(first, REST).equals("CANCELED"));
            String retained = rest.latestCheckpoint(first, REST).orElseThrow();
            assertThat(Path.of(URI.create(retained).getPath())).as("retained checkpoint").isDirectory();
            long lastBefore = catalog.list(model).stream().mapToLong(ModelRelease::getVersion).max().orElseThrow();

            produce(kafka, topics, registry, flights, data, SECOND, FIRST);
            List<String> restore = new ArrayList<>(submit);
            restore.addAll(List.of("--restore-trainer", retained));
            assertThat(FactoryCli.run(restore.toArray(String[]::new))).as("factory submit --restore-trainer").isZero();
            String second = activeJob(rest, prefix + "online-trainer-" + model);
            assertThat(second).isNotEqualTo(first);
            Awaitility.await("a release trained on the examples of both runs").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> catalog.list(model).stream().anyMatch(r -> r.getExamplesTrained() == FIRST + SECOND));

            List<ModelRelease> releases = catalog.list(model);
            assertThat(releases).allSatisfy(r -> assertThat(r.getExamplesTrained()).isLessThanOrEqualTo(FIRST + SECOND));
            List<ModelRelease> after = releases.stream().filter(r -> r.getVersion() > lastBefore).toList();
            assertThat(after).isNotEmpty();
            assertThat(after.get(0).getParentVersion()).as("the restored job goes on from its last release").isEqualTo(lastBefore);
            assertThat(trained(after)).as("records the restored job trained on").isEqualTo(SECOND);
            assertThat(trained(releases)).as("records trained on, over both runs").isEqualTo(FIRST + SECOND);
            assertThat(releases.stream().collect(Collectors.groupingBy(ModelRelease::getVersion, Collectors.counting())).values())
                    .as("each version published once").containsOnly(1L);

            // ORT was loaded again in the same TaskManager, by the second job's class loader, and left nothing behind.
            assertThat(cluster.taskManagers()).hasSize(1).allMatch(Process::isAlive);
            try (Stream<Path> files = Files.list(home.resolve("tmp"))) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .noneMatch(n -> n.startsWith("factory-onnxruntime-") || n.startsWith("onnxruntime-java"));
            }
            rest.cancel(second, REST);
        }
    }

    /** Records the releases trained on, from the offset ranges they carry. */
    private static long trained(List<ModelRelease> releases) {
        return releases.stream().flatMap(r -> r.getTrainingData().stream())
                .mapToLong((OffsetRange o) -> o.getToOffset() - o.getFromOffset() + 1).sum();
    }

    static String activeJob(FlinkRest rest, String name) throws Exception {
        return rest.jobs(REST).stream().filter(j -> j.name().equals(name) && j.active()).map(FlinkRest.Job::id)
                .findFirst().orElseThrow(() -> new AssertionError("no active job " + name));
    }

    /** The trainer's job jar as the build copies it for {@code factory submit}. */
    static Path jobJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("..", "cli", "target", "jobs"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("factory-online-trainer-")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("trainer job jar not in cli/target/jobs; run mvn package first"));
        }
    }

    private static void produce(TestKafka kafka, Topics topics, SchemaRegistry registry, ModelInput input, SyntheticData data,
                                int n, int firstId) throws Exception {
        Batch batch = data.next(n).batch();
        Instant t0 = Instant.parse("2001-01-01T00:00:00Z");
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(), AvroSerde.of(LabeledExample.class, registry))) {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = "e-" + (firstId + i);
                List<Float> dense = new ArrayList<>();
                for (int j = 0; j < batch.denseSize(); j++) {
                    dense.add(batch.dense()[i * batch.denseSize() + j]);
                }
                List<Integer> sparse = new ArrayList<>();
                for (int j = 0; j < batch.sparseWidth(); j++) {
                    sparse.add((int) batch.sparse()[i * batch.sparseWidth() + j]);
                }
                Instant time = t0.plusSeconds(firstId + i);
                FeatureVector f = FeatureVector.newBuilder().setEventId(id).setEventTime(time).setEntity(null)
                        .setDense(dense).setSparse(sparse).setSparseBuckets(input.buckets()).setSpecName(input.specName())
                        .setSpecVersion(input.specVersion()).setLate(false).setPreparedAt(time).build();
                LabeledExample e = LabeledExample.newBuilder().setEventId(id).setFeatures(f).setLabel(batch.labels()[i])
                        .setLabelTime(time.plusSeconds(600)).setLabelSource("feedback").setServedScore(null)
                        .setModelName(null).setModelVersion(null).build();
                sent.add(producer.send(new ProducerRecord<>(topics.examples(), i % 2, id, e)));
            }
            producer.flush();
            for (Future<?> f : sent) {
                f.get();
            }
        }
    }
}
