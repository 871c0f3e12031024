package ai.factory.replay;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Sorts rows by a time key in bounded memory: sorted runs of at most {@code runRows} rows are spilled to JSON Lines
 * files in a work folder and merged k ways. Stable: rows with equal keys keep their file order (within a run by the
 * stable list sort, across runs by run order). Rows without a key (unreadable, or no time) come first, so the replay
 * reports them before it starts. The files are deleted on close, and at once when sorting fails.
 */
final class ExternalSort {

    static final int DEFAULT_RUN_ROWS = 100_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Comparator<Keyed> BY_TIME = Comparator.comparing(Keyed::time,
            Comparator.nullsFirst(Comparator.naturalOrder()));

    private ExternalSort() {
    }

    /** A row with its sort key; null when the row has no time. */
    private record Keyed(Instant time, RowReader.Row row) {
    }

    /** The sorted rows; close deletes the run files. */
    static final class Sorted implements RowStream {
        private final List<Path> files;
        private final List<Iterator<Keyed>> runs = new ArrayList<>();
        private final List<BufferedReader> readers = new ArrayList<>();
        private final PriorityQueue<Head> heads = new PriorityQueue<>(
                Comparator.<Head, Keyed>comparing(Head::keyed, BY_TIME).thenComparingInt(Head::run));
        private final long rows;
        private long taken;

        private record Head(Keyed keyed, int run) {
        }

        private Sorted(List<Path> files, List<Keyed> inMemory, long rows) throws IOException {
            this.files = files;
            this.rows = rows;
            if (inMemory != null) {
                runs.add(inMemory.iterator());
            }
            for (Path file : files) {
                BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                readers.add(reader);
                runs.add(new RunIterator(reader));
            }
            for (int i = 0; i < runs.size(); i++) {
                pull(i);
            }
        }

        /** How many rows were sorted. */
        long rows() {
            return rows;
        }

        /** How many sorted runs were merged: 1 when the rows fitted in memory. */
        int runs() {
            return runs.size();
        }

        @Override
        public boolean hasNext() {
            return !heads.isEmpty();
        }

        @Override
        public RowReader.Row next() {
            Head head = heads.poll();
            if (head == null) {
                throw new NoSuchElementException();
            }
            pull(head.run());
            taken++;
            return head.keyed().row();
        }

        private void pull(int run) {
            if (runs.get(run).hasNext()) {
                heads.add(new Head(runs.get(run).next(), run));
            }
        }

        @Override
        public double fractionRead() {
            return rows == 0 ? 1.0 : (double) taken / rows;
        }

        @Override
        public void close() throws IOException {
            IOException failed = null;
            for (BufferedReader reader : readers) {
                try {
                    reader.close();
                } catch (IOException e) {
                    failed = e;
                }
            }
            deleteAll(files);
            if (failed != null) {
                throw failed;
            }
        }
    }

    /**
     * Reads all of {@code rows} (the caller closes them) and returns them sorted by {@code time}, which gives null for
     * a row without a time.
     */
    static Sorted sort(Iterator<RowReader.Row> rows, Function<RowReader.Row, Instant> time, Path workDir, int runRows)
            throws IOException {
        if (runRows < 1) {
            throw new IllegalArgumentException("a sort run holds at least one row, was " + runRows);
        }
        List<Path> files = new ArrayList<>();
        try {
            List<Keyed> run = new ArrayList<>();
            long count = 0;
            while (rows.hasNext()) {
                RowReader.Row row = rows.next();
                run.add(new Keyed(time.apply(row), row));
                count++;
                if (run.size() == runRows && rows.hasNext()) {
                    files.add(spill(run, workDir));
                    run.clear();
                }
            }
            run.sort(BY_TIME);
            if (files.isEmpty()) {
                return new Sorted(files, run, count);
            }
            if (!run.isEmpty()) {
                files.add(spill(run, workDir));
            }
            return new Sorted(files, null, count);
        } catch (IOException | RuntimeException e) {
            deleteAll(files);
            throw e;
        }
    }

    private static Path spill(List<Keyed> run, Path workDir) throws IOException {
        run.sort(BY_TIME);
        Files.createDirectories(workDir);
        Path file = Files.createTempFile(workDir, "replay-sort-", ".jsonl");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
            for (Keyed k : run) {
                json.writeStartObject();
                json.writeNumberField("number", k.row().number());
                json.writeNumberField("line", k.row().lineNumber());
                if (k.time() != null) {
                    json.writeNumberField("seconds", k.time().getEpochSecond());
                    json.writeNumberField("nanos", k.time().getNano());
                }
                if (k.row().error() != null) {
                    json.writeStringField("error", k.row().error());
                }
                json.writeObjectFieldStart("values");
                for (Map.Entry<String, String> e : k.row().values().entrySet()) {
                    json.writeStringField(e.getKey(), e.getValue());
                }
                json.writeEndObject();
                json.writeEndObject();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return file;
    }

    /** Reads back one spilled run, a line at a time. */
    private static final class RunIterator implements Iterator<Keyed> {
        private final BufferedReader reader;
        private String next;

        RunIterator(BufferedReader reader) throws IOException {
            this.reader = reader;
            this.next = reader.readLine();
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Keyed next() {
            try {
                JsonNode node = JSON.readTree(next);
                next = reader.readLine();
                Map<String, String> values = new HashMap<>();
                node.get("values").fields().forEachRemaining(e ->
                        values.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
                Instant time = node.has("seconds")
                        ? Instant.ofEpochSecond(node.get("seconds").asLong(), node.get("nanos").asLong()) : null;
                String error = node.has("error") ? node.get("error").asText() : null;
                return new Keyed(time, new RowReader.Row(node.get("number").asLong(), node.get("line").asLong(), error == null ? values : Map.of(), error));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read a sort run back", e);
            }
        }
    }

    private static void deleteAll(List<Path> files) {
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // Best effort: the work folder is temporary, and a failed delete must not hide the real outcome.
            }
        }
    }
}
