package ai.factory.ops.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class QualityBookTest {

    private static QualityPoint point(String model, long version, long windowEnd) {
        return new QualityPoint(model, version, "BINARY", "count:100", windowEnd, 100, 0.5, 0.69, 0.7, 0.8, null, null,
                null, null, 0, 0, 0, 0, 0, 0, null);
    }

    @Test
    void keepsTheRecentlyReportedVersionsOfEachModelInFixedMemory() {
        QualityBook book = new QualityBook();
        long t = 0;
        for (long v = 1; v <= 10_000; v++) {
            // Version 1 serves throughout (an old champion kept after roll-backs); each new version reports a few times.
            book.add(point("m", 1, t++));
            for (int i = 0; i < 3; i++) {
                book.add(point("m", v, t++));
            }
            book.add(point("other", v, t++));
        }
        List<QualitySeries> series = book.series();
        assertThat(series).filteredOn(s -> s.model().equals("m")).hasSize(QualityBook.VERSIONS_PER_MODEL)
                .extracting(QualitySeries::version).startsWith(1L).endsWith(10_000L).isSorted();
        assertThat(series).filteredOn(s -> s.model().equals("other")).hasSize(QualityBook.VERSIONS_PER_MODEL)
                .extracting(QualitySeries::version).containsExactly(9_991L, 9_992L, 9_993L, 9_994L, 9_995L, 9_996L,
                        9_997L, 9_998L, 9_999L, 10_000L);
        assertThat(series).allSatisfy(s -> assertThat(s.points()).hasSizeLessThanOrEqualTo(QualityBook.POINTS_PER_VERSION));
        QualitySeries serving = series.get(0);
        assertThat(serving.points()).hasSize(QualityBook.POINTS_PER_VERSION);
        assertThat(serving.points().get(serving.points().size() - 1).windowEnd()).isEqualTo(t - 5);
        assertThat(book.latest()).hasSize(2 * QualityBook.VERSIONS_PER_MODEL)
                .extracting(QualityPoint::version).contains(1L, 10_000L);
    }
}
