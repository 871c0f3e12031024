package ai.factory.it.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The PromQL of a Grafana dashboard's panels and the metric names each query reads. */
final class DashboardQueries {

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern OFFSET = Pattern.compile("\\boffset\\s+-?\\S+", Pattern.CASE_INSENSITIVE);
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "inf", "nan", "by", "without",
            "on", "ignoring", "group_left", "group_right", "offset");

    private DashboardQueries() {
    }

    /** Every {@code expr} of every panel's targets (rows' nested panels too). */
    static List<String> expressions(Path dashboard) throws IOException {
        List<String> out = new ArrayList<>();
        collect(new ObjectMapper().readTree(dashboard.toFile()).path("panels"), out);
        return out;
    }

    private static void collect(JsonNode panels, List<String> out) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    out.add(target.get("expr").asText());
                }
            }
            collect(panel.path("panels"), out);
        }
    }

    /**
     * The metric names {@code expr} reads: what is left once strings, label matchers, ranges, grouping clauses and
     * offsets are gone, minus functions and aggregations (names followed by a parenthesis), keywords and Grafana's
     * {@code $variables}.
     */
    static Set<String> metricNames(String expr) {
        String rest = STRING.matcher(expr).replaceAll(" ");
        rest = MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = GROUPING.matcher(rest).replaceAll(" ");
        rest = OFFSET.matcher(rest).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(rest);
        while (m.find()) {
            boolean variable = m.start() > 0 && rest.charAt(m.start() - 1) == '$';
            boolean call = m.group(1) != null;
            // A number's exponent (1e3) is no name either: it follows a digit or a dot.
            boolean inNumber = m.start() > 0 && (Character.isDigit(rest.charAt(m.start() - 1)) || rest.charAt(m.start() - 1) == '.');
            String word = m.group().replaceAll("\\s*\\($", "");
            if (!variable && !call && !inNumber && !KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                names.add(word);
            }
        }
        return names;
    }

    /** The names of the samples of a Prometheus text scrape ({@code _total}, {@code _bucket}, ... included). */
    static Set<String> scrapedNames(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }
}
