package ai.factory.trainer.learner;

import java.util.List;
import java.util.Map;

import ai.factory.onnx.SessionFactory;
import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.FloatTensor;
import ai.factory.trainer.model.ModelConfig;
import ai.factory.trainer.model.TrainingState;
import ai.factory.trainer.runtime.EvaluationSession;
import ai.factory.trainer.runtime.TrainingSession;
import ai.onnxruntime.OrtException;

/** Any model kind learnt on ONNX Runtime: its training-step (or K-step) graph to learn, its evaluation graph to score. */
final class OrtLearner implements OnlineLearner {

    private final ModelConfig config;
    private final TrainingSession training;
    private final EvaluationSession evaluation;
    private TrainingState state;

    private OrtLearner(ModelConfig config, TrainingSession training, EvaluationSession evaluation, TrainingState state) {
        this.config = config;
        this.training = training;
        this.evaluation = evaluation;
        this.state = state;
    }

    static OrtLearner open(ModelConfig config, SessionFactory sessions, int stepsPerRun, TrainingState start) throws OrtException {
        TrainingSession training = TrainingSession.open(config, sessions, stepsPerRun);
        try {
            return new OrtLearner(config, training, EvaluationSession.open(config, sessions), start);
        } catch (OrtException | RuntimeException e) {
            training.close();
            throw e;
        }
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public Learnt learn(List<Batch> batches) throws OrtException {
        TrainingSession.StepsResult r = training.steps(state, batches);
        state = r.state();
        return new Learnt(r.losses(), r.scores());
    }

    @Override
    public float[] predict(Map<String, FloatTensor> params, Batch batch) throws OrtException {
        return evaluation.score(params, batch);
    }

    @Override
    public TrainingState state() {
        return state; // immutable: a step makes a new one
    }

    @Override
    public void reset(TrainingState state) {
        this.state = state;
    }

    @Override
    public String runsOn() {
        return training.device().toString();
    }

    @Override
    public void close() throws OrtException {
        try {
            training.close();
        } finally {
            evaluation.close();
        }
    }
}
