package ai.factory.feedback.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.factory.records.QualityReport;
import org.junit.jupiter.api.Test;

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

    /** The state store round trip in the middle of open panes changes no later report. */
    @Test
    void aRestoredStateReportsExactlyWhatTheLiveOneDoes() {
        ModelQualitySerde serde = new ModelQualitySerde();
        ModelQuality live = ModelQuality.create("m", 3, SETTINGS);
        Random random = new Random(5);
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            double score = random.nextDouble();
            long labelTime = i * 20_000L;
            outcomes.add(Outcome.judged("m", 3, score, random.nextDouble() < score ? 1 : 0, labelTime - 5_000, labelTime, false));
        }
        for (Outcome o : outcomes.subList(0, 230)) {
            live.apply(o, SETTINGS);
        }
        live.closeTimeWindows(230 * 20_000L - 3_600_000L, SETTINGS);
        ModelQuality restored = serde.deserialize("t", serde.serialize("t", live));

        List<QualityReport> fromLive = new ArrayList<>();
        List<QualityReport> fromRestored = new ArrayList<>();
        for (Outcome o : outcomes.subList(230, 400)) {
            fromLive.addAll(live.apply(o, SETTINGS));
            fromRestored.addAll(restored.apply(o, SETTINGS));
        }
        fromLive.addAll(live.closeTimeWindows(Long.MAX_VALUE, SETTINGS));
        fromRestored.addAll(restored.closeTimeWindows(Long.MAX_VALUE, SETTINGS));
        assertThat(fromLive).hasSizeGreaterThan(10);
        assertThat(fromRestored).isEqualTo(fromLive);
        assertThat(restored.hasOpenTimeWindows()).isFalse();
    }
}
