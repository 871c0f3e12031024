package ai.factory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.kafka.KafkaConnection;
import ai.factory.ops.models.ModelBook;
import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseActor;
import ai.factory.records.ReleaseStatus;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.Topics;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelGraphs;
import ai.factory.trainer.model.TrainingState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code factory models} over a models topic holding an undecodable record between two releases. */
@ExtendWith(KafkaExtension.class)
class ModelsCommandTest {

    private static final ModelConfig CONFIG = ModelConfig.deep(2, 2, 16).withArchitecture(2, List.of(4));

    @TempDir
    Path dir;

    @Test
    void listPromoteAndRollbackSkipAnUndecodableRecord(TestKafka kafka) throws Exception {
        String prefix = TestKafka.uniquePrefix("cli-models");
        String bootstrap = kafka.bootstrapServers();
        assertThat(TopicsCommandTest.run("topics", "create", "-b", bootstrap, "--prefix", prefix, "--partitions", "1")
                .exitCode()).isZero();
        Path first = dir.resolve("first.onnx");
        Path second = dir.resolve("second.onnx");
        Files.write(first, ModelGraphs.inference(CONFIG, TrainingState.initial(CONFIG).params(), Map.of()).toByteArray());
        Files.write(second, ModelGraphs.inference(CONFIG, TrainingState.initial(CONFIG.withSeed(7)).params(), Map.of())
                .toByteArray());

        assertThat(TopicsCommandTest.models(bootstrap, prefix, "import", "m", first.toString(), "--spec", "flights").exitCode()).isZero();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(new Topics(prefix).models(), "m/7", "not avro".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        }
        TopicsCommandTest.Result imported = TopicsCommandTest.models(bootstrap, prefix, "import", "m", second.toString(), "--spec", "flights");
        assertThat(imported.exitCode()).isZero();
        assertThat(imported.out()).contains("as m version 2");

        TopicsCommandTest.Result list = TopicsCommandTest.models(bootstrap, prefix, "list", "--all");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern("m\\s+1\\s+-\\s+CANDIDATE").containsPattern("m\\s+2\\s+-\\s+CANDIDATE");
        assertThat(list.err()).contains("warning: skipped 1 record(s) of " + prefix + "models that could not be decoded");
        TopicsCommandTest.Result overviewed = TopicsCommandTest.models(bootstrap, prefix, "list");
        assertThat(overviewed.out()).contains("m: no champion, 2 release(s), newest v2").contains("by latest status: 2 CANDIDATE");
        assertThat(overviewed.err()).contains("warning: skipped 1 record(s)");

        assertThat(TopicsCommandTest.models(bootstrap, prefix, "promote", "m", "1").exitCode()).isZero();
        TopicsCommandTest.Result promoted = TopicsCommandTest.models(bootstrap, prefix, "promote", "m", "2");
        assertThat(promoted.exitCode()).as(promoted.err()).isZero();
        assertThat(promoted.out()).contains("champion of m is now version 2");
        TopicsCommandTest.Result rolledBack = TopicsCommandTest.models(bootstrap, prefix, "rollback", "m");
        assertThat(rolledBack.exitCode()).as(rolledBack.err()).isZero();
        assertThat(rolledBack.out()).contains("champion of m is now version 1");
        assertThat(TopicsCommandTest.models(bootstrap, prefix, "list", "m", "--all").out()).containsPattern("m\\s+2\\s+-\\s+ROLLED_BACK\\s+OPERATOR\\s");
        // By default: the champion, its lineage and the latest decisions, the roll back first with who and why.
        TopicsCommandTest.Result overview = TopicsCommandTest.models(bootstrap, prefix, "list", "m");
        assertThat(overview.exitCode()).as(overview.err()).isZero();
        assertThat(overview.out()).contains("m: champion v1 (spec flights v1), 2 release(s), newest v2")
                .contains("by latest status: 1 CHAMPION, 1 ROLLED_BACK")
                .containsPattern("LATEST DECISIONS[^\\n]*\\n\\s+VERSION[^\\n]*\\n\\s+2\\s+-\\s+ROLLED_BACK\\s+OPERATOR\\s+rolled back by operator");
        assertThat(TopicsCommandTest.models(bootstrap, prefix, "list", "boats").out()).contains("no releases of boats");
    }

