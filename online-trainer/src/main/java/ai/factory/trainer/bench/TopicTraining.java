package ai.factory.trainer.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import ai.factory.bench.KafkaRates;
import ai.factory.kafka.KafkaConnection;
import ai.factory.onnx.SessionFactory;
import ai.factory.records.FeatureVector;
import ai.factory.records.LabeledExample;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.TopicCatalog;
import ai.factory.topics.Topics;
import ai.factory.trainer.job.ExampleReader;
import ai.factory.trainer.job.ReadResult;
import ai.factory.trainer.job.TrainerOptions;
import ai.factory.trainer.job.TrainingExample;
import ai.factory.trainer.learner.OnlineLearner;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.TrainingState;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Training straight from an {@code examples} topic next to a plain consumer reading the same records: the
 * trainer's own {@link ExampleReader} decodes and checks each Avro {@code LabeledExample}, full mini-batches of
 * the trainer's default size go through its learner, all on the polling thread. Flink, checkpoints
 * and the hold-out evaluation of releases are left out: this is the rate the trainer's per-example work allows.
 */
final class TopicTraining {

    private static final String SPEC = "bench-spec";

    /**
     * Records/s of the plain consumer, of the consumer with the trainer's reader alone, and with reader and training
     * step: the better of two rounds each (the first also warms up the clients and the session).
     */
    record Rates(double rawConsume, double decode, double decodeAndTrain, int examples, int batchSize) {
    }

    private TopicTraining() {
    }

    /**
     * Writes {@code examples} (rounded up to whole mini-batches) to a fresh topic named after {@code topicPrefix}, then
     * times both reads twice.
     */
    static Rates measure(KafkaConnection kafka, String topicPrefix, ModelConfig config, SessionFactory sessions, int examples)
            throws Exception {
        Topics topics = new Topics(topicPrefix + "bench-" + System.nanoTime() + ".");
        TrainerOptions options = TrainerOptions.defaults(kafka, topics, "bench", SPEC, 1, config);
        int batchSize = options.batchSize();
        int count = Math.max(1, (examples + batchSize - 1) / batchSize) * batchSize;
        KafkaRates.createTopic(kafka, topics.examples(), TopicCatalog.DEFAULT_PARTITIONS);
        write(options, config, count);

        ExampleReader reader = new ExampleReader(options.registry(), SPEC, 1, config, "bench");
        reader.open(null);
        double raw = 0;
        double decoded = 0;
        double trained = 0;
        try (OnlineLearner learner = OnlineLearner.open(config, sessions, options.stepsPerRun(), TrainingState.initial(config))) {
            for (int round = 0; round < 2; round++) {
                raw = Math.max(raw, KafkaRates.consume(kafka, topics.examples(), count));
                Trainer reading = new Trainer(reader, null, batchSize, options.stepsPerRun());
                decoded = Math.max(decoded, KafkaRates.consume(kafka, topics.examples(), count, reading));
                learner.reset(TrainingState.initial(config));
                Trainer trainer = new Trainer(reader, learner, batchSize, options.stepsPerRun());
                trained = Math.max(trained, KafkaRates.consume(kafka, topics.examples(), count, trainer));
                if (reading.accepted != count || trainer.trained != count) {
                    throw new IllegalStateException("read " + reading.accepted + " and trained on " + trainer.trained
                            + " of " + count + " examples");
                }
            }
        }
        return new Rates(raw, decoded, trained, count, batchSize);
    }

    /** Examples drawn from {@link SyntheticData}, encoded as the feedback join writes them. */
    private static void write(TrainerOptions options, ModelConfig config, int count) {
        SyntheticData data = new SyntheticData(config.denseSize(), config.sparseWidth(), config.buckets(), 0.5, 11);
        Batch batch = data.next(count).batch();
        Instant time = Instant.parse("2001-01-01T00:00:00Z");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(count);
        try (SchemaRegistry registry = options.registry().open()) {
            AvroCodec<LabeledExample> codec = AvroCodec.of(LabeledExample.class, registry);
            for (int i = 0; i < count; i++) {
                List<Float> dense = new ArrayList<>(config.denseSize());
                for (int j = 0; j < config.denseSize(); j++) {
                    dense.add(batch.dense()[i * config.denseSize() + j]);
                }
                List<Integer> sparse = new ArrayList<>(config.sparseWidth());
                for (int j = 0; j < config.sparseWidth(); j++) {
                    sparse.add((int) batch.sparse()[i * config.sparseWidth() + j]);
                }
                String id = "x" + i;
                Instant at = time.plusMillis(i);
                FeatureVector f = FeatureVector.newBuilder().setEventId(id).setEventTime(at).setEntity(null)
                        .setDense(dense).setSparse(sparse).setSparseBuckets(config.buckets()).setSpecName(SPEC)
                        .setSpecVersion(1).setLate(false).setPreparedAt(at).build();
                LabeledExample e = LabeledExample.newBuilder().setEventId(id).setFeatures(f).setLabel(batch.labels()[i])
                        .setLabelTime(at.plusSeconds(600)).setLabelSource("feedback").setServedScore(0.5)
                        .setModelName("bench").setModelVersion(1L).build();
                records.add(new ProducerRecord<>(options.topics().examples(), id.getBytes(StandardCharsets.UTF_8), codec.encode(e)));
            }
        }
        KafkaRates.produce(options.kafka(), records);
    }

    /**
     * Decodes each record with the trainer's reader and trains on every full mini-batch, as {@code TrainerFunction}
     * does; without a learner it only decodes.
     */
    private static final class Trainer implements Consumer<ConsumerRecord<byte[], byte[]>>, Collector<ReadResult> {
        private final ExampleReader reader;
        private final OnlineLearner learner;
        private final int batchSize;
        private final int trainAt;
        private final List<TrainingExample> buffer = new ArrayList<>();
        private long accepted;
        private long trained;

        Trainer(ExampleReader reader, OnlineLearner learner, int batchSize, int batchesPerRun) {
            this.reader = reader;
            this.learner = learner;
            this.batchSize = batchSize;
            this.trainAt = batchSize * batchesPerRun;
        }

        @Override
        public void accept(ConsumerRecord<byte[], byte[]> record) {
            reader.deserialize(record, this);
        }

        @Override
        public void collect(ReadResult read) {
            if (!read.isAccepted()) {
                throw new IllegalStateException("the trainer's reader rejected a benchmark example");
            }
            accepted++;
            if (learner == null) {
                return;
            }
            buffer.add(read.example());
            if (buffer.size() >= trainAt) {
                List<Batch> batches = new ArrayList<>();
                for (int from = 0; from < buffer.size(); from += batchSize) {
                    batches.add(TrainingExample.batch(buffer.subList(from, from + batchSize), learner.config()));
                }
                try {
                    learner.learn(batches);
                } catch (Exception e) {
                    throw new IllegalStateException("training step failed", e);
                }
                trained += buffer.size();
                buffer.clear();
            }
        }

        @Override
        public void close() {
        }
    }
}
