package ai.factory.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import ai.factory.records.Event;
import ai.factory.records.Feedback;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.InMemorySchemaRegistry;
import ai.factory.topics.Topics;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayOrderTest {

    private static final Mapping MAPPING = new Mapping(null, new Mapping.Id("id", null),
            new Mapping.TimeColumn("ts", TimeFormat.parse("epoch_s", null)), null, Map.of(), Mapping.Label.of("y"),
            new Mapping.LabelDelay(Duration.ofSeconds(1)));

    @TempDir
    Path dir;

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final List<long[]> sorts = new ArrayList<>();

    @Test
    void anUnsortedFileFailsBeforeAnythingIsSentNamingTheLinesAndTimes() throws IOException {
        Path csv = write("id,ts,y\na,1517393730,1\nb,1517393790,0\nc,1517393760,1\n");
        assertThatThrownBy(() -> replay(options(csv)))
                .isInstanceOf(Replay.NotSortedException.class)
                .hasMessageContaining("line 4").hasMessageContaining("2018-01-31T10:16:00Z")
                .hasMessageContaining("line 3").hasMessageContaining("2018-01-31T10:16:30Z").hasMessageContaining("--sort");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void disorderWithinTheToleranceReplaysAsItIs() throws IOException {
        Path csv = write("id,ts,y\na,1517393730,1\nb,1517393790,0\nc,1517393760,1\n");
        Replay.Progress done = replay(options(csv).withMaxDisorder(Duration.ofSeconds(30)));
        assertThat(done.events()).isEqualTo(3);
        assertThat(eventIds()).containsExactly("a", "b", "c");
    }

    @Test
    void aLimitChecksOnlyTheRowsItReplays() throws IOException {
        Path csv = write("id,ts,y\na,1517393730,1\nb,1517393790,0\nc,1517393760,1\n");
        Replay.Options first2 = new Replay.Options(csv, MAPPING, new Topics("t"), true, true, 0, 0, 2);
        assertThat(replay(first2).events()).isEqualTo(2);
    }

    @Test
    void skippingLeavesOutTheFirstEventsAndTheirFeedbackAndGoesOnFromThere() throws IOException {
        Path csv = write("id,ts,y\na,1517393730,1\nbad,soon,1\nb,1517393760,0\nc,1517393790,1\nd,1517393820,0\n");
        Replay.Progress done = replay(new Replay.Options(csv, MAPPING, new Topics("t"), true, true, 0, 0, 2).skipping(1));
        assertThat(done.events()).isEqualTo(2);
        assertThat(done.feedback()).isEqualTo(2);
        assertThat(eventIds()).containsExactly("b", "c");
        assertThat(producer.history()).filteredOn(r -> r.topic().equals(new Topics("t").feedback()))
                .extracting(ProducerRecord::key).containsExactly("b", "c");
        assertThat(Replay.scan(new Replay.Options(csv, MAPPING, new Topics("t"), true, true, 0, 0, 2).skipping(1)))
                .as("rows the replay will send").isEqualTo(2);
    }

    @Test
    void sortingReplaysStablyInEventTimeOrderAndCleansUp() throws IOException {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path csv = write("id,ts,y\nd,1517393790,1\na,1517393730,1\nbad,soon,1\nb,1517393760,0\nc,1517393760,1\ne,1517393700,0\n");
        List<String> bad = new ArrayList<>();
        Replay.Progress done = new Replay(options(csv).sorted(work), AvroCodec.of(Event.class, registry),
                AvroCodec.of(Feedback.class, registry), 2).run(producer, listener(bad));
        assertThat(eventIds()).containsExactly("e", "a", "b", "c", "d");
        assertThat(done.events()).isEqualTo(5);
        assertThat(done.feedback()).isEqualTo(5);
        assertThat(bad).containsExactly("4: event time 'soon' in column ts does not parse as epoch_s (UTC)");
        assertThat(sorts).containsExactly(new long[] {6, 3});
        assertThat(producer.history()).filteredOn(r -> r.topic().equals(new Topics("t").feedback()))
                .extracting(ProducerRecord::key).containsExactly("e", "a", "b", "c", "d");
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void rowNumberIdsNameTheRowsInTheFileNotTheirPlaceAfterSorting() throws IOException {
        Mapping byRow = new Mapping(null, new Mapping.Id("#row", "r-"), MAPPING.eventTime(), null, Map.of(), null, null);
        Path csv = write("ts\n1517393790\n1517393730\n1517393760\n");
        new Replay(new Replay.Options(csv, byRow, new Topics("t"), true, false, 0, 0, 0).sorted(dir),
                AvroCodec.of(Event.class, registry), AvroCodec.of(Feedback.class, registry), 1).run(producer, listener(new ArrayList<>()));
        assertThat(eventIds()).containsExactly("r-2", "r-3", "r-1");
    }

    @Test
    void aLiveReplayStampsEventsWithTheWallClockAndLabelsTheDelayLater() throws IOException {
        Path csv = write("id,ts,y\na,1517393730,1\nb,1517393790,0\n");
        long before = System.currentTimeMillis();
        replay(options(csv).withMaxDisorder(Duration.ZERO).live(Duration.ofMillis(200)));
        long after = System.currentTimeMillis();
        List<ProducerRecord<String, byte[]>> events = producer.history().stream()
                .filter(r -> r.topic().equals(new Topics("t").events())).toList();
        List<ProducerRecord<String, byte[]>> labels = producer.history().stream()
                .filter(r -> r.topic().equals(new Topics("t").feedback())).toList();
        assertThat(events).extracting(ProducerRecord::timestamp).allSatisfy(t -> assertThat(t).isBetween(before, after));
        assertThat(labels).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(labels.get(i).timestamp()).isEqualTo(events.get(i).timestamp() + 200);
        }
    }

    private Replay.Options options(Path csv) {
        return new Replay.Options(csv, MAPPING, new Topics("t"), true, true, 0, 0, 0);
    }

    private Replay.Progress replay(Replay.Options options) throws IOException {
        return new Replay(options, AvroCodec.of(Event.class, registry), AvroCodec.of(Feedback.class, registry))
                .run(producer, listener(new ArrayList<>()));
    }

    private Replay.Listener listener(List<String> bad) {
        return new Replay.Listener() {
            @Override
            public void progress(Replay.Progress progress) {
            }

            @Override
            public void badLine(long lineNumber, String reason) {
                bad.add(lineNumber + ": " + reason);
            }

            @Override
            public void sorted(long rows, int runs) {
                sorts.add(new long[] {rows, runs});
            }
        };
    }

    private List<String> eventIds() {
        return producer.history().stream().filter(r -> r.topic().equals(new Topics("t").events()))
                .map(ProducerRecord::key).toList();
    }

    private Path write(String content) throws IOException {
        Path file = dir.resolve("data.csv");
        Files.writeString(file, content);
        return file;
    }
}
