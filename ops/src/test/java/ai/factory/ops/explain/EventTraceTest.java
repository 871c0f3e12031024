package ai.factory.ops.explain;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import ai.factory.broker.KafkaExtension;
import ai.factory.broker.TestKafka;
import ai.factory.kafka.KafkaConnection;
import ai.factory.ops.explain.EventView.ReleaseStep;
import ai.factory.serde.KafkaSchemaRegistry;
import ai.factory.serde.SchemaRegistry;
import ai.factory.topics.Topics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link EventTrace} on the embedded broker over the records of {@link TracedEvents}. */
@ExtendWith(KafkaExtension.class)
class EventTraceTest {

    private static Topics topics;
    private static Instant wall;
    private static String bootstrap;

    @BeforeAll
    static void write() throws Exception {
        bootstrap = TestKafka.shared().bootstrapServers();
        topics = new Topics(TestKafka.uniquePrefix("trace"));
        wall = TracedEvents.write(bootstrap, topics);
    }

    private static EventView trace(String id, TraceOptions options, List<String> phases) {
        try (SchemaRegistry registry = new KafkaSchemaRegistry(bootstrap, topics.schemas());
             EventTrace trace = new EventTrace(KafkaConnection.of(bootstrap), topics, registry)) {
            return trace.trace(id, options, (phase, read, total) -> phases.add(phase));
        }
    }

    @Test
    void aReplayedEventShowsEverythingDownToTheLineage() {
        List<String> phases = new ArrayList<>();
        EventView view = trace(TracedEvents.REPLAYED, TraceOptions.defaults(), phases);

        assertThat(view.event().eventTime()).isEqualTo(TracedEvents.DATA_TIME.toEpochMilli());
        assertThat(view.event().entity()).isEqualTo("AA");
        assertThat(view.event().attributes()).containsEntry("carrier", "AA").containsEntry("distance", 1200L)
                .containsEntry("night", true).containsEntry("gate", null);
        assertThat(view.event().at().topic()).isEqualTo(topics.events());

        assertThat(view.features()).singleElement().satisfies(f -> {
            assertThat(f.dense()).containsExactly(0.5f, -1f);
            assertThat(f.sparse()).containsExactly(3, 9);
            assertThat(f.preparedAt()).isEqualTo(wall.toEpochMilli());
        });
        assertThat(view.predictions()).singleElement().satisfies(p -> {
            assertThat(p.model()).isEqualTo("flights");
            assertThat(p.version()).isEqualTo(2);
            assertThat(p.score()).isEqualTo(0.8);
            assertThat(p.shadow()).isFalse();
            assertThat(p.explanation().method()).isEqualTo("exact");
            assertThat(p.explanation().units()).isEqualTo("logit");
            assertThat(p.explanation().baseline()).isEqualTo(-0.2);
            assertThat(p.explanation().top()).extracting(EventView.Contribution::feature).containsExactly("distance", "carrier");
            assertThat(p.explanation().rest()).isEqualTo(0.1);
        });
        assertThat(view.feedback()).singleElement().satisfies(f -> {
            assertThat(f.label()).isEqualTo(1.0);
            assertThat(f.source()).isEqualTo("airline");
        });
        // Behind three commit markers stamped now, which point the time index of 2001 at the first of them.
        assertThat(view.examples()).singleElement().satisfies(e -> {
            assertThat(e.servedScore()).isEqualTo(0.8);
            assertThat(e.version()).isEqualTo(2L);
            assertThat(e.at().partition()).isZero();
            assertThat(e.at().offset()).isEqualTo(6);
        });

        assertThat(view.releases()).singleElement().satisfies(r -> {
            assertThat(r.model()).isEqualTo("flights");
            assertThat(r.version()).isEqualTo(2);
            assertThat(r.steps()).extracting(ReleaseStep::version).containsExactly(2L, 1L);
            ReleaseStep v2 = r.steps().get(0);
            assertThat(v2.parentVersion()).isEqualTo(1L);
            assertThat(v2.trainedThroughEventTime()).isEqualTo(TracedEvents.V2_THROUGH.toEpochMilli());
            assertThat(v2.trainedFromEventTime()).isEqualTo(TracedEvents.V2_FROM.toEpochMilli());
            assertThat(r.steps().get(1).trainedFromEventTime()).as("v1 did not record it").isNull();
            assertThat(v2.examplesTrained()).isEqualTo(42);
            assertThat(v2.trainingData()).singleElement().satisfies(range -> {
                assertThat(range.topic()).isEqualTo(topics.examples());
                assertThat(range.fromOffset()).isEqualTo(10);
                assertThat(range.toOffset()).isEqualTo(41);
            });
        });

        // Features and predictions carry the wall clock: found from when the example says the features were prepared.
        assertThat(view.search().windows()).extracting(EventView.Window::clock).containsExactly("data", "processing");
        assertThat(view.search().complete()).isTrue();
        assertThat(view.search().missingTopics()).isEmpty();
        assertThat(view.search().recordsRead()).isPositive().isLessThan(30);
        assertThat(phases).contains("looking for the event, newest first");
    }

