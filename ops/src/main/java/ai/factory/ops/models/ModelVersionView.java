package ai.factory.ops.models;

import java.util.List;
import java.util.Map;

import ai.factory.records.ModelRelease;

/**
 * One model version's latest release record, without its ONNX bytes, plus where that record sits.
 *
 * @param trainedFromEventTime the earliest event time among the examples trained on since its parent (ms); null
 *                             when none were, or its trainer did not record it
 * @param statusBy who gave the status: TRAINER, OPERATOR, AUTOMATIC or UNKNOWN
 * @param champion whether this version is its model's champion by the {@link ai.factory.release.ReleaseLedger}
 * @param decidedAt when its latest record was written (the record's timestamp, ms): the time of its latest decision,
 *                  as the topic keeps no other
 */
public record ModelVersionView(String name, long version, Long parentVersion, String status, String statusReason,
                               String statusBy, String kind, String specName, int specVersion, int denseSize, int sparseBuckets,
                               long createdAt, long examplesTrained, Long trainedFromEventTime,
                               long trainedThroughEventTime, List<TrainingRange> trainingData, Map<String, Double> metrics,
                               Map<String, String> provenance, int onnxBytes, boolean champion,
                               int partition, long offset, long decidedAt) {

    /** A run of records a release learned from. */
    public record TrainingRange(String topic, int partition, long fromOffset, long toOffset) {
    }

    /** The view of a release read at {@code partition}/{@code offset}, written at {@code timestamp}. */
    public static ModelVersionView of(ModelRelease r, int partition, long offset, long timestamp) {
        List<TrainingRange> ranges = r.getTrainingData().stream()
                .map(o -> new TrainingRange(o.getTopic().toString(), o.getPartition(), o.getFromOffset(), o.getToOffset()))
                .toList();
        Map<String, Double> metrics = new java.util.TreeMap<>();
        r.getMetrics().forEach((k, v) -> metrics.put(k.toString(), v));
        Map<String, String> provenance = new java.util.TreeMap<>();
        r.getProvenance().forEach((k, v) -> provenance.put(k.toString(), String.valueOf(v)));
        return new ModelVersionView(r.getModelName().toString(), r.getVersion(), r.getParentVersion(),
                r.getStatus().name(), r.getStatusReason().toString(), r.getStatusBy().name(), r.getModelKind().toString(),
                r.getSpecName().toString(), r.getSpecVersion(), r.getDenseSize(), r.getSparseBuckets(),
                r.getCreatedAt().toEpochMilli(), r.getExamplesTrained(),
                r.getTrainedFromEventTime() == null ? null : r.getTrainedFromEventTime().toEpochMilli(),
                r.getTrainedThroughEventTime().toEpochMilli(),
                ranges, metrics, provenance, r.getOnnx() == null ? 0 : r.getOnnx().remaining(), false, partition, offset,
                timestamp);
    }

    /** The key of this version on the models topic. */
    public String key() {
        return name + "/" + version;
    }

    ModelVersionView asChampion(boolean isChampion) {
        return new ModelVersionView(name, version, parentVersion, status, statusReason, statusBy, kind, specName, specVersion,
                denseSize, sparseBuckets, createdAt, examplesTrained, trainedFromEventTime, trainedThroughEventTime, trainingData, metrics,
                provenance, onnxBytes, isChampion, partition, offset, decidedAt);
    }
}
