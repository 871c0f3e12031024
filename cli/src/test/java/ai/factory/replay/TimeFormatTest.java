package ai.factory.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import org.junit.jupiter.api.Test;

class TimeFormatTest {

    private static final Instant T = Instant.parse("2018-01-31T10:15:30Z");
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    @Test
    void isoReadsOffsetsLocalTimesWithTOrSpaceAndDatesInTheMappingsZone() {
        TimeFormat iso = TimeFormat.parse("iso", "Europe/Paris");
        assertThat(iso.parse("2018-01-31T10:15:30Z")).isEqualTo(T);
        assertThat(iso.parse("2018-01-31T11:15:30+01:00")).isEqualTo(T);
        assertThat(iso.parse("2018-01-31T11:15:30")).isEqualTo(T);
        assertThat(iso.parse("2018-01-31 11:15:30")).isEqualTo(T);
        assertThat(iso.parse("2018-01-31 11:15:30.250")).isEqualTo(T.plusMillis(250));
        assertThat(iso.parse("2018-01-31")).isEqualTo(Instant.parse("2018-01-30T23:00:00Z"));
        assertThat(TimeFormat.parse("iso", null).parse("2018-01-31")).isEqualTo(Instant.parse("2018-01-31T00:00:00Z"));
    }

    @Test
    void epochUnitsTakeIntegersAndDecimals() {
        assertThat(TimeFormat.parse("epoch_s", null).parse("1517393730")).isEqualTo(T);
        assertThat(TimeFormat.parse("epoch_s", null).parse("1517393730.5")).isEqualTo(T.plusMillis(500));
        assertThat(TimeFormat.parse("epoch_ms", null).parse("1517393730000")).isEqualTo(T);
        assertThat(TimeFormat.parse("epoch_ms", null).parse("1517393730000.25")).isEqualTo(T.plusNanos(250_000));
        assertThat(TimeFormat.parse("epoch_us", null).parse("1517393730000001")).isEqualTo(T.plusNanos(1_000));
        assertThat(TimeFormat.parse("epoch_s", null).parse("-1.5")).isEqualTo(Instant.EPOCH.minusMillis(1500));
        assertThatThrownBy(() -> TimeFormat.parse("epoch_s", null).parse("soon")).isInstanceOf(DateTimeException.class);
    }

    @Test
    void aPatternReadsInTheZoneAndMayBeADateAlone() {
        assertThat(TimeFormat.parse("dd/MM/yyyy HH:mm:ss", "Europe/Paris").parse("31/01/2018 11:15:30")).isEqualTo(T);
        assertThat(TimeFormat.parse("dd/MM/yyyy", null).parse("31/01/2018")).isEqualTo(Instant.parse("2018-01-31T00:00:00Z"));
        assertThatThrownBy(() -> TimeFormat.parse("dd/MM/yyyy", null).parse("2018-01-31")).isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> TimeFormat.parse("yyyy-MM-dd'T", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TimeFormat.parse("iso", "Mars/Olympus")).hasMessageContaining("Mars/Olympus");
    }

    @Test
    void withoutAFormatEachValueIsIsoOrEpochMilliseconds() {
        TimeFormat auto = TimeFormat.parse(null, null);
        assertThat(auto.kind()).isEqualTo(TimeFormat.Kind.AUTO);
        assertThat(auto.parse("1517393730000")).isEqualTo(T);
        assertThat(auto.parse("2018-01-31T10:15:30Z")).isEqualTo(T);
        assertThat(auto.parse("2018-01-31T10:15:30")).isEqualTo(T);
    }

    @Test
    void detectTellsEpochUnitsByMagnitudeAndSaysWhy() {
        var seconds = TimeFormat.detect(List.of("1517393730", "", "1517993730"));
        assertThat(seconds).hasValueSatisfying(d -> {
            assertThat(d.format()).isEqualTo(TimeFormat.of(TimeFormat.Kind.EPOCH_S, TimeFormat.UTC));
            assertThat(d.reason()).isEqualTo("epoch seconds: 10-digit integers, 2018-01-31 .. 2018-02-07");
        });
        assertThat(TimeFormat.detect(List.of("1517393730000")).orElseThrow().format().kind()).isEqualTo(TimeFormat.Kind.EPOCH_MS);
        assertThat(TimeFormat.detect(List.of("1517393730000000")).orElseThrow().format().kind()).isEqualTo(TimeFormat.Kind.EPOCH_US);
        assertThat(TimeFormat.detect(List.of("1517393730.25")).orElseThrow().reason()).startsWith("epoch seconds: 10-digit decimals");
    }

    @Test
    void detectReadsIsoAndCommonPatterns() {
        assertThat(TimeFormat.detect(List.of("2018-01-31T10:15:30Z", "2018-02-01T10:15:30+01:00")).orElseThrow().reason())
                .isEqualTo("ISO date-times with offset, 2018-01-31 .. 2018-02-01");
        assertThat(TimeFormat.detect(List.of("2018-01-31 10:15:30")).orElseThrow().reason())
                .isEqualTo("ISO local date-times (read in UTC), 2018-01-31 .. 2018-01-31");
        assertThat(TimeFormat.detect(List.of("2018-01-31")).orElseThrow().reason()).startsWith("ISO dates");
        TimeFormat.Detected slashes = TimeFormat.detect(List.of("31/01/2018 10:15", "01/02/2018 09:00")).orElseThrow();
        assertThat(slashes.format()).isEqualTo(TimeFormat.pattern("dd/MM/yyyy HH:mm", TimeFormat.UTC));
        assertThat(slashes.format().parse("31/01/2018 10:15")).isEqualTo(Instant.parse("2018-01-31T10:15:00Z"));
    }

    @Test
    void countsNamesAndBlanksAreNotTimes() {
        assertThat(TimeFormat.detect(List.of("100", "2176", "33"))).isEmpty();
        assertThat(TimeFormat.detect(List.of("0.5", "1.25"))).isEmpty();
        assertThat(TimeFormat.detect(List.of("LAS", "PHL"))).isEmpty();
        assertThat(TimeFormat.detect(List.of("2018-01-31T10:15:30Z", "later"))).isEmpty();
        assertThat(TimeFormat.detect(List.of("", " "))).isEmpty();
        assertThat(TimeFormat.detect(List.of("123456789012345678"))).isEmpty();
    }

    @Test
    void aFormatNamesItselfAsTheMappingWritesIt() {
        for (String name : List.of("iso", "epoch_s", "epoch_ms", "epoch_us", "yyyy-MM-dd HH:mm")) {
            assertThat(TimeFormat.parse(name, "Europe/Paris").formatName()).isEqualTo(name);
            assertThat(TimeFormat.parse(name, "Europe/Paris")).isEqualTo(TimeFormat.parse(name, "Europe/Paris"))
                    .isNotEqualTo(TimeFormat.parse(name, null));
        }
        assertThat(TimeFormat.parse(null, null).formatName()).isNull();
        assertThat(TimeFormat.of(TimeFormat.Kind.ISO, PARIS).zone()).isEqualTo(PARIS);
    }
}
