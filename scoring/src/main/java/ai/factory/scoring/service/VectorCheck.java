package ai.factory.scoring.service;

import java.util.List;
import java.util.Optional;

import ai.factory.records.FeatureVector;
import ai.factory.scoring.model.ModelSession;

/** Whether a vector fits the model that would score it: widths, finite dense values, sparse ids in range. */
final class VectorCheck {

    private VectorCheck() {
    }

    static Optional<Problem> check(FeatureVector vector, ModelSession model) {
        List<Float> dense = vector.getDense();
        List<Integer> sparse = vector.getSparse();
        if (dense.size() != model.shape().denseSize() || sparse.size() != model.shape().sparseWidth()) {
            return Optional.of(new Problem(Problem.SHAPE_MISMATCH, "vector has dense[" + dense.size() + "] sparse["
                    + sparse.size() + "], model " + model.release() + " takes " + model.shape()));
        }
        for (int i = 0; i < dense.size(); i++) {
            if (!Float.isFinite(dense.get(i))) {
                return Optional.of(new Problem(Problem.NOT_FINITE, "dense[" + i + "] is " + dense.get(i)));
            }
        }
        int buckets = model.sparseBuckets();
        for (int i = 0; i < sparse.size(); i++) {
            int id = sparse.get(i);
            if (id < 0 || id >= buckets) {
                return Optional.of(new Problem(Problem.SPARSE_OUT_OF_RANGE,
                        "sparse[" + i + "] = " + id + " is outside [0, " + buckets + ")"));
            }
        }
        return Optional.empty();
    }
}
