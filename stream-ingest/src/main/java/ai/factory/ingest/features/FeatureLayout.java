package ai.factory.ingest.features;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.factory.ingest.spec.FeatureDefinition;
import ai.factory.ingest.spec.FeatureDefinition.Aggregate;
import ai.factory.ingest.spec.FeatureDefinition.Categorical;
import ai.factory.ingest.spec.FeatureDefinition.Cross;
import ai.factory.ingest.spec.FeatureDefinition.FeedbackAggregate;
import ai.factory.ingest.spec.FeatureDefinition.Numeric;
import ai.factory.ingest.spec.FeatureDefinition.Time;
import ai.factory.ingest.spec.FeatureDefinition.TimeEncoding;
import ai.factory.ingest.spec.FeatureDefinition.WindowAggregate;
import ai.factory.ingest.spec.FeatureSpec;
import ai.factory.ingest.spec.NumericTransform;

/**
 * Where every feature of a spec lands in the vector (dense slots, sparse slots) and which keyed stage
 * computes its stateful part. Stages: one per distinct key attribute of window and feedback aggregates,
 * in spec order, then one global stage for standardization when any feature is standardized.
 */
public final class FeatureLayout implements Serializable {

    /** Key of the global stage, whose state (running moments) spans all events. */
    public static final String GLOBAL_KEY = "*";

    /** A stateful feature value a stage writes into {@code denseSlot}. */
    public sealed interface StatefulSlot extends Serializable {
        int denseSlot();
    }

    /** Standardizes {@code inputs[input]} with running moments kept at {@code momentsOffset} of the stage's state. */
    public record Standardize(int denseSlot, int input, int momentsOffset) implements StatefulSlot {
    }

    /**
     * An aggregate over the stage's event series; column 0 is the count, column k the sum of input k-1 of the series;
     * {@code transforms} (stateless) apply to the aggregate.
     */
    public record EventWindow(int denseSlot, long windowMillis, Aggregate aggregate, int column,
                              List<NumericTransform> transforms) implements StatefulSlot {
    }

    /** An aggregate over the labels of the stage's feedback series, then its (stateless) {@code transforms}. */
    public record FeedbackWindow(int denseSlot, long windowMillis, Aggregate aggregate,
                                 List<NumericTransform> transforms) implements StatefulSlot {
    }

    /** {@code value} after the stateless {@code transforms}, in order. */
    public static double transform(List<NumericTransform> transforms, double value) {
        double x = value;
        for (NumericTransform t : transforms) {
            x = t.apply(x);
        }
        return x;
    }

    /**
     * One keyed step of the job.
     *
     * @param keyAttribute the attribute the stage is keyed by, or null for the global stage
     * @param seriesInputs the inputs summed per event-time bucket, in column order after the count
     */
    public record Stage(int index, String keyAttribute, List<StatefulSlot> slots, int[] seriesInputs)
            implements Serializable {

        public boolean global() {
            return keyAttribute == null;
        }

        public boolean hasEventWindows() {
            return slots.stream().anyMatch(EventWindow.class::isInstance);
        }

        public boolean hasFeedbackWindows() {
            return slots.stream().anyMatch(FeedbackWindow.class::isInstance);
        }

        public int standardizedCount() {
            return (int) slots.stream().filter(Standardize.class::isInstance).count();
        }

        public long maxEventWindowMillis() {
            return slots.stream().filter(EventWindow.class::isInstance).mapToLong(s -> ((EventWindow) s).windowMillis()).max().orElse(0);
        }

        public long maxFeedbackWindowMillis() {
            return slots.stream().filter(FeedbackWindow.class::isInstance).mapToLong(s -> ((FeedbackWindow) s).windowMillis()).max().orElse(0);
        }
    }

    private final FeatureSpec spec;
    private final List<String> denseNames = new ArrayList<>();
    private final List<String> sparseNames = new ArrayList<>();
    private final Map<String, Integer> denseSlot = new LinkedHashMap<>();
    private final Map<String, Integer> sparseSlot = new LinkedHashMap<>();
    private final Map<String, Integer> inputIndex = new LinkedHashMap<>();
    private final List<Stage> stages;

