package ai.factory.scoring.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import ai.factory.metrics.CostMeters;
import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.onnx.SessionSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The scorer's cost meters with the real ONNX Runtime: CUDA asked for where it cannot load counts no GPU time. */
class ScoringCostTest {

    @Test
    void onTheCpuFallbackRunsAreNoGpuTimeAndPredictionsAreCounted() {
        SessionFactory sessions = new SessionFactory(new SessionSettings(Device.parse("cuda:0"), 1, false));
        Assumptions.assumeFalse(sessions.device().isCuda(), "this machine has a working CUDA provider");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ScoringMetrics metrics = new ScoringMetrics(registry, "flights", "group", sessions);

        metrics.served(256, Duration.ofMillis(40));
        metrics.served(44, Duration.ofMillis(10));
        metrics.lap();

        assertThat(registry.get(CostMeters.GPU).tags("component", CostMeters.SCORING).counter().count()).isZero();
        assertThat(registry.get(CostMeters.UNITS).tags("component", CostMeters.SCORING, "unit", CostMeters.PREDICTIONS)
                .counter().count()).isEqualTo(300);
    }
}
