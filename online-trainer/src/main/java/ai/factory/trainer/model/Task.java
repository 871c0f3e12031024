package ai.factory.trainer.model;

import ai.factory.trainer.graph.GraphBuilder;
import ai.factory.trainer.graph.Value;

/**
 * What the label is: a binary outcome (log loss, sigmoid score, the raw output shifted by the base rate's logit) or a
 * number (squared loss on the standardised label, score in label units).
 */
public enum Task {
    BINARY {
        @Override
        public Value score(GraphBuilder g, Value raw, ModelConfig config) {
            return g.sigmoid(logit(g, raw, config));
        }

        @Override
        public Value loss(GraphBuilder g, Value raw, Value label, ModelConfig config) {
            // log(1 + e^z) - y z is the log loss of sigmoid(z), without log(0) for confident predictions.
            Value logit = logit(g, raw, config);
            return g.meanAll(g.sub(g.softplus(logit), g.mul(label, logit)));
        }

        /** The raw output shifted by the base rate's logit, so zero weights serve the base rate. */
        private static Value logit(GraphBuilder g, Value raw, ModelConfig config) {
            return config.scalesLabels() ? g.add(raw, g.scalar(config.logitOffset())) : raw;
        }

        @Override
        public double lossUnit(ModelConfig config) {
            return 1;
        }

        @Override
        public Value explained(GraphBuilder g, Value raw, ModelConfig config) {
            return logit(g, raw, config);
        }

        @Override
        public double explainedPerRaw(ModelConfig config) {
            return 1;
        }

        @Override
        public String explainedUnits() {
            return "logit";
        }
    },
    REGRESSION {
        @Override
        public Value score(GraphBuilder g, Value raw, ModelConfig config) {
            if (!config.scalesLabels()) {
                return g.identity(raw);
            }
            return g.add(g.mul(raw, g.scalar(config.labelStd())), g.scalar(config.labelMean()));
        }

        @Override
        public Value loss(GraphBuilder g, Value raw, Value label, ModelConfig config) {
            // In standardised units, so a step of the learning rate means the same for any label scale.
            Value target = config.scalesLabels()
                    ? g.mul(g.sub(label, g.scalar(config.labelMean())), g.scalar(1 / config.labelStd()))
                    : label;
            Value error = g.sub(raw, target);
            return g.meanAll(g.mul(error, error));
        }

        @Override
        public double lossUnit(ModelConfig config) {
            return config.labelStd() * config.labelStd();
        }

        @Override
        public Value explained(GraphBuilder g, Value raw, ModelConfig config) {
            return score(g, raw, config);
        }

        @Override
        public double explainedPerRaw(ModelConfig config) {
            return config.labelStd();
        }

        @Override
        public String explainedUnits() {
            return "label";
        }
    };

    /**
     * The output an explanation splits into parts: the logit of a binary score (additive, unlike a probability), the
     * score itself of a numeric one. An affine map of the raw output.
     */
    public abstract Value explained(GraphBuilder g, Value raw, ModelConfig config);

    /** The slope of {@link #explained} in the raw output: what one unit of a raw attribution is worth. */
    public abstract double explainedPerRaw(ModelConfig config);

    /** What {@link #explained} is in: {@code logit} or {@code label}. */
    public abstract String explainedUnits();

    /** The served score from the model's raw output: a probability, or a value in label units. */
    public abstract Value score(GraphBuilder g, Value raw, ModelConfig config);

    /** Mean training loss over the batch, a scalar (regression: in standardised label units). */
    public abstract Value loss(GraphBuilder g, Value raw, Value label, ModelConfig config);

    /**
     * What one standardised unit of {@link #loss(double, double)} is worth: 1 for log loss, labelStd² for squared
     * error in label units. Dividing by it puts hold-out losses of any label scale on one footing.
     */
    public abstract double lossUnit(ModelConfig config);

    /** Per-example loss of a served score, in Java (hold-out metrics): log loss, or squared error in label units. */
    public double loss(double score, double label) {
        if (this == REGRESSION) {
            double e = score - label;
            return e * e;
        }
        double p = Math.min(Math.max(score, 1e-7), 1 - 1e-7);
        return -(label * Math.log(p) + (1 - label) * Math.log(1 - p));
    }
}
