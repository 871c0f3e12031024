package ai.factory.ingest.features;

import java.io.Serializable;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.factory.ingest.features.FeatureLayout.Stage;
import ai.factory.ingest.spec.FeatureDefinition;
import ai.factory.ingest.spec.FeatureDefinition.Categorical;
import ai.factory.ingest.spec.FeatureDefinition.Cross;
import ai.factory.ingest.spec.FeatureDefinition.Numeric;
import ai.factory.ingest.spec.FeatureDefinition.Time;
import ai.factory.ingest.spec.FeatureDefinition.TimeEncoding;
import ai.factory.ingest.spec.FeatureDefinition.TimePart;
import ai.factory.ingest.spec.FeatureDefinition.WindowAggregate;
import ai.factory.ingest.spec.FeatureSpec;
import ai.factory.ingest.spec.NumericTransform;
import ai.factory.ingest.validation.ReasonCode;
import ai.factory.ingest.validation.Violation;
import ai.factory.records.Event;

/**
 * Computes everything about one event that needs no state: numeric transforms, hashed categories,
 * crosses and time parts; and collects the keys and raw inputs the keyed stages need.
 * Expects an event that passed validation.
 */
public final class StatelessFeaturizer implements Serializable {

    /** The category value of a missing optional attribute. */
    public static final String MISSING = "\u2205";

    private final FeatureLayout layout;
    private final FeatureSpec spec;

    public StatelessFeaturizer(FeatureLayout layout) {
        this.layout = layout;
        this.spec = layout.spec();
    }

    /** The outcome: a vector, or the violation that stops this event (a value that became NaN or infinite). */
    public record Result(PartialVector vector, Violation violation) {
    }

    public Result featurize(Event event) {
        Map<String, Object> attributes = event.getAttributes();
        float[] dense = new float[layout.denseSize()];
        int[] sparse = new int[layout.sparseWidth()];
        double[] inputs = new double[layout.inputCount()];
        Map<String, String> categories = new HashMap<>();
        long millis = event.getEventTime().toEpochMilli();
        ZonedDateTime time = null;
        for (FeatureDefinition f : spec.features()) {
            if (f instanceof Numeric n) {
                double x = number(attributes.get(n.attribute()), n.defaultValue());
                List<NumericTransform> transforms = n.transforms();
                for (NumericTransform t : transforms) {
                    if (t.kind() != NumericTransform.Kind.STANDARDIZE) {
                        x = t.apply(x);
                    }
                }
                if (!Double.isFinite(x)) {
                    return new Result(null, new Violation(ReasonCode.NOT_FINITE,
                            "feature " + n.name() + " of attribute " + n.attribute() + " is " + x + " after its transforms"));
                }
                if (n.standardized()) {
                    inputs[layout.inputIndex("standardize:" + n.name())] = x;
                } else {
                    dense[layout.denseSlot(n.name())] = (float) x;
                }
            } else if (f instanceof Categorical c) {
                String value = category(attributes.get(c.attribute()));
                categories.put(c.name(), value);
                sparse[layout.sparseSlot(c.name())] = CategoryHasher.id(c.name(), value, c.buckets(), spec.sparseBuckets());
            } else if (f instanceof Cross x) {
                String value = categories.get(x.left()) + "\u00d7" + categories.get(x.right());
                sparse[layout.sparseSlot(x.name())] = CategoryHasher.id(x.name(), value, x.buckets(), spec.sparseBuckets());
            } else if (f instanceof Time t) {
                if (time == null) {
                    time = Instant.ofEpochMilli(millis).atZone(spec.timeZone());
                }
                int part = part(time, t.part());
                int slot = layout.denseSlot(t.name());
                if (t.encoding() == TimeEncoding.VALUE) {
                    dense[slot] = part;
                } else if (t.encoding() == TimeEncoding.CYCLIC) {
                    double angle = 2 * Math.PI * part / t.part().period();
                    dense[slot] = (float) Math.sin(angle);
                    dense[slot + 1] = (float) Math.cos(angle);
                } else {
                    String value = Integer.toString(part);
                    categories.put(t.name(), value);
                    sparse[layout.sparseSlot(t.name())] = CategoryHasher.id(t.name(), value, 0, spec.sparseBuckets());
                }
            } else if (f instanceof WindowAggregate w && w.attribute() != null) {
                inputs[layout.inputIndex("attribute:" + w.attribute())] = number(attributes.get(w.attribute()), 0.0);
            }
        }
        String[] keys = new String[layout.stages().size()];
        for (Stage stage : layout.stages()) {
            keys[stage.index()] = stage.global() ? FeatureLayout.GLOBAL_KEY : category(attributes.get(stage.keyAttribute()));
        }
        return new Result(new PartialVector(event.getId(), millis, event.getEntity(), dense, sparse, keys, inputs, false), null);
    }

    /** The number of a validated attribute: longs and doubles as they are, booleans as 1 and 0. */
    static double number(Object value, double fallback) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        return fallback;
    }

    static String category(Object value) {
        return value == null ? MISSING : value.toString();
    }

    static int part(ZonedDateTime time, TimePart part) {
        return switch (part) {
            case HOUR_OF_DAY -> time.getHour();
            case DAY_OF_WEEK -> time.getDayOfWeek().getValue();
            case MONTH_OF_YEAR -> time.getMonthValue();
        };
    }
}
