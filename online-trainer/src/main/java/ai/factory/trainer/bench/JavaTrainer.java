package ai.factory.trainer.bench;

import java.util.Map;

import ai.factory.trainer.model.Batch;
import ai.factory.trainer.model.FloatTensor;

/** The training step written as plain Java loops: the baseline the ONNX Runtime step is measured against. */
public interface JavaTrainer {

    /** One forward, backward and optimizer update; returns the batch's mean data loss before the update. */
    double step(Batch batch);

    /** Current parameters, named like the graph's. */
    Map<String, FloatTensor> params();

    static float sigmoid(float z) {
        return (float) (1 / (1 + Math.exp(-z)));
    }

    static float logLoss(float z, float y) {
        // softplus(z) - y z, stable for large |z|
        float softplus = (float) (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))));
        return softplus - y * z;
    }
}
