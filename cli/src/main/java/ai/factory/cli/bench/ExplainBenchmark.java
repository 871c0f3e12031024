package ai.factory.cli.bench;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import ai.factory.bench.BenchResult;
import ai.factory.bench.BenchResult.Figure;
import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.onnx.SessionSettings;
import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseStatus;
import ai.factory.scoring.model.BatchInputs;
import ai.factory.scoring.model.ModelSession;
import ai.factory.scoring.model.ReleaseLoader;
import ai.factory.scoring.model.VectorShape;
import ai.factory.trainer.job.ModelInput;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.ModelKind;
import ai.factory.trainer.model.ModelGraphs;
import ai.factory.trainer.model.TrainingState;

/**
 * What {@code --explain} costs the scorer: rows/s of a scorer's session of the trainer's own graph (every model kind,
 * the flights spec's shape) explaining every row, next to the same graph not explaining, at several batch sizes. The two
 * alternate in short rounds so that a noisy machine slows both alike; explaining includes building each row's Avro
 * explanation, as the scorer does.
 */
public final class ExplainBenchmark {

    public static final String NAME = "explain";
    private static final String SPEC = "classpath:specs/flights.json";
    private static final int ROUNDS = 6;

    private ExplainBenchmark() {
    }

    /**
     * @param seconds measuring time per batch size and mode
     * @param top     features per explanation
     */
    public static BenchResult run(double seconds, int[] batchSizes, int top, int threads) throws Exception {
        ModelInput input = ModelInput.fromSpec(SPEC);
        BenchResult.Builder result = BenchResult.builder(NAME, "rows/s of scorer sessions explaining every row (--explain "
                        + top + ") next to the same sessions not explaining, trainer-built graphs of the flights spec")
                .setting("spec", SPEC + " (dense " + input.denseSize() + ", sparse " + input.sparseWidth() + ", buckets "
                        + input.buckets() + ")")
                .setting("ORT threads", threads).setting("seconds per batch size and mode", seconds)
                .setting("explained features", top);
        SessionFactory sessions = new SessionFactory(new SessionSettings(Device.CPU, threads, false));
        for (ModelKind modelKind : ModelKind.values()) {
            if (modelKind == ModelKind.IMPORTED) {
                continue; // a graph of someone else's: nothing to build here
            }
            ModelConfig config = ModelConfig.of(modelKind, input.denseSize(), input.sparseWidth(), input.buckets())
                    .withSlotFeatures(input.slotFeatures()).withLabelScale(0.2, 1);
            ModelRelease release = release(config, input);
            int largest = java.util.Arrays.stream(batchSizes).max().orElse(1);
            ModelSession plain = new ReleaseLoader(sessions, largest, 0).load(release, Optional.empty());
            ModelSession explaining = new ReleaseLoader(sessions, largest, top).load(release, Optional.empty());
            try {
                String kind = config.kind().label();
                String method = ai.factory.trainer.model.Attribution.method(config);
                for (int batch : batchSizes) {
                    BatchInputs inputs = inputs(plain.shape(), batch, input.buckets());
                    double[] rates = alternate(plain, explaining, inputs, seconds);
                    result.figure(Figure.against(kind + " explained (" + method + "), batch " + batch, rates[1], "rows/s",
                            "not explained", rates[0]));
                }
            } finally {
                plain.retire();
                explaining.retire();
            }
        }
        return result.note("a ratio is explained rows/s over plain rows/s in the same rounds: 1 - ratio is the share of "
                + "scoring time the explanation adds").build();
    }

    /** Rows/s of {@code plain} and of {@code explaining} on the same rows, in alternating rounds. */
    private static double[] alternate(ModelSession plain, ModelSession explaining, BatchInputs inputs, double seconds)
            throws Exception {
        ModelSession[] sessions = {plain, explaining};
        long[] rows = new long[2];
        long[] nanos = new long[2];
        long perRound = (long) (seconds * 1e9 / ROUNDS);
        for (ModelSession s : sessions) {
            for (int i = 0; i < 20; i++) {
                s.run(inputs);   // warm up
            }
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (int k = 0; k < 2; k++) {
                long start = System.nanoTime();
                long end = start + perRound;
                long now = start;
                while (now < end) {
                    sessions[k].run(inputs);
                    rows[k] += inputs.rows();
                    now = System.nanoTime();
                }
                nanos[k] += now - start;
            }
        }
        return new double[] {rows[0] / (nanos[0] / 1e9), rows[1] / (nanos[1] / 1e9)};
    }

    private static BatchInputs inputs(VectorShape shape, int rows, int buckets) {
        SplittableRandom random = new SplittableRandom(7);
        BatchInputs inputs = new BatchInputs();
        inputs.reset(shape, rows);
        for (int i = 0; i < rows; i++) {
            float[] dense = new float[shape.denseSize()];
            for (int j = 0; j < dense.length; j++) {
                dense[j] = (float) random.nextGaussian();
            }
            long[] sparse = new long[shape.sparseWidth()];
            for (int j = 0; j < sparse.length; j++) {
                sparse[j] = random.nextInt(buckets);
            }
            inputs.add(dense, sparse);
        }
        return inputs;
    }

    private static ModelRelease release(ModelConfig config, ModelInput input) {
        Map<String, String> meta = Map.of("model_name", "bench", "model_version", "1");
        byte[] onnx = ModelGraphs.inference(config, TrainingState.initial(config).params(), meta).toByteArray();
        return ModelRelease.newBuilder().setModelName("bench").setVersion(1).setStatus(ReleaseStatus.CHAMPION)
                .setModelKind(config.kind().label()).setOnnx(ByteBuffer.wrap(onnx)).setSpecName(input.specName())
                .setSpecVersion(input.specVersion()).setDenseSize(input.denseSize()).setSparseBuckets(input.buckets())
                .setCreatedAt(Instant.now()).setExamplesTrained(0).setTrainedThroughEventTime(Instant.EPOCH).build();
    }
}
