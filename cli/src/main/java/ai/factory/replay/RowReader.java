package ai.factory.replay;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;

/**
 * Reads rows, by column name, from CSV or TSV with a header line, JSON Lines, or one JSON array of objects (any of
 * them may be gzipped); nested JSON is flattened by path. A row that cannot be read becomes a row with an error,
 * never an exception, so a run reports it and goes on.
 */
public final class RowReader implements RowStream {

    /**
     * One input row: its 1-based number among the file's rows (what {@code #row} ids use, whatever order the rows are
     * replayed in), the line it starts on (element number in a JSON array), and its values or why it could not be read.
     */
    public record Row(long number, long lineNumber, Map<String, String> values, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    /** One file format's rows, in file order; null after the last. */
    interface Source {
        Row read() throws IOException;
    }

    private final BufferedReader reader;
    private final CountingStream counted;
    private final long size;
    private final Source source;
    private final List<String> header;
    private Row next;

    private RowReader(BufferedReader reader, CountingStream counted, long size, Source source, List<String> header) {
        this.reader = reader;
        this.counted = counted;
        this.size = size;
        this.source = source;
        this.header = header;
        advance();
    }

    /**
     * Opens {@code file}: JSON when it ends in .jsonl, .ndjson or .json (optionally .gz), one array or JSON Lines by its
     * first character; TSV when it ends in .tsv; CSV otherwise.
     */
    public static RowReader open(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase();
        CountingStream counted = new CountingStream(Files.newInputStream(file));
        try {
            InputStream in = counted;
            if (name.endsWith(".gz")) {
                in = new GZIPInputStream(in, 1 << 16);
                name = name.substring(0, name.length() - 3);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
            long size = Files.size(file);
            if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
                Source json = firstCharacter(reader) == '[' ? new JsonRows.Array(reader) : new JsonRows.Lines(reader);
                return new RowReader(reader, counted, size, json, List.of());
            }
            CsvRows csv = new CsvRows(reader, name.endsWith(".tsv") ? '\t' : ',');
            return new RowReader(reader, counted, size, csv, csv.header());
        } catch (IOException | RuntimeException e) {
            counted.close();
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The first character that is not white space or a byte-order mark, leaving the reader where it was. */
    private static int firstCharacter(BufferedReader reader) throws IOException {
        reader.mark(1 << 16);
        int c;
        do {
            c = reader.read();
        } while (c >= 0 && (Character.isWhitespace(c) || c == '\uFEFF'));
        reader.reset();
        // A byte-order mark before '[' would confuse the JSON parser, so skip it for good.
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset();
        }
        return c;
    }

    /** Share of the file read so far, 0..1 (of the compressed bytes for a gzipped file). */
    @Override
    public double fractionRead() {
        return size == 0 ? 1.0 : Math.min(1.0, (double) counted.count / size);
    }

    /** The CSV header (empty for JSON). */
    public List<String> header() {
        return header;
    }

    @Override
    public boolean hasNext() {
        return next != null;
    }

    @Override
    public Row next() {
        if (next == null) {
            throw new NoSuchElementException();
        }
        Row row = next;
        advance();
        return row;
    }

    private void advance() {
        try {
            next = source.read();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read after line " + (next == null ? 0 : next.lineNumber()), e);
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    /** Counts the bytes taken from the file, for progress. */
    private static final class CountingStream extends FilterInputStream {
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
}
