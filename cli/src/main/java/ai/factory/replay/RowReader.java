package ai.factory.replay;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads rows, by column name, from a CSV file with a header line or a JSON Lines file (either may be gzipped).
 * A line that cannot be read becomes a row with an error, never an exception, so a run reports it and goes on.
 */
public final class RowReader implements Iterator<RowReader.Row>, Closeable {

    /** One input line: its 1-based line number and values, or why it could not be read. */
    public record Row(long lineNumber, Map<String, String> values, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    private final BufferedReader reader;
    private final CountingStream counted;
    private final long size;
    private final boolean jsonLines;
    private final List<String> header;
    private final ObjectMapper json = new ObjectMapper();
    private long lineNumber;
    private String next;

    private RowReader(BufferedReader reader, CountingStream counted, long size, boolean jsonLines) throws IOException {
        this.reader = reader;
        this.counted = counted;
        this.size = size;
        this.jsonLines = jsonLines;
        if (jsonLines) {
            this.header = List.of();
        } else {
            String first = reader.readLine();
            lineNumber = 1;
            if (first == null) {
                throw new IOException("empty file: a CSV file needs a header line");
            }
            this.header = splitCsv(first.startsWith("\uFEFF") ? first.substring(1) : first);
        }
        advance();
    }

    /** Opens {@code file}; JSON Lines when it ends in .jsonl or .ndjson (optionally .gz), CSV otherwise. */
    public static RowReader open(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase();
        CountingStream counted = new CountingStream(Files.newInputStream(file));
        InputStream in = counted;
        if (name.endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
            name = name.substring(0, name.length() - 3);
        }
        boolean jsonl = name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json");
        return new RowReader(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16),
                counted, Files.size(file), jsonl);
    }

    /** Share of the file read so far, 0..1 (of the compressed bytes for a gzipped file). */
    public double fractionRead() {
        return size == 0 ? 1.0 : Math.min(1.0, (double) counted.count / size);
    }

    /** Counts the bytes taken from the file, for progress. */
    private static final class CountingStream extends java.io.FilterInputStream {
        private long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /** The CSV header (empty for JSON Lines). */
    public List<String> header() {
        return header;
    }

    @Override
    public boolean hasNext() {
        return next != null;
    }

    @Override
    public Row next() {
        String line = next;
        long number = lineNumber;
        advance();
        return jsonLines ? parseJson(number, line) : parseCsv(number, line);
    }

    private void advance() {
        try {
            do {
                next = reader.readLine();
                lineNumber++;
            } while (next != null && next.isBlank());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read line " + lineNumber, e);
        }
    }

    private Row parseCsv(long number, String line) {
        List<String> cells = splitCsv(line);
        if (cells == null) {
            return new Row(number, Map.of(), "unbalanced quotes");
        }
        if (cells.size() != header.size()) {
            return new Row(number, Map.of(), "expected " + header.size() + " columns, found " + cells.size());
        }
        Map<String, String> values = new HashMap<>(header.size() * 2);
        for (int i = 0; i < header.size(); i++) {
            values.put(header.get(i), cells.get(i));
        }
        return new Row(number, values, null);
    }

    private Row parseJson(long number, String line) {
        try {
            JsonNode node = json.readTree(line);
            if (node == null || !node.isObject()) {
                return new Row(number, Map.of(), "not a JSON object");
            }
            Map<String, String> values = new HashMap<>();
            node.properties().forEach(e -> values.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
            return new Row(number, values, null);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return new Row(number, Map.of(), "not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Splits one CSV line (RFC 4180 quoting within a line); null when quotes do not balance. */
    static List<String> splitCsv(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        cells.add(cell.toString());
        return cells;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
