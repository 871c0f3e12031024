package ai.factory.cli.demo;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.factory.replay.LabelFlip;
import picocli.CommandLine;

/**
 * The demo's {@code --poison-labels FROM-TO}: the stretch of the replay whose labels are flipped, as fractions of its
 * events ({@code 0.4-0.6}: the labels of the events from 40% to 60% of the way through).
 *
 * @param from where the stretch starts, a fraction in [0, 1)
 * @param to   where it ends (exclusive), a fraction in (from, 1]
 */
public record PoisonOption(double from, double to) {

    /** The accepted form, as the error messages and --help state it. */
    public static final String FORM = "FROM-TO, fractions of the replay's events with 0 <= FROM < TO <= 1, e.g. 0.4-0.6";

    private static final Pattern RANGE = Pattern.compile("\\s*(\\d*\\.?\\d+)\\s*-\\s*(\\d*\\.?\\d+)\\s*");

    public PoisonOption {
        if (!(from >= 0 && from < to && to <= 1)) {
            throw new IllegalArgumentException("--poison-labels must be " + FORM + "; was " + text(from, to));
        }
    }

    /**
     * {@code text} as a stretch.
     *
     * @throws IllegalArgumentException naming the accepted form
     */
    public static PoisonOption parse(String text) {
        Matcher m = RANGE.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("--poison-labels must be " + FORM + "; was '" + text + "'");
        }
        return new PoisonOption(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)));
    }

    /** The events of a replay of {@code events} events whose labels are flipped (rounded to the nearest event). */
    public LabelFlip over(long events) {
        if (events < 0) {
            throw new IllegalArgumentException("events must not be negative, was " + events);
        }
        return new LabelFlip(Math.round(from * events), Math.round(to * events));
    }

    @Override
    public String toString() {
        return text(from, to);
    }

    private static String text(double from, double to) {
        return String.format(Locale.ROOT, "%s-%s", from, to);
    }

    /** Picocli's reading of the option: a bad value is a usage error naming the form. */
    public static final class Converter implements CommandLine.ITypeConverter<PoisonOption> {
        @Override
        public PoisonOption convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
