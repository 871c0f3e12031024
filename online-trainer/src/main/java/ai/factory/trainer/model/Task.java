package ai.factory.trainer.model;

import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Value;

/** What the label is: a binary outcome (log loss, sigmoid score) or a number (squared loss, raw score). */
public enum Task {
    BINARY {
        @Override
        public Value score(GraphBuilder g, Value logit) {
            return g.sigmoid(logit);
        }

        @Override
        public Value loss(GraphBuilder g, Value logit, Value label) {
            // log(1 + e^z) - y z is the log loss of sigmoid(z), without log(0) for confident predictions.
            return g.meanAll(g.sub(g.softplus(logit), g.mul(label, logit)));
        }
    },
    REGRESSION {
        @Override
        public Value score(GraphBuilder g, Value logit) {
            return g.identity(logit);
        }

        @Override
        public Value loss(GraphBuilder g, Value logit, Value label) {
            Value error = g.sub(logit, label);
            return g.meanAll(g.mul(error, error));
        }
    };

    /** The served score from the model's raw output. */
    public abstract Value score(GraphBuilder g, Value logit);

    /** Mean loss over the batch, a scalar. */
    public abstract Value loss(GraphBuilder g, Value logit, Value label);

    /** Per-example loss of a served score, in Java (hold-out metrics). */
    public double loss(double score, double label) {
        if (this == REGRESSION) {
            double e = score - label;
            return e * e;
        }
        double p = Math.min(Math.max(score, 1e-7), 1 - 1e-7);
        return -(label * Math.log(p) + (1 - label) * Math.log(1 - p));
    }
}