    @Test
    void aLiveEventWithoutALabelYetShowsItsPredictionWithoutExplanation() {
        EventView view = trace(TracedEvents.LIVE, TraceOptions.defaults(), new ArrayList<>());
        assertThat(view.features()).hasSize(1);
        assertThat(view.predictions()).singleElement().satisfies(p -> {
            assertThat(p.score()).isEqualTo(0.3);
            assertThat(p.explanation()).isNull();
        });
        assertThat(view.feedback()).isEmpty();
        assertThat(view.examples()).isEmpty();
        assertThat(view.releases()).singleElement().satisfies(r -> assertThat(r.steps()).hasSize(2));
        assertThat(view.search().windows()).extracting(EventView.Window::clock).containsExactly("data");
    }

    @Test
    void anEventIsFoundAroundAGivenTime() {
        EventView view = trace(TracedEvents.NEIGHBOUR,
                TraceOptions.defaults().withAround(TracedEvents.DATA_TIME).withWindow(Duration.ofHours(1)), new ArrayList<>());
        assertThat(view.eventId()).isEqualTo(TracedEvents.NEIGHBOUR);
        // Its record holds the other id as a prefix; only its own records are kept.
        assertThat(view.predictions()).singleElement().satisfies(p -> assertThat(p.score()).isEqualTo(0.1));
    }

    @Test
    void anUnknownIdOrASpentBudgetSaysWhereTheSearchLooked() {
        assertThatThrownBy(() -> trace("flight-unknown", TraceOptions.defaults(), new ArrayList<>()))
                .isInstanceOf(EventNotFoundException.class)
                .hasMessage("event flight-unknown not found: it is not among the 3 records of " + topics.events());
        assertThatThrownBy(() -> trace("flight-unknown", TraceOptions.defaults().withBudget(2, Duration.ofSeconds(30)),
                new ArrayList<>()))
                .isInstanceOf(EventNotFoundException.class)
                .hasMessageContaining("not found in the newest 2 records of " + topics.events())
                .hasMessageContaining("the budget of 2 records is spent");
        assertThatThrownBy(() -> trace(TracedEvents.REPLAYED,
                TraceOptions.defaults().withAround(Instant.parse("1999-01-01T00:00:00Z")).withWindow(Duration.ofMinutes(1)),
                new ArrayList<>()))
                .isInstanceOf(EventNotFoundException.class)
                .hasMessageContaining("not found among the 0 records of " + topics.events() + " timestamped 1998-12-31T23:59:00Z");
    }

    @Test
    void anIdIsFoundInTheBytesOnlyWhenTheyHoldIt() {
        byte[] record = "xxflight-7yy".getBytes(UTF_8);
        assertThat(EventTrace.holds(record, "flight-7".getBytes(UTF_8))).isTrue();
        assertThat(EventTrace.holds(record, "flight-8".getBytes(UTF_8))).isFalse();
        assertThat(EventTrace.holds(record, "yyz".getBytes(UTF_8))).isFalse();
        assertThat(EventTrace.holds(null, "a".getBytes(UTF_8))).isFalse();
    }
}
