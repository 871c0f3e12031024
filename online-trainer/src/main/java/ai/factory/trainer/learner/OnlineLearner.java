package ai.factory.trainer.learner;

import java.util.List;
import java.util.Map;

import ai.factory.onnx.SessionFactory;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.TrainingState;
import ai.onnxruntime.OrtException;

/**
 * A model that learns from mini-batches as they come and scores with what it has learnt so far: River's
 * {@code learn_one} and {@code predict_proba_one}, a mini-batch at a time because the graphs are batched. The trainer,
 * the offline replay and the benchmarks train and score every model kind through it.
 *
 * <p>A learner owns its live weights and optimizer state; {@link #state()} and {@link #reset} hand them over, so a
 * caller that checkpoints them elsewhere (the Flink trainer) keeps its own format.
 */
public interface OnlineLearner extends AutoCloseable {

    /** What learning a list of mini-batches gave: per batch its mean data loss and its scores, both from before its update. */
    record Learnt(double[] losses, List<float[]> scores) {
    }

    /** The model being learnt. */
    ModelConfig config();

    /** One update per batch, in order. */
    Learnt learn(List<Batch> batches) throws OrtException;

    /** One update on {@code batch}. */
    default Learnt learn(Batch batch) throws OrtException {
        return learn(List.of(batch));
    }

    /** Scores [n] of {@code batch} under the live weights, as the published model would serve them. */
    default float[] predict(Batch batch) throws OrtException {
        return predict(state().params(), batch);
    }

    /** Scores [n] of {@code batch} under other weights of the same model: a release, the champion. */
    float[] predict(Map<String, FloatTensor> params, Batch batch) throws OrtException;

    /** The live weights and optimizer state; later learning does not change the returned state. */
    TrainingState state();

    /** Continues from {@code state} (a warm start, a champion to fall back to, a restored checkpoint). */
    void reset(TrainingState state);

    /** Where it computes: the ONNX Runtime device ({@code cpu}, {@code cuda:0}) or {@code java}. */
    String runsOn();

    @Override
    void close() throws OrtException;

    /** Any model kind on ONNX Runtime, one step per mini-batch and one mini-batch per run, from {@code start}. */
    static OnlineLearner open(ModelConfig config, SessionFactory sessions, TrainingState start) throws OrtException {
        return open(config, sessions, 1, start);
    }

    /**
     * Any model kind on ONNX Runtime, from {@code start}; {@link #learn(List)} runs up to {@code stepsPerRun}
     * consecutive mini-batches of one size in one ONNX Runtime call (the K-step graph).
     */
    static OnlineLearner open(ModelConfig config, SessionFactory sessions, int stepsPerRun, TrainingState start) throws OrtException {
        return OrtLearner.open(config, sessions, stepsPerRun, start);
    }
}
