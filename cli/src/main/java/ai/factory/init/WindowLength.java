package ai.factory.init;

import java.time.Duration;
import java.util.List;

/** Window lengths people read at a glance: a measured span rounded up to the next of a short ladder. */
final class WindowLength {

    static final List<Duration> LADDER = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15),
            Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(1), Duration.ofDays(7), Duration.ofDays(30),
            Duration.ofDays(365));

    private WindowLength() {
    }

    /** The first ladder step at or above {@code span} (the top step when it is longer). */
    static Duration atLeast(Duration span) {
        for (Duration d : LADDER) {
            if (d.compareTo(span) >= 0) {
                return d;
            }
        }
        return LADDER.get(LADDER.size() - 1);
    }

    /** A short suffix for feature names: 5m, 1h, 7d. */
    static String suffix(Duration d) {
        if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
            return d.toDays() + "d";
        }
        if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
            return d.toHours() + "h";
        }
        return d.toMinutes() + "m";
    }
}
