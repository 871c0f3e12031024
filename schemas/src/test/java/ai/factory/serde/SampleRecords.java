package ai.factory.serde;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import ai.factory.records.CalibrationBin;
import ai.factory.records.DriftSignal;
import ai.factory.records.Event;
import ai.factory.records.FeatureVector;
import ai.factory.records.Feedback;
import ai.factory.records.LabeledExample;
import ai.factory.records.ModelRelease;
import ai.factory.records.OffsetRange;
import ai.factory.records.Prediction;
import ai.factory.records.QualityReport;
import ai.factory.records.Rejected;
import ai.factory.records.ReleaseStatus;
import org.apache.avro.specific.SpecificRecord;

/** One fully populated record of every type, for round trips. */
final class SampleRecords {

    static final Instant T = Instant.parse("2001-01-01T08:05:00Z");

    private SampleRecords() {
    }

    static Event event() {
        return Event.newBuilder().setId("e-1").setEventTime(T).setEntity("SFO")
                .setAttributes(attributes())
                .build();
    }

    private static Map<String, Object> attributes() {
        Map<String, Object> attributes = new java.util.HashMap<>();
        attributes.put("origin", "SFO");
        attributes.put("distance", 337L);
        attributes.put("ratio", 0.25);
        attributes.put("weekend", true);
        attributes.put("gate", null);
        return attributes;
    }

    static FeatureVector features() {
        return FeatureVector.newBuilder().setEventId("e-1").setEventTime(T).setEntity("SFO")
                .setDense(List.of(0.5f, -1.25f, 3f)).setSparse(List.of(7, 1023, 99)).setSparseBuckets(1 << 20)
                .setSpecName("flights").setSpecVersion(2).setLate(true).setPreparedAt(T.plusMillis(12)).build();
    }

    static List<SpecificRecord> allTypes() {
        Rejected rejected = Rejected.newBuilder().setEventId(null).setReasonCode("UNDECODABLE").setReason("bad header")
                .setSourceTopic("events").setSourcePartition(2).setSourceOffset(41L)
                .setOriginal(ByteBuffer.wrap(new byte[] {1, 2, 3})).setRejectedAt(T).setRejectedBy("stream-ingest").build();
        Prediction prediction = Prediction.newBuilder().setEventId("e-1").setEventTime(T).setScore(0.31)
                .setModelName("flights-lr").setModelVersion(12L).setSpecVersion(2).setServedAt(T.plusMillis(40)).build();
        Feedback feedback = Feedback.newBuilder().setEventId("e-1").setLabel(1.0).setFeedbackTime(T.plusSeconds(5400))
                .setSource("replay").build();
        LabeledExample example = LabeledExample.newBuilder().setEventId("e-1").setFeatures(features()).setLabel(1.0)
                .setLabelTime(T.plusSeconds(5400)).setLabelSource("feedback").setServedScore(0.31)
                .setModelName("flights-lr").setModelVersion(12L).build();
        ModelRelease release = ModelRelease.newBuilder().setModelName("flights-lr").setVersion(13L).setParentVersion(12L)
                .setStatus(ReleaseStatus.CHAMPION).setStatusReason("hold-out logloss 0.451 <= 0.452 + 0.001")
                .setModelKind("logistic").setOnnx(ByteBuffer.wrap(new byte[] {8, 1, 18, 0}))
                .setSpecName("flights").setSpecVersion(2).setDenseSize(3).setSparseBuckets(1 << 20)
                .setCreatedAt(T.plusSeconds(6000)).setExamplesTrained(100_000L).setTrainedThroughEventTime(T.plusSeconds(5400))
                .setTrainingData(List.of(new OffsetRange("examples", 0, 10L, 99L)))
                .setMetrics(Map.of("train_logloss", 0.45)).setProvenance(Map.of("device", "cpu")).build();
        QualityReport quality = QualityReport.newBuilder().setModelName("flights-lr").setModelVersion(12L)
                .setWindow("count:1000").setWindowEnd(T).setCount(1000L).setLogloss(0.47).setAuc(0.66).setAucError(0.001)
                .setAccuracy(0.8).setThreshold(0.5)
                .setCalibration(List.of(new CalibrationBin(0.0, 0.1, 500L, 0.05, 0.06)))
                .setLabelDelayP50Ms(5_400_000L).setLabelDelayP99Ms(20_000_000L).setPending(12L).setExpired(1L).setLate(2L)
                .setDrift(new DriftSignal("page-hinkley", 51.2, 930L)).build();
        return List.of(event(), rejected, features(), prediction, feedback, example, release, quality);
    }
}
