package ai.factory.scoring.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.factory.records.Contribution;
import ai.factory.records.Explanation;

/**
 * Turns a graph's per-slot parts of one row into a {@link Explanation}: the parts summed per spec feature (a cyclic
 * time feature's two slots are one feature), the {@code top} largest by absolute value kept by name, the others summed
 * into {@code rest}, so baseline + top + rest is the explained output.
 */
public final class Explanations {

    private final String method;
    private final String units;
    private final int top;
    private final List<String> features;
    /** For each slot, the index of its feature in {@link #features}. */
    private final int[] featureOfSlot;

    /**
     * @param slotFeatures the spec feature of each slot, in the order of the parts (a missing name reads as
     *                     {@code slot<i>})
     * @param slots        the number of parts per row
     */
    public Explanations(List<String> slotFeatures, int slots, String method, String units, int top) {
        if (top < 1) {
            throw new IllegalArgumentException("an explanation names at least one feature, asked for " + top);
        }
        this.method = method;
        this.units = units;
        this.top = top;
        Map<String, Integer> index = new LinkedHashMap<>();
        this.featureOfSlot = new int[slots];
        for (int slot = 0; slot < slots; slot++) {
            String name = slot < slotFeatures.size() && !slotFeatures.get(slot).isBlank() ? slotFeatures.get(slot) : "slot" + slot;
            featureOfSlot[slot] = index.computeIfAbsent(name, n -> index.size());
        }
        this.features = List.copyOf(index.keySet());
    }

    /** Parts per row this explains. */
    public int slots() {
        return featureOfSlot.length;
    }

    /** The explanation of the row whose {@link #slots()} parts start at {@code offset} of {@code parts}. */
    public Explanation of(double output, double baseline, float[] parts, int offset) {
        double[] byFeature = new double[features.size()];
        for (int slot = 0; slot < featureOfSlot.length; slot++) {
            byFeature[featureOfSlot[slot]] += parts[offset + slot];
        }
        int keep = Math.min(top, byFeature.length);
        boolean[] taken = new boolean[byFeature.length];
        List<Contribution> largest = new ArrayList<>(keep);
        // K is small (a handful): K passes over the features beat sorting them all.
        for (int k = 0; k < keep; k++) {
            int best = -1;
            for (int f = 0; f < byFeature.length; f++) {
                if (!taken[f] && (best < 0 || Math.abs(byFeature[f]) > Math.abs(byFeature[best]))) {
                    best = f;
                }
            }
            taken[best] = true;
            largest.add(new Contribution(features.get(best), byFeature[best]));
        }
        double rest = 0;
        for (int f = 0; f < byFeature.length; f++) {
            if (!taken[f]) {
                rest += byFeature[f];
            }
        }
        return new Explanation(method, units, output, baseline, largest, rest);
    }
}
