package ai.factory.ingest;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.factory.records.Event;
import ai.factory.records.Feedback;

/** Hand-made events and feedback for tests. */
public final class Events {

    /** Monday 2024-01-01 10:00 UTC. */
    public static final Instant T0 = Instant.parse("2024-01-01T10:00:00Z");

    private Events() {
    }

    /** An event of the test spec: key {@code k}, number {@code x}, category {@code c}. */
    public static Event event(String id, Instant time, String k, Object x, String c) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("k", k);
        attributes.put("x", x);
        if (c != null) {
            attributes.put("c", c);
        }
        return event(id, time, attributes);
    }

    public static Event event(String id, Instant time, Map<String, Object> attributes) {
        return Event.newBuilder().setId(id).setEventTime(time).setEntity("entity-" + id).setAttributes(attributes).build();
    }

    public static Feedback feedback(String eventId, double label, Instant time) {
        return Feedback.newBuilder().setEventId(eventId).setLabel(label).setFeedbackTime(time).setSource("test").build();
    }
}
