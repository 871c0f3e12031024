package ai.factory.feedback.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.factory.records.QualityReport;
import ai.factory.records.QualityTask;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ModelQualityTest {

    private static final QualitySettings SETTINGS = QualitySettings.defaults().withCountWindow(100)
            .withTimeWindow(Duration.ofMinutes(60)).withPanes(4);

    @Test
    void panesMustDivideBothWindows() {
        assertThatThrownBy(() -> SETTINGS.withPanes(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("divide the count window (100)");
        assertThatThrownBy(() -> SETTINGS.withPanes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(SETTINGS.countHop()).isEqualTo(25);
        assertThat(SETTINGS.timeHopMillis()).isEqualTo(Duration.ofMinutes(15).toMillis());
    }

    /** The state store round trip in the middle of open panes changes no later report (and keeps the running mean). */
    @ParameterizedTest
    @EnumSource(QualityTask.class)
    void aRestoredStateReportsExactlyWhatTheLiveOneDoes(QualityTask task) {
        QualitySettings settings = SETTINGS.withTasks(QualityTasks.binary().withFallback(task));
        ModelQualitySerde serde = new ModelQualitySerde();
        ModelQuality live = ModelQuality.create("m", 3, settings);
        assertThat(live.task()).isEqualTo(task);
        Random random = new Random(5);
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            double score = random.nextDouble();
            long labelTime = i * 20_000L;
            double label = task == QualityTask.BINARY ? (random.nextDouble() < score ? 1 : 0) : 100 * score + random.nextGaussian();
            outcomes.add(Outcome.judged("m", 3, 100 * score, label, labelTime - 5_000, labelTime, false));
        }
        for (Outcome o : outcomes.subList(0, 230)) {
            live.apply(o, settings);
        }
        live.closeTimeWindows(230 * 20_000L - 3_600_000L, settings);
        ModelQuality restored = serde.deserialize("t", serde.serialize("t", live));

        List<QualityReport> fromLive = new ArrayList<>();
        List<QualityReport> fromRestored = new ArrayList<>();
        for (Outcome o : outcomes.subList(230, 400)) {
            fromLive.addAll(live.apply(o, settings));
            fromRestored.addAll(restored.apply(o, settings));
        }
        fromLive.addAll(live.closeTimeWindows(Long.MAX_VALUE, settings));
        fromRestored.addAll(restored.closeTimeWindows(Long.MAX_VALUE, settings));
        assertThat(fromLive).hasSizeGreaterThan(10);
        assertThat(fromLive).extracting(QualityReport::getTask).containsOnly(task);
        assertThat(fromRestored).isEqualTo(fromLive);
        assertThat(restored.task()).isEqualTo(task);
        assertThat(restored.hasOpenTimeWindows()).isFalse();
    }

    /** State from before regression quality (format 2) is refused with what to do, not misread. */
    @Test
    void stateOfTheFormatBeforeRegressionIsRefusedWithAClearError() {
        ModelQualitySerde serde = new ModelQualitySerde();
        byte[] bytes = serde.serialize("t", ModelQuality.create("m", 1, SETTINGS));
        assertThat(bytes[0]).isEqualTo(ModelQualitySerde.FORMAT);
        bytes[0] = 2;
        assertThatThrownBy(() -> serde.deserialize("t", bytes)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("format 2").hasMessageContaining("reset the feedback app's state");
    }

    @Test
    void tasksParseModelSpecificAndDefaultSpecs() {
        QualityTasks tasks = QualityTasks.parse(List.of("delay=regression", "regression", "clicks=binary"));
        assertThat(tasks.of("delay")).isEqualTo(QualityTask.REGRESSION);
        assertThat(tasks.of("clicks")).isEqualTo(QualityTask.BINARY);
        assertThat(tasks.of("other")).isEqualTo(QualityTask.REGRESSION);
        assertThat(QualityTasks.parse(List.of()).of("any")).isEqualTo(QualityTask.BINARY);
        assertThatThrownBy(() -> QualityTasks.parse(List.of("delay=poisson"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delay=poisson");
        assertThatThrownBy(() -> QualityTasks.parse(List.of("=binary"))).isInstanceOf(IllegalArgumentException.class);
    }
}
