package ai.factory.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RowReaderTest {

    @TempDir
    Path dir;

    @Test
    void csvQuotedCellsHoldCommasQuotesAndLineBreaks() throws IOException {
        List<RowReader.Row> rows = read("q.csv", "\uFEFFid,Cost Total $,note\r\n"
                + "1,\"1,5\",\"say \"\"hi\"\"\"\r\n"
                + "\r\n"
                + "2,3,\"two\r\nlines\"\r\n"
                + "3,4,\n");
        assertThat(rows).extracting(RowReader.Row::lineNumber).containsExactly(2L, 4L, 6L);
        assertThat(rows).extracting(RowReader.Row::number).containsExactly(1L, 2L, 3L);
        assertThat(rows.get(0).values()).containsEntry("id", "1").containsEntry("Cost Total $", "1,5").containsEntry("note", "say \"hi\"");
        assertThat(rows.get(1).values()).containsEntry("note", "two\r\nlines");
        assertThat(rows.get(2).values()).containsEntry("note", "");
    }

    @Test
    void csvRowsThatDoNotFitAreBadRowsAndReadingGoesOn() throws IOException {
        List<RowReader.Row> rows = read("bad.csv", "a,b\n1,2,3\n4,5\n6,\"open\n7,8\n");
        assertThat(rows).extracting(RowReader.Row::lineNumber).containsExactly(2L, 3L, 4L);
        assertThat(rows.get(0).error()).isEqualTo("expected 2 columns, found 3");
        assertThat(rows.get(1).ok()).isTrue();
        assertThat(rows.get(2).error()).contains("unbalanced quotes");
    }

    @Test
    void tsvSplitsOnTabs() throws IOException {
        List<RowReader.Row> rows = read("t.tsv", "a b\tc,d\n1, 2\t3\n");
        assertThat(rows.get(0).values()).isEqualTo(Map.of("a b", "1, 2", "c,d", "3"));
    }

    @Test
    void aHeaderThatRepeatsANameIsAnErrorNamingIt() throws IOException {
        Path file = dir.resolve("dup.csv");
        Files.writeString(file, "a,b,a,c,b\n1,2,3,4,5\n");
        assertThatThrownBy(() -> RowReader.open(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("dup.csv").hasMessageContaining("more than once: a, b");
    }

    @Test
    void jsonLinesAreFlattenedByPath() throws IOException {
        List<RowReader.Row> rows = read("q.jsonl", """
                {"id":"q1","properties":{"mag":2.1,"place":null},"geometry":{"coordinates":[-118.6,34.4,26]}}

                not json
                [1]
                """);
        assertThat(rows.get(0).values()).containsEntry("id", "q1").containsEntry("properties.mag", "2.1")
                .containsEntry("properties.place", null).containsEntry("geometry.coordinates.0", "-118.6")
                .containsEntry("geometry.coordinates.2", "26").hasSize(6);
        assertThat(rows).extracting(RowReader.Row::lineNumber).containsExactly(1L, 3L, 4L);
        assertThat(rows.get(1).error()).startsWith("not valid JSON");
        assertThat(rows.get(2).error()).isEqualTo("not a JSON object");
    }

    @Test
    void aJsonArrayIsReadAsAStreamOfElements() throws IOException {
        List<RowReader.Row> rows = read("a.json", "\n  [ {\"a\": {\"b\": 1}},\n 7, {\"a\": {\"b\": 2}, \"c\": [true]} ]\n");
        assertThat(rows).extracting(RowReader.Row::lineNumber).containsExactly(1L, 2L, 3L);
        assertThat(rows.get(0).values()).isEqualTo(Map.of("a.b", "1"));
        assertThat(rows.get(1).error()).isEqualTo("array element is not a JSON object");
        assertThat(rows.get(2).values()).isEqualTo(Map.of("a.b", "2", "c.0", "true"));
    }

    @Test
    void brokenJsonInAnArrayEndsTheRowsWithABadRow() throws IOException {
        List<RowReader.Row> rows = read("a.json", "[{\"a\":1},{\"a\":");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).error()).startsWith("not valid JSON");
    }

    @Test
    void aDotJsonFileOfLinesAndGzippedFilesRead() throws IOException {
        assertThat(read("l.json", "{\"a\":1}\n{\"a\":2}\n")).extracting(r -> r.values().get("a")).containsExactly("1", "2");
        Path gz = dir.resolve("g.json.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("\uFEFF[{\"a\":1}]".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(readAll(gz)).extracting(r -> r.values().get("a")).containsExactly("1");
        Path csvGz = dir.resolve("c.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(csvGz))) {
            out.write("a\n1\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(readAll(csvGz)).extracting(r -> r.values().get("a")).containsExactly("1");
    }

    @Test
    void anEmptyCsvIsAnError() throws IOException {
        Path file = dir.resolve("e.csv");
        Files.writeString(file, "");
        assertThatThrownBy(() -> RowReader.open(file)).hasMessageContaining("header");
    }

    private List<RowReader.Row> read(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return readAll(file);
    }

    private static List<RowReader.Row> readAll(Path file) throws IOException {
        List<RowReader.Row> rows = new ArrayList<>();
        try (RowReader reader = RowReader.open(file)) {
            reader.forEachRemaining(rows::add);
            assertThat(reader.fractionRead()).isEqualTo(1.0);
        }
        return rows;
    }
}
