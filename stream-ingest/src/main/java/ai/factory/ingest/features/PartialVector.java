package ai.factory.ingest.features;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import ai.factory.ingest.spec.FeatureSpec;
import ai.factory.records.FeatureVector;

/**
 * A feature vector on its way through the job: stateless slots are filled at intake, stateful slots
 * (standardize, window and feedback aggregates) by the keyed stages. Primitive arrays only, so Flink
 * moves it with its own serializers rather than Kryo.
 *
 * @param keys   the value of each stage's key attribute, by stage index
 * @param inputs the raw numbers stateful features need (pre-standardize values, summed attributes)
 * @param late   true when the event was behind the watermark at any keyed step
 */
public record PartialVector(String id, long eventTime, String entity, float[] dense, int[] sparse,
                            String[] keys, double[] inputs, boolean late) {

    public PartialVector asLate() {
        return late ? this : new PartialVector(id, eventTime, entity, dense, sparse, keys, inputs, true);
    }

    /** The finished vector as it is published on the features topic. */
    public FeatureVector toFeatureVector(FeatureSpec spec, Instant preparedAt) {
        List<Float> denseList = new ArrayList<>(dense.length);
        for (float v : dense) {
            denseList.add(v);
        }
        List<Integer> sparseList = new ArrayList<>(sparse.length);
        for (int v : sparse) {
            sparseList.add(v);
        }
        return FeatureVector.newBuilder()
                .setEventId(id)
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setEntity(entity)
                .setDense(denseList)
                .setSparse(sparseList)
                .setSparseBuckets(spec.sparseBuckets())
                .setSpecName(spec.name())
                .setSpecVersion(spec.version())
                .setLate(late)
                .setPreparedAt(preparedAt)
                .build();
    }
}
