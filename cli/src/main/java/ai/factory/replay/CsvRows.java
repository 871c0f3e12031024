package ai.factory.replay;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rows from CSV (RFC 4180: quoted cells may hold the separator, doubled quotes and line breaks) or TSV, with a header
 * line. A row's number is the line it starts on; blank lines are skipped.
 */
final class CsvRows implements RowReader.Source {

    /** One record as split, before it meets the header. */
    record Record(long lineNumber, List<String> cells, String error) {
    }

    // A quoted cell longer than this is far more likely a stray quote than data; stop before it eats the file.
    static final int MAX_RECORD_CHARS = 1 << 20;

    private final Reader reader;
    private final char separator;
    private final List<String> header;
    private long line = 1;
    private long rows;
    private int peeked = -2;

    CsvRows(Reader reader, char separator) throws IOException {
        this.reader = reader;
        this.separator = separator;
        Record first = record();
        if (first == null) {
            throw new IOException("empty file: a CSV file needs a header line");
        }
        if (first.error() != null) {
            throw new IOException("the header line cannot be read: " + first.error());
        }
        List<String> names = new ArrayList<>(first.cells());
        if (names.get(0).startsWith("\uFEFF")) {
            names.set(0, names.get(0).substring(1));
        }
        Set<String> seen = new HashSet<>();
        Set<String> repeated = new LinkedHashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                repeated.add(name);
            }
        }
        if (!repeated.isEmpty()) {
            throw new IOException("the header names a column more than once: " + String.join(", ", repeated));
        }
        this.header = List.copyOf(names);
    }

    List<String> header() {
        return header;
    }

    @Override
    public RowReader.Row read() throws IOException {
        Record r = record();
        if (r == null) {
            return null;
        }
        rows++;
        if (r.error() != null) {
            return new RowReader.Row(rows, r.lineNumber(), Map.of(), r.error());
        }
        if (r.cells().size() != header.size()) {
            return new RowReader.Row(rows, r.lineNumber(), Map.of(), "expected " + header.size() + " columns, found " + r.cells().size());
        }
        Map<String, String> values = new HashMap<>(header.size() * 2);
        for (int i = 0; i < header.size(); i++) {
            values.put(header.get(i), r.cells().get(i));
        }
        return new RowReader.Row(rows, r.lineNumber(), values, null);
    }

    /** The next non-blank record, or null at the end of the input. */
    Record record() throws IOException {
        while (true) {
            long start = line;
            List<String> cells = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            int length = 0;
            int c;
            while (true) {
                c = nextChar();
                if (c < 0) {
                    if (quoted) {
                        return new Record(start, List.of(), "unbalanced quotes: a quoted cell runs to the end of the file");
                    }
                    break;
                }
                if (++length > MAX_RECORD_CHARS) {
                    return new Record(start, List.of(), "a row runs past " + MAX_RECORD_CHARS + " characters (unbalanced quotes?)");
                }
                if (c == '\n') {
                    line++;
                }
                if (quoted) {
                    if (c != '"') {
                        cell.append((char) c);
                    } else if (peek() == '"') {
                        cell.append('"');
                        nextChar();
                    } else {
                        quoted = false;
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == separator) {
                    cells.add(cell.toString());
                    cell.setLength(0);
                } else if (c == '\n') {
                    break;
                } else if (c != '\r' || peek() != '\n') {
                    cell.append((char) c);
                }
            }
            if (c < 0 && cells.isEmpty() && cell.length() == 0) {
                return null;
            }
            cells.add(cell.toString());
            if (cells.size() > 1 || !cells.get(0).isBlank()) {
                return new Record(start, cells, null);
            }
        }
    }

    private int nextChar() throws IOException {
        if (peeked != -2) {
            int c = peeked;
            peeked = -2;
            return c;
        }
        return reader.read();
    }

    private int peek() throws IOException {
        if (peeked == -2) {
            peeked = reader.read();
        }
        return peeked;
    }
}
