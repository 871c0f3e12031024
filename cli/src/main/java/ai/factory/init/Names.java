package ai.factory.init;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Attribute and feature names for columns: lower case, words joined by '_', so a header such as
 * {@code "Cost Total $"} or a JSON path such as {@code properties.mag} becomes a name a spec can use; a nested
 * field keeps only its last part when that is unique (an array element its array's name too: coordinates_0).
 */
final class Names {

    private Names() {
    }

    /** A distinct name for every column, in the columns' order. */
    static Map<String, String> forColumns(Collection<String> columns) {
        Map<String, Integer> lastParts = new LinkedHashMap<>();
        for (String c : columns) {
            lastParts.merge(clean(lastPart(c)), 1, Integer::sum);
        }
        Map<String, String> names = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (String c : columns) {
            String last = clean(lastPart(c));
            String base = lastParts.get(last) == 1 ? last : clean(c);
            String name = base;
            for (int i = 2; !used.add(name); i++) {
                name = base + "_" + i;
            }
            names.put(c, name);
        }
        return names;
    }

    /** A spec or model name from a file name: {@code birdstrikes.csv.gz} → {@code birdstrikes}. */
    static String forFile(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        for (String ext : new String[] {".gz", ".csv", ".tsv", ".jsonl", ".ndjson", ".json"}) {
            if (name.endsWith(ext)) {
                name = name.substring(0, name.length() - ext.length());
            }
        }
        return clean(name);
    }

    private static String lastPart(String column) {
        int dot = column.lastIndexOf('.');
        // A trailing index (coordinates.0) names nothing on its own: keep its parent.
        if (dot > 0 && column.substring(dot + 1).chars().allMatch(Character::isDigit)) {
            int parent = column.lastIndexOf('.', dot - 1);
            return column.substring(parent + 1);
        }
        return dot < 0 ? column : column.substring(dot + 1);
    }

    static String clean(String text) {
        String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (s.isEmpty()) {
            return "column";
        }
        return Character.isDigit(s.charAt(0)) ? "c_" + s : s;
    }
}