    /**
     * A graph made by another tool (no trainer metadata): imported through a mapping file as an imported model with a
     * frozen weight; one with an op the trainer cannot differentiate is refused by its name, nothing published.
     */
    @Test
    void importsAnotherToolsGraphThroughAMappingAndRefusesAnUnsupportedOp(TestKafka kafka) throws Exception {
        String prefix = TestKafka.uniquePrefix("cli-foreign");
        String bootstrap = kafka.bootstrapServers();
        assertThat(TopicsCommandTest.run("topics", "create", "-b", bootstrap, "--prefix", prefix, "--partitions", "1")
                .exitCode()).isZero();
        int defaultSpecVersion = ai.factory.trainer.job.ModelInput.fromSpec(ai.factory.ingest.job.IngestOptions.DEFAULT_SPEC).specVersion();
        Path foreign = dir.resolve("foreign.onnx");
        Files.write(foreign, foreign("Sigmoid"));
        Path mapping = dir.resolve("foreign.mapping");
        Files.writeString(mapping, "# the original's three columns\ninput.features = dense:1, dense:0, sparse:5\noutput = p\n");

        TopicsCommandTest.Result imported = TopicsCommandTest.models(bootstrap, prefix, "import", "m", foreign.toString(), "--spec",
                "flights", "--mapping", mapping.toString(), "--freeze", "b*");
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("as m version 1 (CANDIDATE); made by another tool: 2 weights [w, bias], frozen [b*]");
        Topics topics = new Topics(prefix);
        try (SchemaRegistry registry = new KafkaSchemaRegistry(KafkaConnection.of(bootstrap), topics.schemas());
             var catalog = new ai.factory.trainer.release.ModelCatalog(KafkaConnection.of(bootstrap), topics.models(), registry)) {
            ModelRelease r = catalog.find("m", 1);
            assertThat(r.getModelKind().toString()).isEqualTo("imported");
            assertThat(r.getSpecVersion()).as("the feature spec's version").isEqualTo(defaultSpecVersion);
            var loaded = ai.factory.trainer.model.OnnxWeights.read(r.getOnnx().array());
            assertThat(loaded.config().isFrozen("bias")).isTrue();
            assertThat(loaded.config().isFrozen("w")).isFalse();
        }

        Path unsupported = dir.resolve("unsupported.onnx");
        Files.write(unsupported, foreign("Erf"));
        TopicsCommandTest.Result refused = TopicsCommandTest.models(bootstrap, prefix, "import", "m", unsupported.toString(), "--spec",
                "flights", "--mapping", mapping.toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("unsupported ONNX op Erf");
        TopicsCommandTest.Result otherSpec = TopicsCommandTest.models(bootstrap, prefix, "import", "m", foreign.toString(), "--spec",
                "flights", "--spec-version", "2", "--mapping", mapping.toString());
        assertThat(otherSpec.exitCode()).isNotZero();
        assertThat(otherSpec.err()).contains("--spec flights --spec-version 2 does not match --feature-spec, which is flights version "
                + defaultSpecVersion);
        assertThat(TopicsCommandTest.models(bootstrap, prefix, "list", "m", "--all").out()).doesNotContainPattern("m\\s+2\\s");
    }

    /** features [N, 3] · w + bias through {@code last}, written without the trainer's metadata, as another tool would. */
    private static byte[] foreign(String last) {
        ai.factory.trainer.graph.GraphBuilder g = new ai.factory.trainer.graph.GraphBuilder("elsewhere",
                ai.factory.trainer.graph.DType.FLOAT);
        var x = g.input("features", ai.factory.trainer.graph.DType.FLOAT, -1, 3);
        var w = g.initializer("w", new long[] {3, 1}, new float[] {0.5f, -0.25f, 1f});
        var b = g.initializer("bias", new long[] {1}, new float[] {0.1f});
        var z = g.add(g.matMul(x, w), b);
        g.output(g.op(last, List.of(z), ai.factory.trainer.graph.DType.FLOAT, new long[] {-1, 1}, List.of()), "p");
        return g.buildModel(Map.of()).toByteArray();
    }

    /** 40 releases as online governance leaves them: the default listing is bounded, {@code --all} lists every one. */
    @Test
    void listShowsLineageAndLatestDecisionsAndEveryReleaseWithAll(TestKafka kafka) throws Exception {
        String prefix = TestKafka.uniquePrefix("cli-governed");
        String bootstrap = kafka.bootstrapServers();
        assertThat(TopicsCommandTest.run("topics", "create", "-b", bootstrap, "--prefix", prefix, "--partitions", "1")
                .exitCode()).isZero();
        Topics topics = new Topics(prefix);
        try (SchemaRegistry registry = new KafkaSchemaRegistry(KafkaConnection.of(bootstrap), topics.schemas());
             var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                     new StringSerializer(), new ByteArraySerializer())) {
            AvroCodec<ModelRelease> codec = AvroCodec.of(ModelRelease.class, registry);
            // Every 10th promoted online from the one before, the rest rejected; then v40 rolled back automatically.
            long parent = 0;
            for (long v = 1; v <= 40; v++) {
                boolean promoted = v == 1 || v % 10 == 0;
                producer.send(new ProducerRecord<>(topics.models(), "g/" + v, codec.encode(release(v, parent == 0 ? null : parent,
                        promoted ? ReleaseStatus.CHAMPION : ReleaseStatus.REJECTED, ReleaseActor.AUTOMATIC,
                        promoted ? "online: paired log loss 0.47 < 0.50" : "online: paired log loss 0.55 > 0.50"))));
                parent = promoted ? v : parent;
            }
            producer.send(new ProducerRecord<>(topics.models(), "g/40", codec.encode(release(40, 30L, ReleaseStatus.ROLLED_BACK,
                    ReleaseActor.AUTOMATIC, "online: paired log loss 0.71 > 0.52 after promotion")))).get(30, TimeUnit.SECONDS);
        }

        TopicsCommandTest.Result overview = TopicsCommandTest.models(bootstrap, prefix, "list", "g");
        assertThat(overview.exitCode()).as(overview.err()).isZero();
        String out = overview.out();
        assertThat(out).contains("g: champion v30 (spec flights v1), 40 release(s), newest v40")
                .contains("by latest status: 4 CHAMPION, 35 REJECTED, 1 ROLLED_BACK");
        String lineage = out.substring(out.indexOf("LINEAGE"), out.indexOf("LATEST DECISIONS"));
        assertThat(lineage.lines().skip(2).filter(l -> !l.isBlank()).map(l -> l.trim().split("\\s+")[0]).toList()).containsExactly("30", "20", "10", "1");
        List<String> decisions = out.substring(out.indexOf("LATEST DECISIONS")).lines().skip(2).toList();
        assertThat(decisions).hasSize(ModelBook.DECISIONS);
        assertThat(decisions.get(0)).containsPattern("40\\s+30\\s+ROLLED_BACK\\s+AUTOMATIC\\s+online: paired log loss 0.71 > 0.52");
        assertThat(decisions.get(1)).containsPattern("^\\s+39\\s");

        TopicsCommandTest.Result all = TopicsCommandTest.models(bootstrap, prefix, "list", "g", "--all");
        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out().lines().filter(l -> l.startsWith("g "))).hasSize(40);
        assertThat(all.out()).containsPattern("g\\s+40\\s+30\\s+ROLLED_BACK\\s+AUTOMATIC");

        String help = TopicsCommandTest.run("models", "list", "--help").out();
        assertThat(help).contains("[MODEL]").contains("--all").contains("lineage").contains("ROLLED_BACK");
    }

    private static ModelRelease release(long version, Long parent, ReleaseStatus status, ReleaseActor by, String reason) {
        Instant now = Instant.now();
        return ModelRelease.newBuilder().setModelName("g").setVersion(version).setParentVersion(parent).setStatus(status)
                .setStatusReason(reason).setStatusBy(by).setModelKind("logistic").setOnnx(ByteBuffer.wrap(new byte[] {8, 1}))
                .setSpecName("flights").setSpecVersion(1).setDenseSize(2).setSparseBuckets(16).setCreatedAt(now)
                .setExamplesTrained(version).setTrainedThroughEventTime(now).setTrainingData(List.of()).setMetrics(Map.of())
                .setProvenance(Map.of()).build();
    }
}
