package ai.factory.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostSummaryTest {

    @Test
    void figuresAreCpuPerThousandUnitsAndSecondsPerRelease() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CostMeters.register(registry, CostMeters.SCORING, false).units(CostMeters.PREDICTIONS, 10_000);
        registry.counter(CostMeters.CPU, "component", CostMeters.SCORING).increment(0.5);
        CpuMeter training = CostMeters.register(registry, CostMeters.TRAINING, false);
        training.units(CostMeters.EXAMPLES, 40_000);
        training.units(CostMeters.RELEASES, 4);
        registry.counter(CostMeters.CPU, "component", CostMeters.TRAINING).increment(8);
        CostMeters.register(registry, CostMeters.INGEST, false);
        CostMeters.register(registry, "other", false);

        CostSummary summary = CostSummary.of(registry);

        assertThat(summary.components()).extracting(CostSummary.Component::name)
                .containsExactly(CostMeters.INGEST, CostMeters.SCORING, CostMeters.TRAINING, "other");
        CostSummary.Figure perPrediction = summary.component(CostMeters.SCORING).figures().get(0);
        assertThat(perPrediction.key()).isEqualTo("cpu_ms_per_1000_predictions");
        assertThat(perPrediction.value()).isCloseTo(50.0, within(1e-9));
        assertThat(summary.component(CostMeters.TRAINING).figures()).extracting(CostSummary.Figure::key)
                .containsExactly("cpu_ms_per_1000_examples", "cpu_s_per_release");
        assertThat(summary.component(CostMeters.TRAINING).figures().get(1).value()).isCloseTo(2.0, within(1e-9));
        assertThat(summary.component(CostMeters.TRAINING).gpuSeconds()).isZero();
        assertThat(summary.describe()).contains("scoring 50.0 ms/1k predictions",
                "training 200.0 ms/1k examples + 2.00 s/release", "ingest 0.0 s CPU, no units yet",
                "the parts' own threads: 8.5 s CPU of the process's");
        assertThat(summary.partsCpuSeconds()).isCloseTo(8.5, within(1e-9));
        assertThat(summary.processCpuSeconds()).as("this JVM's CPU so far").isPositive();
        assertThat(summary.toJson(Machine.current())).containsKeys("machine", "process_cpu_s", "parts_cpu_s", "components");
    }

    @Test
    void theMachineNamesItsCoresCpuAndHeap(@TempDir Path dir) throws Exception {
        Path cpuinfo = Files.writeString(dir.resolve("cpuinfo"),
                "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n\nprocessor\t: 1\n");
        assertThat(Machine.cpuModel(cpuinfo)).isEqualTo("Intel(R) Xeon(R) CPU @ 2.20GHz");
        assertThat(Machine.cpuModel(dir.resolve("absent"))).isNull();
        Machine here = Machine.current();
        assertThat(here.cores()).isPositive();
        assertThat(here.heapMaxBytes()).isPositive();
        assertThat(here.describe()).contains(here.cores() + " cores", "heap max");
    }
}
