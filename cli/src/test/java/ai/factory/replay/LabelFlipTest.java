package ai.factory.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.factory.records.Event;
import ai.factory.records.Feedback;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.InMemorySchemaRegistry;
import ai.factory.serde.RecordSource;
import ai.factory.topics.Topics;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelFlipTest {

    private static final Topics TOPICS = new Topics("t");
    private static final Mapping MAPPING = new Mapping(null, new Mapping.Id("id", null),
            new Mapping.TimeColumn("ts", TimeFormat.parse("epoch_s", null)), null, Map.of(), Mapping.Label.of("y"),
            new Mapping.LabelDelay(Duration.ofSeconds(1)));

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroCodec<Feedback> feedbacks = AvroCodec.of(Feedback.class, registry);

    private static Feedback label(double y) {
        return Feedback.newBuilder().setEventId("e").setLabel(y).setFeedbackTime(Instant.parse("2001-01-01T00:00:00Z"))
                .setSource("replay").build();
    }

    @Test
    void flipsTheLabelsOfTheStretchOnlyAndKeepsTheRest() {
        LabelFlip flip = new LabelFlip(2, 4);
        Feedback one = label(1);
        assertThat(flip.apply(1, one)).isSameAs(one);
        assertThat(flip.apply(2, one).getLabel()).isEqualTo(0.0);
        assertThat(flip.apply(3, label(0)).getLabel()).isEqualTo(1.0);
        assertThat(flip.apply(4, one)).isSameAs(one);
        Feedback flipped = flip.apply(2, one);
        assertThat(flipped.getEventId()).isEqualTo("e");
        assertThat(flipped.getFeedbackTime()).isEqualTo(one.getFeedbackTime());
        assertThat(flipped.getSource()).isEqualTo("replay");
        assertThat(one.getLabel()).as("the original is not changed").isEqualTo(1.0);
        assertThat(flip.size()).isEqualTo(2);
    }

    @Test
    void anInvertedStretchIsRefused() {
        assertThatThrownBy(() -> new LabelFlip(5, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LabelFlip(-1, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theReplaySendsTheStretchFlippedAndSaysWhichEvents(@TempDir Path dir) throws IOException {
        Path csv = Files.writeString(dir.resolve("d.csv"),
                "id,ts,y\na,1517393730,1\nbad,soon,1\nb,1517393760,0\nc,1517393790,1\nd,1517393820,0\n");
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        List<String> told = new ArrayList<>();
        Replay.Options options = new Replay.Options(csv, MAPPING, TOPICS, true, true, 0, 0, 0).withLabels(new LabelFlip(1, 3));
        new Replay(options, AvroCodec.of(Event.class, registry), feedbacks).run(producer, new Replay.Listener() {
            @Override
            public void progress(Replay.Progress progress) {
            }

            @Override
            public void badLine(long lineNumber, String reason) {
            }

            @Override
            public void labelChanged(long eventIndex, Event event, Feedback sent) {
                told.add(eventIndex + ":" + event.getId() + "=" + sent.getLabel());
            }
        });
        List<String> sent = producer.history().stream().filter(r -> r.topic().equals(TOPICS.feedback()))
                .map(r -> r.key() + "=" + feedbacks.decode(new RecordSource(r.topic(), 0, 0), r.value()).getLabel()).toList();
        // The bad row is no event: the stretch counts the events sent (a, b, c, d), so b and c are flipped.
        assertThat(sent).containsExactly("a=1.0", "b=1.0", "c=0.0", "d=0.0");
        assertThat(told).containsExactly("1:b=1.0", "2:c=0.0");
    }
}
