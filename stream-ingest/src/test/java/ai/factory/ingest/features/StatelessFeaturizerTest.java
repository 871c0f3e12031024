package ai.factory.ingest.features;

import static ai.factory.ingest.Events.T0;
import static ai.factory.ingest.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.factory.ingest.spec.FeatureSpec;
import ai.factory.ingest.spec.FeatureSpecParser;
import ai.factory.ingest.validation.ReasonCode;
import org.junit.jupiter.api.Test;

class StatelessFeaturizerTest {

    private final FeatureSpec spec = FeatureSpecParser.load("classpath:specs/test.json");
    private final FeatureLayout layout = FeatureLayout.of(spec);
    private final StatelessFeaturizer featurizer = new StatelessFeaturizer(layout);

    @Test
    void fillsEveryStatelessSlotWithItsExactValue() {
        // Wednesday 2024-01-03 15:30 UTC.
        PartialVector v = featurizer.featurize(event("e1", T0.plusSeconds(2 * 86400 + 5 * 3600 + 1800), "A", 12L, "red")).vector();

        float[] d = v.dense();
        assertThat(d).hasSize(13);
        assertThat(d[layout.denseSlot("x_raw")]).isEqualTo(12f);
        assertThat(d[layout.denseSlot("x_log")]).isEqualTo((float) Math.log1p(12));
        assertThat(d[layout.denseSlot("x_clip")]).isEqualTo(10f);
        assertThat(d[layout.denseSlot("hour")]).isEqualTo(15f);
        assertThat(d[layout.denseSlot("dow.sin")]).isCloseTo((float) Math.sin(2 * Math.PI * 3 / 7), within(1e-6f));
        assertThat(d[layout.denseSlot("dow.cos")]).isCloseTo((float) Math.cos(2 * Math.PI * 3 / 7), within(1e-6f));
        // Stateful slots stay 0 until the keyed stages fill them; their inputs travel along.
        assertThat(d[layout.denseSlot("x_z")]).isZero();
        assertThat(v.inputs()[layout.inputIndex("standardize:x_z")]).isEqualTo(12.0);
        assertThat(v.inputs()[layout.inputIndex("attribute:x")]).isEqualTo(12.0);
        assertThat(v.keys()).containsExactly("A", FeatureLayout.GLOBAL_KEY);

        assertThat(v.sparse()).containsExactly(
                CategoryHasher.id("k", "A", 0, 1000),
                CategoryHasher.id("c", "red", 4, 1000),
                CategoryHasher.id("kc", "A\u00d7red", 0, 1000),
                CategoryHasher.id("hour_cat", "15", 0, 1000));
        assertThat(java.util.Arrays.stream(v.sparse()).boxed().toList()).allSatisfy(id -> assertThat(id).isBetween(0, 999));
        assertThat(v.id()).isEqualTo("e1");
        assertThat(v.entity()).isEqualTo("entity-e1");
    }

    @Test
    void namespacesSeparateEqualValuesAndBucketCapsLimitANamespace() {
        assertThat(CategoryHasher.id("origin", "SFO", 0, 1 << 18)).isNotEqualTo(CategoryHasher.id("destination", "SFO", 0, 1 << 18));
        java.util.Set<Integer> capped = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            capped.add(CategoryHasher.id("c", "value-" + i, 4, 1 << 18));
        }
        assertThat(capped).hasSizeLessThanOrEqualTo(4);
    }

    @Test
    void aMissingOptionalCategoryHashesAsMissing() {
        PartialVector v = featurizer.featurize(event("e2", T0, "A", 1.5, null)).vector();
        assertThat(v.sparse()[layout.sparseSlot("c")]).isEqualTo(CategoryHasher.id("c", StatelessFeaturizer.MISSING, 4, 1000));
    }

    @Test
    void aValueThatATransformMakesNonFiniteIsAViolation() {
        StatelessFeaturizer.Result result = featurizer.featurize(event("e3", T0, "A", -2L, null));
        assertThat(result.vector()).isNull();
        assertThat(result.violation().code()).isEqualTo(ReasonCode.NOT_FINITE);
        assertThat(result.violation().reason()).contains("x_log");
    }

    @Test
    void runningMomentsMatchTheTextbookFormula() {
        double[] xs = {3, 100, 5, 7, 1};
        double[] state = RunningMoments.empty();
        for (double x : xs) {
            RunningMoments.add(state, 0, x);
        }
        double mean = java.util.Arrays.stream(xs).average().orElseThrow();
        double var = java.util.Arrays.stream(xs).map(x -> (x - mean) * (x - mean)).sum() / xs.length;
        assertThat(RunningMoments.standardize(state, 0, 7)).isCloseTo((7 - mean) / Math.sqrt(var), within(1e-12));
        assertThat(RunningMoments.standardize(RunningMoments.empty(), 0, 7)).isZero();
    }
}