    private FeatureLayout(FeatureSpec spec) {
        this.spec = spec;
        Map<String, List<StatefulSlot>> byKey = new LinkedHashMap<>();
        Map<String, List<Integer>> seriesByKey = new LinkedHashMap<>();
        List<StatefulSlot> global = new ArrayList<>();
        for (FeatureDefinition f : spec.features()) {
            if (f instanceof Numeric n) {
                int slot = dense(n.name());
                if (n.standardized()) {
                    global.add(new Standardize(slot, input("standardize:" + n.name()), 3 * global.size()));
                }
            } else if (f instanceof Categorical || f instanceof Cross) {
                sparse(f.name());
            } else if (f instanceof Time t) {
                if (t.encoding() == TimeEncoding.CATEGORICAL) {
                    sparse(t.name());
                } else if (t.encoding() == TimeEncoding.CYCLIC) {
                    dense(t.name() + ".sin");
                    denseSlot.put(t.name(), denseSlot.get(t.name() + ".sin"));
                    dense(t.name() + ".cos");
                } else {
                    dense(t.name());
                }
            } else if (f instanceof WindowAggregate w) {
                int slot = dense(w.name());
                List<Integer> series = seriesByKey.computeIfAbsent(w.key(), k -> new ArrayList<>());
                int column = 0;
                if (w.aggregate() != Aggregate.COUNT) {
                    int in = input("attribute:" + w.attribute());
                    if (!series.contains(in)) {
                        series.add(in);
                    }
                    column = series.indexOf(in) + 1;
                }
                byKey.computeIfAbsent(w.key(), k -> new ArrayList<>())
                        .add(new EventWindow(slot, w.window().toMillis(), w.aggregate(), column, w.transforms()));
            } else if (f instanceof FeedbackAggregate a) {
                int slot = dense(a.name());
                seriesByKey.computeIfAbsent(a.key(), k -> new ArrayList<>());
                byKey.computeIfAbsent(a.key(), k -> new ArrayList<>())
                        .add(new FeedbackWindow(slot, a.window().toMillis(), a.aggregate(), a.transforms()));
            }
        }
        List<Stage> built = new ArrayList<>();
        byKey.forEach((key, slots) -> built.add(new Stage(built.size(), key, List.copyOf(slots),
                seriesByKey.get(key).stream().mapToInt(Integer::intValue).toArray())));
        if (!global.isEmpty()) {
            built.add(new Stage(built.size(), null, List.copyOf(global), new int[0]));
        }
        this.stages = List.copyOf(built);
    }

    /** The layout of {@code spec}. */
    public static FeatureLayout of(FeatureSpec spec) {
        return new FeatureLayout(spec);
    }

    public FeatureSpec spec() {
        return spec;
    }

    /** D: the fixed length of the dense part. */
    public int denseSize() {
        return denseNames.size();
    }

    /** S: the fixed width of the sparse part (one id per categorical feature and cross). */
    public int sparseWidth() {
        return sparseNames.size();
    }

    /** Names of the dense slots in order, e.g. {@code hour_cyc.sin}. */
    public List<String> denseNames() {
        return List.copyOf(denseNames);
    }

    /** Names of the sparse slots in order. */
    public List<String> sparseNames() {
        return List.copyOf(sparseNames);
    }

    /**
     * The spec feature each slot comes from, dense slots then sparse ones: a cyclic time feature names both its slots,
     * a hashed categorical or cross its one.
     */
    public List<String> slotFeatures() {
        List<String> features = new ArrayList<>();
        for (String slot : denseNames) {
            features.add(slot.endsWith(".sin") || slot.endsWith(".cos") ? slot.substring(0, slot.length() - 4) : slot);
        }
        features.addAll(sparseNames);
        return features;
    }

    /** First dense slot of a feature (cyclic time features take two), or -1. */
    public int denseSlot(String feature) {
        return denseSlot.getOrDefault(feature, -1);
    }

    /** Sparse slot of a categorical feature or cross, or -1. */
    public int sparseSlot(String feature) {
        return sparseSlot.getOrDefault(feature, -1);
    }

    /** Index into {@link PartialVector#inputs()} for a named input ({@code standardize:f} or {@code attribute:a}), or -1. */
    public int inputIndex(String name) {
        return inputIndex.getOrDefault(name, -1);
    }

    public int inputCount() {
        return inputIndex.size();
    }

    /** The keyed stages in the order events pass them. */
    public List<Stage> stages() {
        return stages;
    }

    private int dense(String name) {
        denseNames.add(name);
        denseSlot.put(name, denseNames.size() - 1);
        return denseNames.size() - 1;
    }

    private void sparse(String name) {
        sparseNames.add(name);
        sparseSlot.put(name, sparseNames.size() - 1);
    }

    private int input(String name) {
        return inputIndex.computeIfAbsent(name, n -> inputIndex.size());
    }
}
