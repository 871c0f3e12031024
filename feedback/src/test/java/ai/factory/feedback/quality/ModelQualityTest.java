package ai.factory.feedback.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
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

    /**
     * The state store round trip (header and panes) in the middle of open panes changes no later report (and keeps the
     * running mean).
     */
    @ParameterizedTest
    @EnumSource(QualityTask.class)
    void aRestoredStateReportsExactlyWhatTheLiveOneDoes(QualityTask task) {
        QualitySettings settings = SETTINGS.withTasks(QualityTasks.binary().withFallback(task));
        InMemoryPanes panes = new InMemoryPanes();
        ModelQuality live = ModelQuality.create("m", 3, settings, panes);
        assertThat(live.task()).isEqualTo(task);
        List<Outcome> outcomes = outcomes(task);
        for (Outcome o : outcomes.subList(0, 230)) {
            live.apply(o, settings);
        }
        live.closeTimeWindows(230 * 20_000L - 3_600_000L, settings);
        ModelQuality restored = ModelQualitySerde.deserialize(ModelQualitySerde.serialize(live), panes.copy(), settings);

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

    /** The outcomes of the round-trip tests: 400 judgements 20 s apart, labels 5 s after their events. */
    private static List<Outcome> outcomes(QualityTask task) {
        Random random = new Random(5);
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            double score = random.nextDouble();
            long labelTime = i * 20_000L;
            double label = task == QualityTask.BINARY ? (random.nextDouble() < score ? 1 : 0) : 100 * score + random.nextGaussian();
            outcomes.add(Outcome.judged("m", 3, 100 * score, label, labelTime - 5_000, labelTime, false));
        }
        return outcomes;
    }

    /**
     * A version as the format-3 app kept it, whole in one value (written by that code after the first 230 of
     * {@link #outcomes}, its time windows closed through 230 × 20 s − 1 h): split into header and panes, it reports
     * exactly what a version kept in the new layout all along does.
     */
    @Test
    void aWholeVersionOfFormat3IsSplitIntoHeaderAndPanesAndReportsAsBefore() throws IOException {
        byte[] whole;
        try (InputStream in = getClass().getResourceAsStream("/quality/format3-binary.bin")) {
            whole = in.readAllBytes();
        }
        assertThat(ModelQualitySerde.isWholeVersion(whole)).isTrue();
        InMemoryPanes migratedPanes = new InMemoryPanes();
        ModelQuality migrated = ModelQualitySerde.deserialize(whole, migratedPanes, SETTINGS);
        // 3 finished count panes and the open one (230 = 9 × 25 + 5); 6 time panes (label times 0 to 76 min, the window
        // ending at 15 min reported, no pane forgotten yet).
        assertThat(migratedPanes.size()).isEqualTo(3 + 1 + 6);

        List<Outcome> outcomes = outcomes(QualityTask.BINARY);
        ModelQuality live = ModelQuality.create("m", 3, SETTINGS);
        for (Outcome o : outcomes.subList(0, 230)) {
            live.apply(o, SETTINGS);
        }
        live.closeTimeWindows(230 * 20_000L - 3_600_000L, SETTINGS);
        // Through the new header too, as the processor stores it.
        ModelQuality restored = ModelQualitySerde.deserialize(ModelQualitySerde.serialize(migrated), migratedPanes,
                SETTINGS);
        List<QualityReport> fromLive = new ArrayList<>();
        List<QualityReport> fromMigrated = new ArrayList<>();
        for (Outcome o : outcomes.subList(230, 400)) {
            fromLive.addAll(live.apply(o, SETTINGS));
            fromMigrated.addAll(restored.apply(o, SETTINGS));
        }
        fromLive.addAll(live.closeTimeWindows(Long.MAX_VALUE, SETTINGS));
        fromMigrated.addAll(restored.closeTimeWindows(Long.MAX_VALUE, SETTINGS));
        assertThat(fromLive).hasSizeGreaterThan(10);
        assertThat(fromMigrated).isEqualTo(fromLive);
    }

    /** State from before regression quality (format 2) is refused with what to do, not misread. */
    @Test
    void stateOfTheFormatBeforeRegressionIsRefusedWithAClearError() {
        byte[] bytes = ModelQualitySerde.serialize(ModelQuality.create("m", 1, SETTINGS));
        assertThat(bytes[0]).isEqualTo(ModelQualitySerde.FORMAT);
        bytes[0] = 2;
        assertThatThrownBy(() -> ModelQualitySerde.deserialize(bytes, PaneStore.inMemory(), SETTINGS))
                .isInstanceOf(SerializationException.class)
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
