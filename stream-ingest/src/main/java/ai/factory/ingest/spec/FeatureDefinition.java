package ai.factory.ingest.spec;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/** One feature of a spec; the permitted kinds are the nested records. */
public sealed interface FeatureDefinition extends Serializable {

    /** Unique name within the spec; also the hashing namespace of categorical features. */
    String name();

    /** How windowed aggregates combine the values in their window. */
    enum Aggregate { COUNT, SUM, MEAN }

    /** A part of the event time. */
    enum TimePart {
        HOUR_OF_DAY(24), DAY_OF_WEEK(7), MONTH_OF_YEAR(12);

        private final int period;

        TimePart(int period) {
            this.period = period;
        }

        /** Length of one cycle, for the sin/cos encoding. */
        public int period() {
            return period;
        }
    }

    /** How a time part enters the vector: its number, a point on the unit circle, or a hashed category. */
    enum TimeEncoding { VALUE, CYCLIC, CATEGORICAL }

    /**
     * A numeric attribute passed through transforms in order; standardize may only come last.
     *
     * @param defaultValue used when an optional attribute is missing
     */
    record Numeric(String name, String attribute, List<NumericTransform> transforms, double defaultValue)
            implements FeatureDefinition {
        public Numeric {
            transforms = List.copyOf(transforms);
        }

        /** True when the last transform keeps running statistics in state. */
        public boolean standardized() {
            return !transforms.isEmpty() && transforms.get(transforms.size() - 1).kind() == NumericTransform.Kind.STANDARDIZE;
        }
    }

    /**
     * A string attribute hashed to one sparse id.
     *
     * @param buckets distinct ids this namespace may use (0: no cap beyond the shared id space)
     */
    record Categorical(String name, String attribute, int buckets) implements FeatureDefinition {
    }

    /** The combination of two categorical features (categorical attributes or categorical time parts). */
    record Cross(String name, String left, String right, int buckets) implements FeatureDefinition {
    }

    /** A part of the event time in the spec's time zone. */
    record Time(String name, TimePart part, TimeEncoding encoding) implements FeatureDefinition {
    }

    /**
     * An aggregate of the other events with the same {@code key} attribute whose event time lies in
     * {@code (t - window, t]}; {@code attribute} is the summed value (null for COUNT). {@code transforms} are
     * stateless steps (log1p, clip) applied to the aggregate, e.g. to bring a count to the scale of the other inputs.
     */
    record WindowAggregate(String name, String key, Duration window, Aggregate aggregate, String attribute,
                           List<NumericTransform> transforms) implements FeatureDefinition {
        public WindowAggregate {
            transforms = List.copyOf(transforms);
        }
    }

    /**
     * An aggregate of the labels of feedback about earlier events with the same {@code key} attribute,
     * counting only feedback whose own time lies in {@code (t - window, t)}: nothing from the event's future, nor a
     * label dated at its own time (with no label delay that may be its own outcome).
     * {@code transforms} as for {@link WindowAggregate}.
     */
    record FeedbackAggregate(String name, String key, Duration window, Aggregate aggregate,
                             List<NumericTransform> transforms) implements FeatureDefinition {
        public FeedbackAggregate {
            transforms = List.copyOf(transforms);
        }
    }
}
