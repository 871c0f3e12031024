package ai.factory.options;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine;

/**
 * The one way a duration is written on any command line: {@code 7d}, {@code 12h}, {@code 30m}, {@code 10s},
 * {@code 5ms}, ISO-8601 {@code PT6H}, or {@code forever} (null: no limit, where an option allows it).
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    /** The accepted forms, as every message and every --help states them. */
    public static final String FORMS = "7d, 12h, 30m, 10s, 5ms, PT6H or forever";

    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|[dhms])");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /**
     * {@code value} as a duration.
     *
     * @throws CommandLine.TypeConversionException naming the accepted forms
     */
    public static Duration parse(String value) {
        if ("forever".equalsIgnoreCase(value)) {
            return null;
        }
        Matcher m = SHORT.matcher(value.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "s" -> Duration.ofSeconds(n);
                case "ms" -> Duration.ofMillis(n);
                default -> Duration.ofMinutes(n);
            };
        }
        try {
            return Duration.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException(
                    "a duration must look like " + FORMS + ", was '" + value + "'");
        }
    }

    /** {@code d} written the short way, as {@link #parse} reads it back: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 2h}. */
    public static String format(Duration d) {
        if (d == null) {
            return "forever";
        }
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
