package ai.factory.trainer.job;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import ai.factory.deadletter.DeadLetters;
import ai.factory.flink.metrics.FlinkCost;
import ai.factory.metrics.CostMeters;
import ai.factory.metrics.CpuMeter;
import ai.factory.records.FeatureVector;
import ai.factory.records.LabeledExample;
import ai.factory.records.Rejected;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.RecordSource;
import ai.factory.serde.SchemaRegistry;
import ai.factory.serde.SchemaRegistryAddress;
import ai.factory.serde.UndecodableRecordException;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.Task;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads {@code examples} records: decodes them and checks they fit the model (spec, shapes, id range,
 * finite values, 0/1 labels for binary models). Anything else becomes a {@code Rejected} record with the reason,
 * so bad input never stops the job.
 */
public final class ExampleReader implements KafkaRecordDeserializationSchema<ReadResult> {

    private static final long serialVersionUID = 1L;

    private final SchemaRegistryAddress registryAddress;
    private final String specName;
    private final int specVersion;
    private final ModelConfig model;
    private final String jobName;
    private transient AvroCodec<LabeledExample> examples;
    private transient AvroCodec<Rejected> rejections;
    /** The source threads' meter: reading and decoding examples is training's work too; none without a context. */
    private transient CpuMeter cost;

    public ExampleReader(SchemaRegistryAddress registryAddress, String specName, int specVersion, ModelConfig model, String jobName) {
        this.registryAddress = registryAddress;
        this.specName = specName;
        this.specVersion = specVersion;
        this.model = model;
        this.jobName = jobName;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        SchemaRegistry registry = registryAddress.open();
        examples = AvroCodec.of(LabeledExample.class, registry);
        rejections = AvroCodec.of(Rejected.class, registry);
        cost = context == null ? null : FlinkCost.meter(context.getMetricGroup(), CostMeters.TRAINING, false);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ReadResult> out) {
        if (examples == null) {
            open(null);
        }
        if (cost != null) {
            cost.tick();
        }
        RecordSource source = new RecordSource(record.topic(), record.partition(), record.offset());
        LabeledExample example;
        try {
            example = examples.decode(source, record.value());
        } catch (UndecodableRecordException e) {
            out.collect(reject(record, null, "UNDECODABLE", e.getMessage()));
            return;
        }
        String problem = problem(example);
        if (problem != null) {
            out.collect(reject(record, example.getEventId(), problem.substring(0, problem.indexOf(':')), problem));
            return;
        }
        FeatureVector f = example.getFeatures();
        float[] dense = new float[f.getDense().size()];
        for (int i = 0; i < dense.length; i++) {
            dense[i] = f.getDense().get(i);
        }
        long[] sparse = new long[f.getSparse().size()];
        for (int i = 0; i < sparse.length; i++) {
            sparse[i] = f.getSparse().get(i);
        }
        out.collect(ReadResult.accepted(new TrainingExample(example.getEventId(), f.getEventTime().toEpochMilli(), dense, sparse,
                (float) example.getLabel(), record.partition(), record.offset())));
    }

    /** Why the example cannot be trained on, as "CODE: explanation", or null when it can. */
    String problem(LabeledExample example) {
        FeatureVector f = example.getFeatures();
        if (!f.getSpecName().equals(specName) || f.getSpecVersion() != specVersion) {
            return "SPEC_MISMATCH: features of spec " + f.getSpecName() + " v" + f.getSpecVersion()
                    + ", model trains on " + specName + " v" + specVersion;
        }
        if (f.getDense().size() != model.denseSize() || f.getSparse().size() != model.sparseWidth()) {
            return "SHAPE_MISMATCH: dense " + f.getDense().size() + " / sparse " + f.getSparse().size()
                    + ", model expects " + model.denseSize() + " / " + model.sparseWidth();
        }
        List<Integer> ids = f.getSparse();
        for (int id : ids) {
            if (id < 0 || id >= model.buckets()) {
                return "OUT_OF_RANGE: sparse id " + id + " outside [0, " + model.buckets() + ")";
            }
        }
        for (float v : f.getDense()) {
            if (!Float.isFinite(v)) {
                return "NOT_FINITE: dense feature " + v;
            }
        }
        double label = example.getLabel();
        if (!Double.isFinite(label)) {
            return "NOT_FINITE: label " + label;
        }
        if (model.task() == Task.BINARY && label != 0.0 && label != 1.0) {
            return "BAD_LABEL: binary model needs label 0 or 1, got " + label;
        }
        return null;
    }

    private ReadResult reject(ConsumerRecord<byte[], byte[]> record, String eventId, String code, String reason) {
        String key = eventId != null ? eventId
                : record.key() != null ? new String(record.key(), StandardCharsets.UTF_8) : null;
        Rejected rejected = DeadLetters.rejected(key, code, reason,
                new RecordSource(record.topic(), record.partition(), record.offset()), record.value(), Instant.now(),
                jobName);
        return ReadResult.rejected(new KeyedBytes(rejected.getEventId(), rejections.encode(rejected)));
    }

    @Override
    public TypeInformation<ReadResult> getProducedType() {
        return TypeInformation.of(ReadResult.class);
    }
}
