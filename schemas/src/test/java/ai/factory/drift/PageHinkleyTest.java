package ai.factory.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

class PageHinkleyTest {

    @Test
    void staysQuietOnAStationaryLossStreamAndFiresSoonAfterAShift() {
        Random random = new Random(5);
        PageHinkley detector = new PageHinkley(0.05, 50, 30);
        for (int i = 0; i < 20_000; i++) {
            double label = random.nextDouble() < 0.2 ? 1 : 0;
            assertThat(detector.add(logLoss(0.2, label))).as("false alarm at %d", i).isEmpty();
        }
        // Label rate jumps from 0.2 to 0.8: mean loss rises from ~0.50 to ~1.33, so about
        // lambda / (shift - delta) = 50 / 0.78 = 64 examples should suffice; allow some noise.
        Optional<PageHinkley.Alarm> alarm = Optional.empty();
        int after = 0;
        while (alarm.isEmpty() && after < 1000) {
            after++;
            alarm = detector.add(logLoss(0.2, random.nextDouble() < 0.8 ? 1 : 0));
        }
        assertThat(alarm).isPresent();
        assertThat(alarm.get().detector()).isEqualTo(PageHinkley.UP);
        assertThat(after).isLessThanOrEqualTo(150);
    }

    @Test
    void detectsAFallToo() {
        PageHinkley detector = new PageHinkley(0.0, 5, 5);
        for (int i = 0; i < 100; i++) {
            assertThat(detector.add(1.0)).isEmpty();
        }
        Optional<PageHinkley.Alarm> alarm = Optional.empty();
        for (int i = 0; i < 20 && alarm.isEmpty(); i++) {
            alarm = detector.add(0.0);
        }
        assertThat(alarm).map(PageHinkley.Alarm::detector).contains(PageHinkley.DOWN);
    }

    private static double logLoss(double score, double label) {
        return label > 0.5 ? -Math.log(score) : -Math.log(1 - score);
    }
}
