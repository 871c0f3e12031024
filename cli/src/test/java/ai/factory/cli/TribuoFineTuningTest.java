package ai.factory.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.ingest.job.FeatureTiming;
import ai.factory.ingest.job.IngestHandle;
import ai.factory.ingest.job.IngestJob;
import ai.factory.ingest.job.IngestOptions;
import ai.factory.ingest.spec.FeatureSpecParser;
import ai.factory.kafka.KafkaConnection;
import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.records.ModelRelease;
import ai.factory.serde.SchemaRegistry;
import ai.factory.serde.SchemaRegistryAddress;
import ai.factory.topics.Topics;
import ai.factory.trainer.bench.DelayedLabelReplay;
import ai.factory.trainer.bench.DelayedLabelReplay.Outcome;
import ai.factory.trainer.bench.DelayedLabelReplay.Setting;
import ai.factory.trainer.bench.LabelledStream;
import ai.factory.trainer.bench.LabelledStream.Labelled;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.ModelKind;
import ai.factory.trainer.model.OnnxWeights;
import ai.factory.trainer.release.ModelCatalog;
import ai.factory.trainer.runtime.EvaluationSession;
import ai.factory.trainer.runtime.TrainerSessions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model really trained elsewhere, end to end: the first flights of {@code data/flights-200k.csv.gz} go through
 * {@code factory produce} and the stream-ingest job; a Tribuo logistic regression is trained offline on the served
 * vectors whose labels were known at a cut in event time and exported with Tribuo's ONNX export; {@code factory models
 * import} takes it with a mapping file; then the flights after the cut are replayed with delayed labels (each learnt at
 * its feedback time, only releases serving) on the same events: the import frozen, the import fine-tuned, and a
 * logistic model from scratch (its defaults, and the best two settings of a small sweep). Fine-tuning must beat them
 * all. The figures go to {@code target/tribuo-fine-tuning.txt}; online-trainer/README.md quotes them.
 */
@ExtendWith(KafkaExtension.class)
class TribuoFineTuningTest {

    /** Flights replayed (Jan 1 to 4, 2001); the first {@link #OFFLINE_SHARE} of them in event time are the offline part. */
    private static final int FLIGHTS = 60_000;
    private static final double OFFLINE_SHARE = 0.5;
    /** Tribuo's vocabulary: hashed ids seen in at least this many offline examples. */
    private static final int MIN_ID_COUNT = 20;
    private static final int TRIBUO_EPOCHS = 1;
    private static final double TRIBUO_LEARNING_RATE = 0.1;
    private static final long TRIBUO_SEED = 7;
    private static final String SPEC = "flights";
    /**
     * The flights spec v2, on which the figures in the READMEs were measured (a copy of it, as shipped before v3). On v3
     * the hour crosses grow Tribuo's vocabulary and its imported release to 33.7 MB, a slower test.
     */
    private static final String SPEC_LOCATION = "classpath:specs/flights-v2.json";
    private static final int SPEC_VERSION = FeatureSpecParser.load(SPEC_LOCATION).version();

    /** The delayed-label replay's settings: a release every 1,000 examples, as the demo's trainer cuts them. */
    static final String FROZEN = "kind=imported,releases=0";
    static final String FINE_TUNED = "kind=imported,opt=adagrad,lr=0.03,publish=1000";
    /** From scratch: the logistic model's defaults (Adam at 0.01), and the best two of a small sweep on this stream. */
    static final List<String> SCRATCH = List.of("kind=logistic,publish=1000", "kind=logistic,opt=adam,lr=0.03,publish=1000",
            "kind=logistic,opt=adagrad,lr=0.1,publish=1000");

    @TempDir
    Path dir;

