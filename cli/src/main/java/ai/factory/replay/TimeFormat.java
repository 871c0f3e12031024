package ai.factory.replay;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How a text cell becomes an instant: ISO-8601 (with or without offset, or a date alone), epoch seconds, milliseconds
 * or microseconds, or a {@link DateTimeFormatter} pattern; times without an offset are read in {@link #zone()}.
 * The one parser for every time column (event time and label time), and what {@code factory init} uses to spot one.
 */
public final class TimeFormat {

    /** The kinds of time text; {@code AUTO} decides per value between ISO and epoch milliseconds. */
    public enum Kind { AUTO, ISO, EPOCH_S, EPOCH_MS, EPOCH_US, PATTERN }

    /** What {@link #detect} found: the format and a one-line reason a person can check. */
    public record Detected(TimeFormat format, String reason) {
    }

    public static final ZoneId UTC = ZoneId.of("UTC");

    // Epoch values outside these years are more likely counts, ids or amounts than times.
    private static final Instant PLAUSIBLE_FROM = Instant.parse("1980-01-01T00:00:00Z");
    private static final Instant PLAUSIBLE_TO = Instant.parse("2100-01-01T00:00:00Z");
    private static final List<String> COMMON_PATTERNS = List.of("MM/dd/yyyy HH:mm:ss", "MM/dd/yyyy HH:mm",
            "dd/MM/yyyy HH:mm:ss", "dd/MM/yyyy HH:mm", "yyyy/MM/dd HH:mm:ss", "dd.MM.yyyy HH:mm:ss", "dd.MM.yyyy HH:mm",
            "MM/dd/yyyy", "dd/MM/yyyy", "yyyy/MM/dd", "dd.MM.yyyy", "yyyyMMddHHmmss");

    private final Kind kind;
    private final String pattern;
    private final ZoneId zone;
    private final DateTimeFormatter formatter;

    private TimeFormat(Kind kind, String pattern, ZoneId zone) {
        this.kind = Objects.requireNonNull(kind);
        this.pattern = pattern;
        this.zone = zone == null ? UTC : zone;
        this.formatter = kind == Kind.PATTERN ? DateTimeFormatter.ofPattern(pattern, Locale.ROOT) : null;
    }

    /** ISO or epoch milliseconds, decided per value (the behaviour of a mapping without a format). */
    public static TimeFormat auto(ZoneId zone) {
        return new TimeFormat(Kind.AUTO, null, zone);
    }

    /** A kind other than {@code PATTERN}. */
    public static TimeFormat of(Kind kind, ZoneId zone) {
        if (kind == Kind.PATTERN) {
            throw new IllegalArgumentException("a pattern format needs its pattern: use TimeFormat.pattern");
        }
        return new TimeFormat(kind, null, zone);
    }

    /** A {@link DateTimeFormatter} pattern such as {@code dd/MM/yyyy HH:mm}; fails at once on a bad pattern. */
    public static TimeFormat pattern(String pattern, ZoneId zone) {
        try {
            return new TimeFormat(Kind.PATTERN, Objects.requireNonNull(pattern, "pattern"), zone);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("time format '" + pattern + "' is not a valid pattern: " + e.getMessage(), e);
        }
    }

    /** From a mapping's {@code format} and {@code zone}: null for auto, iso, epoch_s, epoch_ms, epoch_us or a pattern. */
    public static TimeFormat parse(String format, String zone) {
        ZoneId zoneId;
        try {
            zoneId = zone == null ? UTC : ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("time zone '" + zone + "' is not known", e);
        }
        if (format == null) {
            return auto(zoneId);
        }
        return switch (format) {
            case "iso" -> of(Kind.ISO, zoneId);
            case "epoch_s" -> of(Kind.EPOCH_S, zoneId);
            case "epoch_ms" -> of(Kind.EPOCH_MS, zoneId);
            case "epoch_us" -> of(Kind.EPOCH_US, zoneId);
            default -> pattern(format, zoneId);
        };
    }

    public Kind kind() {
        return kind;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The mapping's {@code format} text; null for auto. */
    public String formatName() {
        return switch (kind) {
            case AUTO -> null;
            case ISO -> "iso";
            case EPOCH_S -> "epoch_s";
            case EPOCH_MS -> "epoch_ms";
            case EPOCH_US -> "epoch_us";
            case PATTERN -> pattern;
        };
    }

    /** The instant {@code text} stands for; a {@link DateTimeException} says when it is not one in this format. */
    public Instant parse(String text) {
        String t = text.trim();
        try {
            return switch (kind) {
                case AUTO -> isInteger(t) ? epoch(t, 3) : iso(t);
                case ISO -> iso(t);
                case EPOCH_S -> epoch(t, 0);
                case EPOCH_MS -> epoch(t, 3);
                case EPOCH_US -> epoch(t, 6);
                case PATTERN -> instant(formatter.parseBest(t, ZonedDateTime::from, LocalDateTime::from, LocalDate::from));
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new DateTimeException("'" + text + "' is not an epoch number", e);
        }
    }

    private Instant iso(String t) {
        if (t.length() == 10) {
            return LocalDate.parse(t).atStartOfDay(zone).toInstant();
        }
        // A space between date and time is as common as the ISO 'T' in exported data.
        String normal = t.length() > 10 && t.charAt(10) == ' ' ? t.substring(0, 10) + 'T' + t.substring(11) : t;
        return instant(DateTimeFormatter.ISO_DATE_TIME.parseBest(normal, ZonedDateTime::from, LocalDateTime::from));
    }

    private Instant instant(TemporalAccessor parsed) {
        if (parsed instanceof ZonedDateTime zoned) {
            return zoned.toInstant();
        }
        if (parsed instanceof LocalDateTime local) {
            return local.atZone(zone).toInstant();
        }
        return ((LocalDate) parsed).atStartOfDay(zone).toInstant();
    }

    /** Epoch text (integer or decimal) in units of 10^-{@code decimals} seconds. */
    private static Instant epoch(String t, int decimals) {
        BigInteger nanos = new BigDecimal(t).movePointRight(9 - decimals).setScale(0, java.math.RoundingMode.FLOOR)
                .toBigIntegerExact();
        BigInteger[] secondsAndNanos = nanos.divideAndRemainder(BigInteger.valueOf(1_000_000_000));
        return Instant.ofEpochSecond(secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValue());
    }

    private static boolean isInteger(String t) {
        return !t.isEmpty() && t.chars().allMatch(Character::isDigit);
    }

    /**
     * The format every non-blank sample parses in, with a reason, or empty when they are not times (or all blank).
     * Numbers are epoch seconds, milliseconds or microseconds by magnitude (below 1e11, 1e14, 1e17) and must fall
     * between 1980 and 2100, so that counts and ids are not taken for times.
     */
    public static Optional<Detected> detect(List<String> samples) {
        List<String> values = samples.stream().filter(s -> s != null && !s.isBlank()).map(String::trim).toList();
        if (values.isEmpty()) {
            return Optional.empty();
        }
        if (values.stream().allMatch(TimeFormat::isNumber)) {
            return detectEpoch(values);
        }
        List<TimeFormat> candidates = new ArrayList<>();
        candidates.add(of(Kind.ISO, UTC));
        COMMON_PATTERNS.forEach(p -> candidates.add(pattern(p, UTC)));
        for (TimeFormat candidate : candidates) {
            Optional<List<Instant>> times = candidate.parseAll(values);
            if (times.isPresent()) {
                return Optional.of(new Detected(candidate, candidate.describe(values) + ", " + range(times.get())));
            }
        }
        return Optional.empty();
    }

    private static Optional<Detected> detectEpoch(List<String> values) {
        double largest = values.stream().mapToDouble(v -> Math.abs(Double.parseDouble(v))).max().orElse(0);
        Kind kind = largest < 1e11 ? Kind.EPOCH_S : largest < 1e14 ? Kind.EPOCH_MS : largest < 1e17 ? Kind.EPOCH_US : null;
        if (kind == null) {
            return Optional.empty();
        }
        TimeFormat format = of(kind, UTC);
        return format.parseAll(values)
                .filter(times -> times.stream().allMatch(t -> !t.isBefore(PLAUSIBLE_FROM) && t.isBefore(PLAUSIBLE_TO)))
                .map(times -> new Detected(format, format.describe(values) + ", " + range(times)));
    }

    private Optional<List<Instant>> parseAll(List<String> values) {
        List<Instant> times = new ArrayList<>(values.size());
        for (String v : values) {
            try {
                times.add(parse(v));
            } catch (DateTimeException e) {
                return Optional.empty();
            }
        }
        return Optional.of(times);
    }

    private String describe(List<String> values) {
        return switch (kind) {
            case EPOCH_S -> "epoch seconds: " + numberShape(values);
            case EPOCH_MS -> "epoch milliseconds: " + numberShape(values);
            case EPOCH_US -> "epoch microseconds: " + numberShape(values);
            case ISO -> values.stream().allMatch(v -> v.length() == 10) ? "ISO dates"
                    : values.stream().allMatch(TimeFormat::hasOffset) ? "ISO date-times with offset"
                    : "ISO local date-times (read in " + zone + ")";
            case PATTERN -> "date-times like '" + pattern + "' (read in " + zone + ")";
            case AUTO -> "ISO or epoch milliseconds";
        };
    }

    private static String numberShape(List<String> values) {
        boolean integers = values.stream().allMatch(TimeFormat::isInteger);
        long lengths = values.stream().mapToInt(v -> v.indexOf('.') < 0 ? v.length() : v.indexOf('.')).distinct().count();
        String digits = lengths == 1 ? values.get(0).split("\\.")[0].length() + "-digit " : "";
        return digits + (integers ? "integers" : "decimals");
    }

    private static String range(List<Instant> times) {
        Instant first = times.stream().min(Instant::compareTo).orElseThrow();
        Instant last = times.stream().max(Instant::compareTo).orElseThrow();
        return day(first) + " .. " + day(last);
    }

    private static String day(Instant t) {
        return t.atZone(UTC).toLocalDate().toString();
    }

    private static boolean isNumber(String v) {
        return v.matches("-?\\d+(\\.\\d+)?");
    }

    private static boolean hasOffset(String v) {
        return v.endsWith("Z") || v.lastIndexOf('+') > 10 || v.lastIndexOf('-') > 10;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimeFormat other && kind == other.kind && Objects.equals(pattern, other.pattern)
                && zone.equals(other.zone);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, pattern, zone);
    }

    @Override
    public String toString() {
        return (kind == Kind.AUTO ? "auto" : formatName()) + " (" + zone + ")";
    }
}
