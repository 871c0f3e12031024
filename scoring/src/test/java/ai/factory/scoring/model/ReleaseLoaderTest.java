package ai.factory.scoring.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import ai.factory.onnx.Device;
import ai.factory.onnx.OrtNatives;
import ai.factory.onnx.SessionFactory;
import ai.factory.onnx.SessionSettings;
import ai.factory.records.FeatureVector;
import ai.factory.records.ReleaseStatus;
import ai.factory.scoring.Fixtures;
import ai.factory.scoring.bench.LogisticGraph;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Loading and validating releases with the real ONNX Runtime. */
class ReleaseLoaderTest {

    private static SessionFactory sessions;
    private static ReleaseLoader loader;

    @BeforeAll
    static void setUp() {
        sessions = new SessionFactory(new SessionSettings(Device.CPU, 1, false));
        loader = new ReleaseLoader(sessions, 64);
    }

    @AfterAll
    static void checkNativesWentToTheConfiguredFolder() {
        assertThat(System.getProperty(OrtNatives.PATH_PROPERTY)).isNotBlank();
        assertThat(OrtNatives.prepare().resolve(System.mapLibraryName("onnxruntime"))).isRegularFile();
    }

    @Test
    void aValidReleaseScoresLikeTheModelComputedInJava() throws Exception {
        LogisticGraph.Weights weights = Fixtures.weights(7);
        ModelSession session = loader.load(Fixtures.release(1, ReleaseStatus.CHAMPION, LogisticGraph.onnx(weights, Fixtures.SPARSE)),
                Optional.empty());
        try {
            assertThat(session.shape()).isEqualTo(new VectorShape(Fixtures.DENSE, Fixtures.SPARSE));
            List<FeatureVector> vectors = Fixtures.vectors("v", 50, 3);
            BatchInputs inputs = new BatchInputs();
            inputs.reset(session.shape(), vectors.size());
            vectors.forEach(v -> inputs.add(v.getDense(), v.getSparse()));
            float[] scores = session.score(inputs);
            assertThat(scores).hasSize(50);
            for (int i = 0; i < vectors.size(); i++) {
                float expected = LogisticGraph.score(weights, Fixtures.dense(vectors.get(i)), Fixtures.sparse(vectors.get(i)));
                assertThat(scores[i]).isCloseTo(expected, within(1e-5f));
            }
            assertThat(scores).matches(s -> Arrays.stream(toDoubles(s)).distinct().count() > 10, "scores vary with the input");
        } finally {
            session.retire();
        }
        assertThat(session.isClosed()).isTrue();
    }

    @Test
    void bytesThatAreNotAModelAreRejectedAsLoadFailure() {
        assertThatThrownBy(() -> loader.load(Fixtures.release(2, ReleaseStatus.CHAMPION, "not a model".getBytes()), Optional.empty()))
                .isInstanceOfSatisfying(ReleaseRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReleaseRejectedException.Reason.LOAD_FAILED));
    }

    @Test
    void aGraphWhoseDenseWidthDiffersFromTheReleaseIsRejected() {
        byte[] sixWide = LogisticGraph.onnx(LogisticGraph.Weights.random(6, Fixtures.BUCKETS, 1), Fixtures.SPARSE);
        assertThatThrownBy(() -> loader.load(Fixtures.release(3, ReleaseStatus.CHAMPION, sixWide), Optional.empty()))
                .isInstanceOfSatisfying(ReleaseRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReleaseRejectedException.Reason.SHAPE_MISMATCH);
                    assertThat(e.getMessage()).contains("dense_size 4");
                });
    }

    @Test
    void aGraphWhoseSparseWidthDiffersFromTheVectorsSeenIsRejected() {
        byte[] fiveIds = LogisticGraph.onnx(Fixtures.weights(1), 5);
        assertThatThrownBy(() -> loader.load(Fixtures.release(4, ReleaseStatus.CHAMPION, fiveIds),
                Optional.of(new VectorShape(Fixtures.DENSE, Fixtures.SPARSE))))
                .isInstanceOfSatisfying(ReleaseRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReleaseRejectedException.Reason.SHAPE_MISMATCH));
    }

    @Test
    void aModelThatScoresNaNOnTheProbeIsRejected() {
        LogisticGraph.Weights weights = Fixtures.weights(1);
        weights.dense()[0] = Float.NaN;
        byte[] nan = LogisticGraph.onnx(weights, Fixtures.SPARSE);
        assertThatThrownBy(() -> loader.load(Fixtures.release(5, ReleaseStatus.CHAMPION, nan), Optional.empty()))
                .isInstanceOfSatisfying(ReleaseRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReleaseRejectedException.Reason.NOT_FINITE));
    }

    @Test
    void aModelWithFewerEmbeddingRowsThanBucketsFailsTheProbe() {
        byte[] small = LogisticGraph.onnx(LogisticGraph.Weights.random(Fixtures.DENSE, 10, 1), Fixtures.SPARSE);
        assertThatThrownBy(() -> loader.load(Fixtures.release(6, ReleaseStatus.CHAMPION, small), Optional.empty()))
                .isInstanceOfSatisfying(ReleaseRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReleaseRejectedException.Reason.PROBE_FAILED));
    }

    @Test
    void aRetiredSessionClosesOnlyWhenItsLastBatchLetsGo() throws Exception {
        ModelSession session = loader.load(Fixtures.champion(7, 7), Optional.empty());
        ServingModels serving = new ServingModels(new SimpleMeterRegistry());
        serving.install(session, ServingModels.Role.CHAMPION);
        ModelSession held = serving.acquire(session.spec(), ServingModels.Role.CHAMPION).orElseThrow();

        serving.install(loader.load(Fixtures.champion(8, 8), Optional.empty()), ServingModels.Role.CHAMPION);

        assertThat(held.isClosed()).as("still held by its in-flight batch").isFalse();
        BatchInputs inputs = new BatchInputs();
        inputs.reset(held.shape(), 1);
        inputs.add(new float[] {1, 2, 3, 4}, new long[] {1, 2, 3});
        assertThat(held.score(inputs)).hasSize(1);
        held.letGo();
        assertThat(held.isClosed()).isTrue();
        assertThat(held.tryAcquire()).isFalse();
        ModelSession successor = serving.acquire(session.spec(), ServingModels.Role.CHAMPION).orElseThrow();
        assertThat(successor.release().version()).isEqualTo(8);
        successor.letGo();
        serving.close();
        assertThat(successor.isClosed()).isTrue();
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
