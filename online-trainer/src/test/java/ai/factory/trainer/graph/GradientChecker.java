package ai.factory.trainer.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.DoubleBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.onnx.SessionSettings;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Compares gradients computed by an ONNX graph on ONNX Runtime (float64) with central differences of the
 * same graph's loss output.
 */
public final class GradientChecker implements AutoCloseable {

    /** A runtime input: float64 values or int64 ids, with a concrete shape. */
    public record Input(double[] reals, long[] ids, long[] shape) {
        public static Input reals(double[] values, long... shape) {
            return new Input(values, null, shape);
        }

        public static Input ids(long[] values, long... shape) {
            return new Input(null, values, shape);
        }
    }

    private static final double STEP = 1e-6;

    private final OrtEnvironment env;
    private final OrtSession session;

    public GradientChecker(byte[] model) throws OrtException {
        SessionFactory sessions = new SessionFactory(new SessionSettings(Device.CPU, 1, false));
        this.env = sessions.environment();
        this.session = sessions.create(model);
    }

    /** Runs the graph and returns every double output, flattened. */
    public Map<String, double[]> run(Map<String, Input> inputs) throws OrtException {
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            Map<String, OnnxTensor> feed = new LinkedHashMap<>();
            for (Map.Entry<String, Input> e : inputs.entrySet()) {
                Input in = e.getValue();
                OnnxTensor t = in.reals() != null
                        ? OnnxTensor.createTensor(env, DoubleBuffer.wrap(in.reals().clone()), in.shape())
                        : OnnxTensor.createTensor(env, LongBuffer.wrap(in.ids()), in.shape());
                owned.add(t);
                feed.put(e.getKey(), t);
            }
            Map<String, double[]> out = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(feed)) {
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
                    DoubleBuffer b = ((OnnxTensor) e.getValue()).getDoubleBuffer();
                    double[] values = new double[b.remaining()];
                    b.get(values);
                    out.put(e.getKey(), values);
                }
            }
            return out;
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    /**
     * Asserts that output {@code gradName} equals the numerical gradient of output {@code lossName} with respect
     * to input {@code wrt}, at up to {@code maxElements} evenly spread elements.
     *
     * @return the largest absolute difference seen
     */
    public double check(Map<String, Input> inputs, String lossName, String wrt, String gradName, int maxElements) throws OrtException {
        double[] analytic = run(inputs).get(gradName);
        Input x = inputs.get(wrt);
        assertThat(analytic).as("gradient of " + wrt).hasSize(x.reals().length);
        int stride = Math.max(1, x.reals().length / maxElements);
        double worst = 0;
        for (int i = 0; i < x.reals().length; i += stride) {
            double numeric = (lossAt(inputs, lossName, wrt, i, STEP) - lossAt(inputs, lossName, wrt, i, -STEP)) / (2 * STEP);
            double diff = Math.abs(numeric - analytic[i]);
            worst = Math.max(worst, diff);
            assertThat(diff).as("d%s/d%s[%d]: analytic %s, numeric %s", lossName, wrt, i, analytic[i], numeric)
                    .isLessThanOrEqualTo(1e-6 + 1e-5 * Math.abs(numeric));
        }
        return worst;
    }

    private double lossAt(Map<String, Input> inputs, String lossName, String wrt, int index, double delta) throws OrtException {
        Map<String, Input> moved = new LinkedHashMap<>(inputs);
        Input x = inputs.get(wrt);
        double[] values = x.reals().clone();
        values[index] += delta;
        moved.put(wrt, Input.reals(values, x.shape()));
        return run(moved).get(lossName)[0];
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