    @Test
    void aTribuoModelTrainedOfflineAndFineTunedOnlineBeatsItsFrozenImportAndTrainingFromScratch(TestKafka kafka) throws Exception {
        long started = System.nanoTime();
        String prefix = TestKafka.uniquePrefix("tribuo");
        Topics topics = new Topics(prefix);
        KafkaConnection connection = KafkaConnection.of(kafka.bootstrapServers());
        List<Labelled> stream = servedVectors(kafka, connection, topics, dir, FLIGHTS);
        double ingested = seconds(started);

        long cut = stream.get((int) (stream.size() * OFFLINE_SHARE)).eventMillis();
        // Offline: what was labelled by the cut, as a batch job run then would have it.
        List<Labelled> offline = stream.stream().filter(e -> e.labelMillis() <= cut).toList();
        List<Labelled> online = stream.stream().filter(e -> e.eventMillis() >= cut).toList();
        TribuoFlights.Trained tribuo = TribuoFlights.train(offline, MIN_ID_COUNT, TRIBUO_EPOCHS, TRIBUO_LEARNING_RATE, TRIBUO_SEED);
        double trained = seconds(started);

        Path onnx = Files.write(dir.resolve("tribuo-flights.onnx"), tribuo.onnx());
        Path mapping = Files.writeString(dir.resolve("tribuo-flights.mapping"), tribuo.mapping());
        TopicsCommandTest.Result imported = TopicsCommandTest.models(kafka.bootstrapServers(), prefix, "import", SPEC, onnx.toString(),
                "--spec", SPEC, "--spec-version", String.valueOf(SPEC_VERSION), "--feature-spec", SPEC_LOCATION, "--mapping", mapping.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        OnnxWeights.Loaded release = importedRelease(connection, topics);
        assertThat(release.config().kind()).isEqualTo(ModelKind.IMPORTED);

        SessionFactory sessions = TrainerSessions.open(Device.CPU, 0);
        servesTribuosProbabilities(tribuo, release, online.subList(0, 200), sessions);

        DelayedLabelReplay.Start start = new DelayedLabelReplay.Start(release.config(), release.params());
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        outcomes.put("Tribuo import, frozen", DelayedLabelReplay.replay(online, Setting.parse(FROZEN), start, sessions));
        outcomes.put("Tribuo import, fine-tuned", DelayedLabelReplay.replay(online, Setting.parse(FINE_TUNED), start, sessions));
        for (String scratch : SCRATCH) {
            outcomes.put("logistic from scratch " + (outcomes.size() - 1),
                    DelayedLabelReplay.replay(online, Setting.parse(scratch), release.config().buckets(), sessions));
        }

        String report = report(stream.size(), offline.size(), online, tribuo, outcomes,
                String.format(Locale.ROOT, "ingest %.0f s, Tribuo %.0f s, whole test %.0f s", ingested, trained - ingested, seconds(started)));
        System.out.println(report);
        Files.writeString(Files.createDirectories(Path.of("target")).resolve("tribuo-fine-tuning.txt"), report);

        assertThat(outcomes.get("Tribuo import, frozen").releases()).as("frozen: never retrained").isZero();
        double tuned = outcomes.get("Tribuo import, fine-tuned").all().logLoss();
        outcomes.forEach((name, o) -> {
            if (!o.setting().text().equals(FINE_TUNED)) {
                assertThat(tuned).as("fine-tuned against %s: %s", name, report).isLessThan(o.all().logLoss());
            }
        });
    }

    /** The first {@link #FLIGHTS} flights through {@code factory produce} and the stream-ingest job, read back labelled. */
    private static List<Labelled> servedVectors(TestKafka kafka, KafkaConnection connection, Topics topics, Path dir, int flights) throws Exception {
        TopicsCommandTest.Result created = TopicsCommandTest.onCluster("topics", kafka.bootstrapServers(), topics.prefix(), "create",
                "--retention", "forever");
        assertThat(created.exitCode()).as(created.err()).isZero();
        TopicsCommandTest.Result produced = TopicsCommandTest.onCluster("produce", kafka.bootstrapServers(), topics.prefix(),
                "../data/flights-200k.csv.gz", "--mapping", "../data/flights.mapping.json", "--limit", String.valueOf(flights));
        assertThat(produced.exitCode()).as(produced.err()).isZero();
        // Event-time feature timing: the same vectors on every run, so the figures repeat.
        IngestOptions options = IngestOptions.defaults(connection).withTopicPrefix(topics.prefix()).withBounded(true)
                .withSpecLocation(SPEC_LOCATION)
                .withFeatureTiming(FeatureTiming.EVENT_TIME)
                .withCheckpointDir(Files.createDirectories(dir.resolve("ingest")).toUri().toString());
        try (IngestHandle ingest = IngestJob.start(options)) {
            ingest.client().getJobExecutionResult().get(300, TimeUnit.SECONDS);
        }
        List<Labelled> stream = LabelledStream.read(connection, topics, SPEC, SPEC_VERSION);
        assertThat(stream).as("every flight served and labelled").hasSizeGreaterThan(flights * 9 / 10);
        return stream;
    }

    private static OnnxWeights.Loaded importedRelease(KafkaConnection connection, Topics topics) throws Exception {
        try (SchemaRegistry registry = SchemaRegistryAddress.kafka(connection, topics.schemas()).open();
             ModelCatalog catalog = new ModelCatalog(connection, topics.models(), registry)) {
            ModelRelease r = catalog.list(SPEC).stream().filter(m -> m.getVersion() == 1).findFirst().orElseThrow();
            return OnnxWeights.read(r.getOnnx().array());
        }
    }

    /** The imported release, run by ONNX Runtime on the served vectors, gives Tribuo's own probabilities. */
    private static void servesTribuosProbabilities(TribuoFlights.Trained tribuo, OnnxWeights.Loaded release, List<Labelled> events,
                                                   SessionFactory sessions) throws Exception {
        int n = events.size();
        int d = release.config().denseSize();
        int w = release.config().sparseWidth();
        float[] dense = new float[n * d];
        long[] sparse = new long[n * w];
        for (int i = 0; i < n; i++) {
            System.arraycopy(events.get(i).dense(), 0, dense, i * d, d);
            System.arraycopy(events.get(i).sparse(), 0, sparse, i * w, w);
        }
        try (EvaluationSession evaluation = EvaluationSession.open(release.config(), sessions)) {
            float[] scores = evaluation.score(release.params(), new Batch(n, d, w, dense, sparse, new float[n]));
            for (int i = 0; i < n; i++) {
                assertThat((double) scores[i]).as("event %d", i).isCloseTo(tribuo.probabilityLate(events.get(i)), within(1e-4));
            }
        }
    }

    private static String report(int flights, int offline, List<Labelled> online, TribuoFlights.Trained tribuo,
                                 Map<String, Outcome> outcomes, String timing) {
        double rate = online.stream().mapToDouble(Labelled::label).average().orElseThrow();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%d served flight vectors; Tribuo trained offline on the %d labelled by the cut "
                + "(%d features: %d dense values, %d hashed ids seen >= %d times); online: the %d flights after the cut", flights, offline,
                tribuo.model().getFeatureIDMap().size(), tribuo.model().getFeatureIDMap().size() - tribuo.sparseIds(), tribuo.sparseIds(),
                MIN_ID_COUNT, online.size()));
        lines.add(String.format(Locale.ROOT, "%-34s %-46s %8s %7s %9s %8s", "model", "setting", "logloss", "AUC", "2nd half", "releases"));
        outcomes.forEach((name, o) -> lines.add(String.format(Locale.ROOT, "%-34s %-46s %8.4f %7.4f %9.4f %8d", name, o.setting().text(),
                o.all().logLoss(), o.all().auc(), o.secondHalf().logLoss(), o.releases())));
        lines.add(String.format(Locale.ROOT, "%-34s %-46s %8.4f", "constant: base rate in hindsight", "",
                -(rate * Math.log(rate) + (1 - rate) * Math.log(1 - rate))));
        lines.add(timing);
        return String.join("\n", lines) + "\n";
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
