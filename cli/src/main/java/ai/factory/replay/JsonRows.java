package ai.factory.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Rows from JSON: one object a line (JSON Lines), or the elements of one top-level array read as a stream. */
final class JsonRows {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonRows() {
    }

    /** Column name to text for every leaf of {@code node}, by path: {@code geometry.coordinates.0}; null for JSON null. */
    static Map<String, String> flatten(JsonNode node) {
        Map<String, String> values = new LinkedHashMap<>(); // field order, for init's column listing
        flatten("", node, values);
        return values;
    }

    private static void flatten(String path, JsonNode node, Map<String, String> values) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), values);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(path.isEmpty() ? Integer.toString(i) : path + "." + i, node.get(i), values);
            }
        } else {
            values.put(path, node.isNull() ? null : node.asText());
        }
    }

    private static RowReader.Row row(long number, long line, JsonNode node) {
        if (node == null || !node.isObject()) {
            return new RowReader.Row(number, line, Map.of(), "not a JSON object");
        }
        return new RowReader.Row(number, line, flatten(node), null);
    }

    /** One JSON object a line; blank lines are skipped, a line's number is its place in the file. */
    static final class Lines implements RowReader.Source {
        private final BufferedReader reader;
        private long lineNumber;
        private long rows;

        Lines(BufferedReader reader) {
            this.reader = reader;
        }

        @Override
        public RowReader.Row read() throws IOException {
            String line;
            do {
                line = reader.readLine();
                lineNumber++;
            } while (line != null && line.isBlank());
            if (line == null) {
                return null;
            }
            rows++;
            try {
                return row(rows, lineNumber, JSON.readTree(line));
            } catch (JsonProcessingException e) {
                return new RowReader.Row(rows, lineNumber, Map.of(), "not valid JSON: " + e.getOriginalMessage());
            }
        }
    }

    /**
     * The elements of one top-level array, one at a time so memory holds one element, not the file; a row's number is
     * its element's 1-based index. Broken JSON ends the rows, as nothing after it can be trusted.
     */
    static final class Array implements RowReader.Source {
        private final JsonParser parser;
        private long index;
        private boolean done;

        Array(BufferedReader reader) throws IOException {
            this.parser = JSON.getFactory().createParser(reader);
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("expected a JSON array");
            }
        }

        @Override
        public RowReader.Row read() throws IOException {
            if (done) {
                return null;
            }
            try {
                JsonToken token = parser.nextToken();
                if (token == JsonToken.END_ARRAY || token == null) {
                    done = true;
                    return null;
                }
                index++;
                if (token != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    return new RowReader.Row(index, index, Map.of(), "array element is not a JSON object");
                }
                return row(index, index, parser.readValueAsTree());
            } catch (JsonProcessingException e) {
                done = true;
                return new RowReader.Row(Math.max(1, index), Math.max(1, index), Map.of(), "not valid JSON, the rest of the file is skipped: "
                        + e.getOriginalMessage());
            }
        }
    }
}
