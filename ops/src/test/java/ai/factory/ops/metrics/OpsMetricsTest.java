package ai.factory.ops.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.factory.ops.models.ModelBook;
import ai.factory.ops.models.ModelVersionView;
import ai.factory.ops.quality.QualityPoint;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class OpsMetricsTest {

    private static ModelVersionView release(String name, long version, String status) {
        return new ModelVersionView(name, version, null, status, "", "TRAINER", "logistic", "flights", 1, 3, 16, version, version,
                null, version, List.of(), Map.of(), Map.of(), 4, false, 0, version, version);
    }

    private static QualityPoint binary(String model, long version, double logloss) {
        return new QualityPoint(model, version, "BINARY", "count:100", version, 100, logloss, 0.69, 0.7, 0.8, null, null,
                null, null, 0, 0, 0, 0, 0, 0, null);
    }

    private static QualityPoint regression(String model, long version) {
        return new QualityPoint(model, version, "REGRESSION", "count:100", version, 100, null, null, null, null, 3.0, 2.0,
                6.0, 5.0, 99, 0, 0, 0, 0, 0, null);
    }

    @Test
    void qualityGaugesStayBoundedAsReleasesAccumulate() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OpsMetrics metrics = new OpsMetrics(registry);
        ModelBook book = new ModelBook();
        List<QualityPoint> latest = new ArrayList<>();
        book.apply("m/1", release("m", 1, "CHAMPION"));
        for (long v = 1; v <= 10_000; v++) {
            book.apply("m/" + v, release("m", v, v == 1 ? "CHAMPION" : "CANDIDATE"));
            book.apply("r/" + v, release("r", v, "CHAMPION"));
            latest.add(binary("m", v, 1.0 / v));
            latest.add(regression("r", v));
            if (v % 1_000 == 0) {
                metrics.models(book.listing(), latest);
                assertThat(versions(registry, "factory.ops.quality.logloss", "m")).hasSize(OpsMetrics.QUALITY_VERSIONS_PER_MODEL);
                assertThat(versions(registry, "factory.ops.quality.rmse", "r")).hasSize(OpsMetrics.QUALITY_VERSIONS_PER_MODEL);
            }
        }
        // The champion (v1, old) and the newest others.
        assertThat(versions(registry, "factory.ops.quality.logloss", "m"))
                .containsExactlyInAnyOrder("1", "10000", "9999", "9998", "9997");
        assertThat(versions(registry, "factory.ops.quality.auc", "m")).hasSize(OpsMetrics.QUALITY_VERSIONS_PER_MODEL);
        assertThat(versions(registry, "factory.ops.quality.mae", "r"))
                .containsExactlyInAnyOrder("10000", "9999", "9998", "9997", "9996");
        assertThat(versions(registry, "factory.ops.quality.logloss", "r")).isEmpty();
        assertThat(registry.get("factory.ops.quality.logloss").tags("model", "m", "version", "10000").gauge().value())
                .isEqualTo(1.0 / 10_000);
        assertThat(registry.get("factory.ops.model.champion.version").tags("model", "m").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("factory.ops.model.champion.version").tags("model", "r").gauge().value()).isEqualTo(10_000.0);
    }

    private static List<String> versions(SimpleMeterRegistry registry, String name, String model) {
        return registry.find(name).tag("model", model).gauges().stream().map(g -> g.getId().getTag("version"))
                .toList();
    }
}
