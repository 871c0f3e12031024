package ai.factory.scoring;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import ai.factory.records.FeatureVector;
import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseStatus;
import ai.factory.scoring.bench.LogisticGraph;

/** Small models, releases and vectors for the tests. */
public final class Fixtures {

    public static final String MODEL = "delay";
    public static final String SPEC = "flights";
    public static final int SPEC_VERSION = 1;
    public static final int DENSE = 4;
    public static final int SPARSE = 3;
    public static final int BUCKETS = 1000;

    private Fixtures() {
    }

    public static LogisticGraph.Weights weights(long seed) {
        return LogisticGraph.Weights.random(DENSE, BUCKETS, seed);
    }

    /** A release of the fixture spec carrying {@code onnx}. */
    public static ModelRelease release(long version, ReleaseStatus status, byte[] onnx) {
        return release(MODEL, version, status, onnx, DENSE, BUCKETS);
    }

    public static ModelRelease release(String model, long version, ReleaseStatus status, byte[] onnx, int denseSize, int buckets) {
        Instant now = Instant.now();
        return ModelRelease.newBuilder()
                .setModelName(model)
                .setVersion(version)
                .setParentVersion(version > 1 ? version - 1 : null)
                .setStatus(status)
                .setStatusReason("test")
                .setModelKind("logistic")
                .setOnnx(ByteBuffer.wrap(onnx))
                .setSpecName(SPEC)
                .setSpecVersion(SPEC_VERSION)
                .setDenseSize(denseSize)
                .setSparseBuckets(buckets)
                .setCreatedAt(now)
                .setExamplesTrained(1000L * version)
                .setTrainedThroughEventTime(now)
                .setTrainingData(List.of())
                .setMetrics(Map.of())
                .setProvenance(Map.of())
                .build();
    }

    /** A champion release of the logistic model with weights from {@code seed}. */
    public static ModelRelease champion(long version, long seed) {
        return release(version, ReleaseStatus.CHAMPION, LogisticGraph.onnx(weights(seed), SPARSE));
    }

    /** {@code count} random vectors of the fixture spec with ids {@code prefix-0..}. */
    public static List<FeatureVector> vectors(String prefix, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<FeatureVector> vectors = new ArrayList<>(count);
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            List<Float> dense = new ArrayList<>(DENSE);
            for (int d = 0; d < DENSE; d++) {
                dense.add((float) (random.nextDouble() * 4 - 2));
            }
            List<Integer> sparse = new ArrayList<>(SPARSE);
            for (int s = 0; s < SPARSE; s++) {
                sparse.add(random.nextInt(BUCKETS));
            }
            vectors.add(vector(prefix + "-" + i, dense, sparse, now));
        }
        return vectors;
    }

    public static FeatureVector vector(String id, List<Float> dense, List<Integer> sparse, Instant eventTime) {
        return FeatureVector.newBuilder()
                .setEventId(id)
                .setEventTime(eventTime)
                .setEntity(null)
                .setDense(dense)
                .setSparse(sparse)
                .setSparseBuckets(BUCKETS)
                .setSpecName(SPEC)
                .setSpecVersion(SPEC_VERSION)
                .setLate(false)
                .setPreparedAt(eventTime)
                .build();
    }

    public static float[] dense(FeatureVector vector) {
        float[] dense = new float[vector.getDense().size()];
        for (int i = 0; i < dense.length; i++) {
            dense[i] = vector.getDense().get(i);
        }
        return dense;
    }

    public static long[] sparse(FeatureVector vector) {
        return vector.getSparse().stream().mapToLong(Integer::longValue).toArray();
    }
}
