package ai.factory.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.YearMonth;

import org.junit.jupiter.api.Test;

class OnlineQualityTest {

    private static long at(String time) {
        return Instant.parse(time).toEpochMilli();
    }

    @Test
    void binaryFiguresOverallAndPerMonthOfEventTime() {
        OnlineQuality q = new OnlineQuality(false);
        // January: a perfect ranking; February: a reversed one.
        q.add(0.9, 1, at("2008-01-05T10:00:00Z"), at("2008-01-05T12:00:00Z"));
        q.add(0.1, 0, at("2008-01-31T23:00:00Z"), at("2008-02-01T01:00:00Z"));
        q.add(0.2, 1, at("2008-02-02T10:00:00Z"), at("2008-02-02T12:00:00Z"));
        q.add(0.8, 0, at("2008-02-03T10:00:00Z"), at("2008-02-03T12:00:00Z"));

        assertThat(q.byMonth()).containsOnlyKeys(YearMonth.of(2008, 1), YearMonth.of(2008, 2));
        OnlineQuality.Figures january = q.byMonth().get(YearMonth.of(2008, 1));
        assertThat(january.judged()).isEqualTo(2);
        assertThat(january.auc()).isEqualTo(1.0);
        assertThat(january.accuracy()).isEqualTo(1.0);
        assertThat(january.logLoss()).isCloseTo(-Math.log(0.9), within(1e-9));
        assertThat(q.byMonth().get(YearMonth.of(2008, 2)).auc()).isEqualTo(0.0);

        OnlineQuality.Figures all = q.overall();
        assertThat(all.judged()).isEqualTo(4);
        assertThat(all.auc()).isEqualTo(0.75); // 3 of the 4 pairs ordered right
        assertThat(all.constantLogLoss()).isCloseTo(Math.log(2), within(1e-9));
        assertThat(all.rmse()).isNaN();
    }

    @Test
    void regressionIsJudgedAgainstTheRunningMean() {
        OnlineQuality q = new OnlineQuality(true);
        long t = at("2024-03-01T00:00:00Z");
        q.add(1, 1, t, t);
        q.add(3, 3, t, t);
        q.add(5, 5, t, t);
        OnlineQuality.Figures f = q.overall();
        assertThat(f.judged()).isEqualTo(2);
        assertThat(f.rmse()).isZero();
        assertThat(f.runningMeanRmse()).isGreaterThan(0);
        assertThat(f.logLoss()).isNaN();
        assertThat(q.curve().points()).isEmpty();
    }
}
