package ai.factory.ingest.validation;

import static ai.factory.ingest.Events.T0;
import static ai.factory.ingest.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.factory.ingest.Events;
import ai.factory.ingest.spec.FeatureSpec;
import ai.factory.ingest.spec.FeatureSpecParser;
import org.junit.jupiter.api.Test;

class EventValidatorTest {

    private final EventValidator validator = new EventValidator(FeatureSpecParser.load("classpath:specs/test.json"));
    private final long now = Instant.parse("2024-06-01T00:00:00Z").toEpochMilli();

    @Test
    void aGoodEventPasses() {
        assertThat(validator.check(event("ok", T0, "A", 1L, "c"), now)).isNull();
        assertThat(validator.check(event("ok", T0, "A", 1.5, null), now)).isNull();
    }

    @Test
    void eachKindOfBadEventIsNamed() {
        assertThat(code(event("", T0, "A", 1L, null))).isEqualTo(ReasonCode.MISSING_FIELD);
        Map<String, Object> noK = new HashMap<>(Map.of("x", 1L));
        assertThat(code(Events.event("e", T0, noK))).isEqualTo(ReasonCode.MISSING_FIELD);
        assertThat(code(event("e", T0, "A", "one", null))).isEqualTo(ReasonCode.WRONG_TYPE);
        assertThat(code(event("e", T0, "A", Double.NaN, null))).isEqualTo(ReasonCode.NOT_FINITE);
        assertThat(code(event("e", T0, "A", Double.NEGATIVE_INFINITY, null))).isEqualTo(ReasonCode.NOT_FINITE);
        assertThat(code(event("e", Instant.parse("1999-12-31T23:59:59Z"), "A", 1L, null))).isEqualTo(ReasonCode.TIME_OUT_OF_BOUNDS);
        assertThat(code(event("e", Instant.ofEpochMilli(now).plus(Duration.ofDays(2)), "A", 1L, null)))
                .isEqualTo(ReasonCode.TIME_OUT_OF_BOUNDS);
        assertThat(code(event("e", T0, "A", 1L, "x".repeat(33)))).isEqualTo(ReasonCode.TOO_LARGE);
        Map<String, Object> many = new HashMap<>(Map.of("k", "A", "x", 1L));
        for (int i = 0; i < 7; i++) {
            many.put("extra" + i, (long) i);
        }
        assertThat(code(Events.event("e", T0, many))).isEqualTo(ReasonCode.TOO_LARGE);
        assertThat(validator.checkSize(2049).code()).isEqualTo(ReasonCode.TOO_LARGE);
        assertThat(validator.checkSize(2048)).isNull();
    }

    @Test
    void feedbackNeedsAnIdAFiniteLabelAndATimeInBounds() {
        assertThat(validator.check(Events.feedback("e", 1, T0), now)).isNull();
        assertThat(validator.check(Events.feedback("", 1, T0), now).code()).isEqualTo(ReasonCode.MISSING_FIELD);
        assertThat(validator.check(Events.feedback("e", Double.NaN, T0), now).code()).isEqualTo(ReasonCode.NOT_FINITE);
    }

    @Test
    void historyOfAnyAgePassesButAnUnsetOrFutureTimeIsOutOfBounds() {
        // The default limits: earliest 1970-01-01, a day ahead of the wall clock.
        FeatureSpec spec = FeatureSpecParser.parse("""
                {"name": "m", "version": 1, "attributes": {"k": {"type": "string"}},
                 "features": [{"name": "k", "kind": "categorical", "attribute": "k"}]}""");
        EventValidator defaults = new EventValidator(spec);
        assertThat(defaults.check(Events.event("replay", Instant.parse("2001-01-01T00:00:00Z"), Map.of("k", "A")), now)).isNull();
        assertThat(defaults.check(Events.event("soon", Instant.ofEpochMilli(now).plus(Duration.ofHours(23)), Map.of("k", "A")),
                now)).isNull();
        for (Instant absurd : List.of(Instant.EPOCH, Instant.ofEpochMilli(-1), Instant.ofEpochMilli(now).plus(Duration.ofDays(2)),
                Instant.parse("2100-01-01T00:00:00Z"))) {
            Violation v = defaults.check(Events.event("e", absurd, Map.of("k", "A")), now);
            assertThat(v).as("event at %s", absurd).isNotNull();
            assertThat(v.code()).isEqualTo(ReasonCode.TIME_OUT_OF_BOUNDS);
            assertThat(defaults.check(Events.feedback("e", 1, absurd), now).code()).isEqualTo(ReasonCode.TIME_OUT_OF_BOUNDS);
        }

        EventValidator tighter = new EventValidator(spec.withLimits(spec.limits().withMaxAheadOfWallClock(Duration.ofHours(1))));
        assertThat(tighter.check(Events.event("soon", Instant.ofEpochMilli(now).plus(Duration.ofHours(2)), Map.of("k", "A")),
                now).code()).isEqualTo(ReasonCode.TIME_OUT_OF_BOUNDS);
    }

    @Test
    void oversizedEntitiesAttributeNamesAndFeedbackStringsAreTooLarge() {
        Map<String, Object> longName = new HashMap<>(Map.of("k", "A", "x", 1L, "n".repeat(33), 1L));
        assertThat(code(Events.event("e", T0, longName))).isEqualTo(ReasonCode.TOO_LARGE);
        ai.factory.records.Event entity = event("e", T0, "A", 1L, null);
        entity.setEntity("e".repeat(33));
        assertThat(code(entity)).isEqualTo(ReasonCode.TOO_LARGE);
        assertThat(validator.check(Events.feedback("i".repeat(33), 1, T0), now).code()).isEqualTo(ReasonCode.TOO_LARGE);
        ai.factory.records.Feedback source = Events.feedback("e", 1, T0);
        source.setSource("s".repeat(33));
        assertThat(validator.check(source, now).code()).isEqualTo(ReasonCode.TOO_LARGE);
    }

    @Test
    void theKafkaKeyMustBeTheEventId() {
        assertThat(validator.checkKey("e-1".getBytes(java.nio.charset.StandardCharsets.UTF_8), "e-1")).isNull();
        assertThat(validator.checkKey("\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8), "\u00e9")).isNull();
        assertThat(validator.checkKey(null, "e-1").code()).isEqualTo(ReasonCode.MISSING_KEY);
        assertThat(validator.checkKey(new byte[0], "e-1").code()).isEqualTo(ReasonCode.KEY_MISMATCH);
        assertThat(validator.checkKey("e-2".getBytes(java.nio.charset.StandardCharsets.UTF_8), "e-1").code())
                .isEqualTo(ReasonCode.KEY_MISMATCH);
    }

    private ReasonCode code(ai.factory.records.Event event) {
        Violation v = validator.check(event, now);
        assertThat(v).as("violation of %s", event).isNotNull();
        return v.code();
    }
}
