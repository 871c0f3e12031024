package ai.factory.trainer.release;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.factory.records.ModelRelease;
import ai.factory.records.OffsetRange;
import ai.factory.records.ReleaseActor;
import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelGraphs;

/** Assembles a {@link ModelRelease}: the inference graph of given weights plus lineage, metrics and the gate's decision. */
public final class ReleaseFactory {

    private ReleaseFactory() {
    }

    /**
     * What was trained into a release since its parent: the examples' offsets and the span of their event times
     * ({@code fromEventTimeMillis} null when none were trained, or the time was not recorded).
     */
    public record Lineage(long version, Long parentVersion, long examplesTrained, Long fromEventTimeMillis,
                          long throughEventTimeMillis, String topic, Map<Integer, long[]> offsetRanges) {
    }

    public static ModelRelease build(String modelName, String specName, int specVersion, ModelConfig config,
                                     Map<String, FloatTensor> params, Lineage lineage, PromotionGate.Decision decision,
                                     Map<String, Double> metrics, Map<String, String> provenance) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("model_name", modelName);
        meta.put("model_version", String.valueOf(lineage.version()));
        meta.put("spec_name", specName);
        meta.put("spec_version", String.valueOf(specVersion));
        byte[] onnx = ModelGraphs.inference(config, params, meta).toByteArray();
        List<OffsetRange> ranges = new ArrayList<>();
        lineage.offsetRanges().forEach((partition, r) -> ranges.add(OffsetRange.newBuilder()
                .setTopic(lineage.topic()).setPartition(partition).setFromOffset(r[0]).setToOffset(r[1]).build()));
        Map<String, String> prov = new LinkedHashMap<>(config.toProperties());
        prov.put("host", hostName());
        prov.put("trainer", "factory-online-trainer " + codeVersion());
        prov.putAll(provenance);
        return ModelRelease.newBuilder()
                .setModelName(modelName).setVersion(lineage.version()).setParentVersion(lineage.parentVersion())
                .setStatus(decision.status()).setStatusReason(decision.reason()).setStatusBy(ReleaseActor.TRAINER)
                .setModelKind(config.kind().label()).setOnnx(ByteBuffer.wrap(onnx))
                .setSpecName(specName).setSpecVersion(specVersion)
                .setDenseSize(config.denseSize()).setSparseBuckets(config.buckets())
                .setCreatedAt(Instant.now()).setExamplesTrained(lineage.examplesTrained())
                .setTrainedThroughEventTime(Instant.ofEpochMilli(lineage.throughEventTimeMillis()))
                .setTrainedFromEventTime(lineage.fromEventTimeMillis() == null ? null
                        : Instant.ofEpochMilli(lineage.fromEventTimeMillis()))
                .setTrainingData(ranges).setMetrics(new LinkedHashMap<>(metrics)).setProvenance(prov)
                .build();
    }

    private static String codeVersion() {
        String v = ReleaseFactory.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
