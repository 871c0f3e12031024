package ai.factory.it.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.factory.records.Event;
import ai.factory.records.FeatureVector;
import ai.factory.records.Feedback;
import ai.factory.records.Prediction;
import ai.factory.serde.AvroCodec;
import ai.factory.serde.SchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Generates bad records of every {@link Kind} for the user-facing topics {@code events} and {@code feedback}, each
 * tagged with the dead-letter reason each stage that reads it must give: ingest reads both topics (the flights spec
 * has feedback aggregates), the feedback app reads {@code feedback}. Bad events are shaped like the flights of
 * {@code data/flights-200k.csv.gz} (spec {@code flights.json}: at most 4,096 bytes, 32 attributes, 128-character
 * strings; {@code origin}, {@code destination}, {@code distance} required) so each has exactly one defect.
 */
final class HostileRecords {

    /** What is wrong with a record. */
    enum Kind {
        UNDECODABLE_BYTES, UNKNOWN_FINGERPRINT, LENGTH_BOMB, WRONG_SCHEMA, MISSING_FIELD, NOT_FINITE, ABSURD_TIME,
        HUGE_STRING, HUGE_MAP, DUPLICATE_ID, WRONG_KEY, WRONG_TYPE
    }

    /** Which user-facing topic a record is written to. */
    enum Input { EVENTS, FEEDBACK }

    /**
     * One bad record and the reasons it must be dead-lettered with.
     *
     * @param key            Kafka key bytes (null: no key)
     * @param value          value bytes (null: a tombstone)
     * @param ingestReason   the {@code reason_code} ingest gives it on {@code events.dlq}
     * @param feedbackReason the {@code reason_code} the feedback app gives it on {@code feedback.dlq}; null for events,
     *                       which the feedback app does not read
     */
    record Hostile(Kind kind, String variant, Input input, byte[] key, byte[] value, String ingestReason,
                   String feedbackReason) {
    }

    private static final Instant YEAR_2100 = Instant.parse("2100-01-01T00:00:00Z");
    private static final String[] AIRPORTS = {"ATL", "ORD", "DFW", "LAX", "DEN", "SFO", "PHX", "LAS", "DTW", "MSP"};

    private final Random random;
    private final AvroCodec<Event> events;
    private final AvroCodec<Feedback> labels;
    private final AvroCodec<Prediction> predictions;
    private final AvroCodec<FeatureVector> vectors;
    private final SchemaRegistry registry;
    private final Instant baseTime;
    private final long now = System.currentTimeMillis();
    /** Hand-made writer schemas already published. */
    private final Map<Schema, Boolean> registered = new HashMap<>();
    private long serial;

    /**
     * @param baseTime an ordinary event time for otherwise valid records (the good stream's start)
     */
    HostileRecords(SchemaRegistry registry, Instant baseTime, long seed) {
        this.registry = registry;
        this.random = new Random(seed);
        this.events = AvroCodec.of(Event.class, registry);
        this.labels = AvroCodec.of(Feedback.class, registry);
        this.predictions = AvroCodec.of(Prediction.class, registry);
        this.vectors = AvroCodec.of(FeatureVector.class, registry);
        this.baseTime = baseTime;
    }

    /**
     * {@code count} records of {@code kind} on {@code input}, the variants of the kind taking turns. Duplicates are
     * exact re-deliveries of {@code good} events (sent after them).
     */
    List<Hostile> generate(Kind kind, Input input, int count, List<GoodFlight> good) {
        List<Hostile> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(input == Input.EVENTS ? badEvent(kind, i, good) : badLabel(kind, i));
        }
        return out;
    }

    /** A flight as the good stream has it: its event and label, encoded. */
    record GoodFlight(Event event, Feedback feedback) {
    }

    private Hostile badEvent(Kind kind, int i, List<GoodFlight> good) {
        return switch (kind) {
            case UNDECODABLE_BYTES -> switch (i % 3) {
                case 0 -> event(kind, "garbage", id(), garbage(1 + random.nextInt(300)), "UNDECODABLE");
                case 1 -> event(kind, "empty", id(), i % 2 == 0 ? new byte[0] : null, "UNDECODABLE");
                default -> event(kind, "truncated", id(), truncated(events.encode(flight(id()))), "UNDECODABLE");
            };
            case UNKNOWN_FINGERPRINT -> {
                String id = id();
                yield event(kind, "random fingerprint", id, strangeFingerprint(events.encode(flight(id))), "UNDECODABLE");
            }
            case LENGTH_BOMB -> {
                String id = id();
                yield i % 2 == 0
                        ? event(kind, "id length 2^31", id, eventWithIdLength(Integer.MAX_VALUE - random.nextInt(1000)), "TOO_LARGE")
                        : event(kind, "attribute count 2^31", id, eventWithMapCount(id, Integer.MAX_VALUE - random.nextInt(1000)), "TOO_LARGE");
            }
            case WRONG_SCHEMA -> {
                String id = id();
                yield switch (i % 3) {
                    case 0 -> event(kind, "a Feedback", id, labels.encode(label(id, 1.0, baseTime)), "UNDECODABLE");
                    case 1 -> event(kind, "a Prediction", id, predictions.encode(prediction(id, baseTime)), "UNDECODABLE");
                    default -> event(kind, "a FeatureVector", id, vectors.encode(vector(id)), "UNDECODABLE");
                };
            }
            case MISSING_FIELD -> switch (i % 3) {
                case 0 -> {
                    String id = id();
                    Event e = flight(id);
                    e.getAttributes().remove(i % 2 == 0 ? "distance" : "origin");
                    yield event(kind, "required attribute missing", id, events.encode(e), "MISSING_FIELD");
                }
                case 1 -> event(kind, "empty id", "", events.encode(flight("")), "MISSING_FIELD");
                default -> {
                    String id = id();
                    yield event(kind, "written without event_time", id, eventWithoutTime(id), "UNDECODABLE");
                }
            };
            case NOT_FINITE -> {
                String id = id();
                Event e = flight(id);
                double[] bad = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -5.0};
                double d = bad[i % bad.length];
                e.getAttributes().put("distance", d);
                yield event(kind, d == -5.0 ? "log1p of -5" : "distance " + d, id, events.encode(e), "NOT_FINITE");
            }
            case ABSURD_TIME -> {
                String id = id();
                Instant[] absurd = {Instant.EPOCH, Instant.ofEpochMilli(-86_400_000L), Instant.parse("1970-01-02T00:00:00Z"),
                        YEAR_2100, Instant.ofEpochMilli(now).plus(Duration.ofDays(3))};
                Instant t = absurd[i % absurd.length];
                Event e = flight(id);
                e.setEventTime(t);
                yield event(kind, "event_time " + (t == absurd[4] ? "now + 3 days" : t.toString()), id, events.encode(e),
                        "TIME_OUT_OF_BOUNDS");
            }
            case HUGE_STRING -> hugeStringEvent(kind, i);
            case HUGE_MAP -> {
                String id = id();
                Event e = flight(id);
                // Every thousandth a 100,000-entry map (about 550 KB: over the record limit); the others within it,
                // 33 to 300 attributes where the spec allows 32.
                int entries = i % 1_000 == 0 ? 100_000 : 33 + random.nextInt(268);
                for (int k = 0; e.getAttributes().size() < entries; k++) {
                    e.getAttributes().put(Integer.toString(k, 36), null);
                }
                yield event(kind, entries == 100_000 ? "100,000 attributes" : "33-300 attributes", id, events.encode(e),
                        "TOO_LARGE");
            }
            case DUPLICATE_ID -> {
                Event e = good.get(i % good.size()).event();
                yield event(kind, "re-delivered", e.getId(), events.encode(e), "DUPLICATE");
            }
            case WRONG_KEY -> {
                String id = id();
                byte[] value = events.encode(flight(id));
                yield i % 2 == 0
                        ? new Hostile(kind, "no key", Input.EVENTS, null, value, "MISSING_KEY", null)
                        : new Hostile(kind, "key of another id", Input.EVENTS, utf8(id()), value, "KEY_MISMATCH", null);
            }
            case WRONG_TYPE -> {
                String id = id();
                Event e = flight(id);
                if (i % 2 == 0) {
                    e.getAttributes().put("distance", "far");
                } else {
                    e.getAttributes().put("origin", 42L);
                }
                yield event(kind, i % 2 == 0 ? "distance a string" : "origin a number", id, events.encode(e), "WRONG_TYPE");
            }
        };
    }

    private Hostile hugeStringEvent(Kind kind, int i) {
        String id = id();
        Event e = flight(id);
        switch (i % 5) {
            case 0 -> {
                if (i % 500 == 0) {
                    // An id of 300,000 characters: the record is over the 4,096-byte limit, refused before decoding.
                    String huge = id + "-" + "x".repeat(300_000);
                    return event(kind, "300 KB id", huge, events.encode(flight(huge)), "TOO_LARGE");
                }
                String longId = id + "-" + "x".repeat(129 + random.nextInt(3_000));
                return event(kind, "id over 128 characters", longId, events.encode(flight(longId)), "TOO_LARGE");
            }
            case 1 -> e.getAttributes().put("origin", "O".repeat(129 + random.nextInt(3_000)));
            case 2 -> e.setEntity("E".repeat(129 + random.nextInt(3_000)));
            case 3 -> e.getAttributes().put("n".repeat(129 + random.nextInt(3_000)), 1L);
            default -> e.getAttributes().put("note", "s".repeat(5_000 + random.nextInt(10_000)));
        }
        String variant = switch (i % 5) {
            case 1 -> "origin over 128 characters";
            case 2 -> "entity over 128 characters";
            case 3 -> "attribute name over 128 characters";
            default -> "record over 4,096 bytes";
        };
        return event(kind, variant, id, events.encode(e), "TOO_LARGE");
    }

    private Hostile badLabel(Kind kind, int i) {
        String id = id();
        return switch (kind) {
            case UNDECODABLE_BYTES -> switch (i % 4) {
                case 0 -> label(kind, "garbage", id, garbage(1 + random.nextInt(300)), "UNDECODABLE", "BAD_HEADER");
                case 1 -> label(kind, "empty", id, new byte[0], "UNDECODABLE", "EMPTY");
                case 2 -> label(kind, "tombstone", id, null, "UNDECODABLE", "EMPTY");
                default -> label(kind, "truncated", id, truncated(labels.encode(label(id, 1.0, baseTime))), "UNDECODABLE",
                        "CORRUPT_BODY");
            };
            case UNKNOWN_FINGERPRINT -> label(kind, "random fingerprint", id,
                    strangeFingerprint(labels.encode(label(id, 1.0, baseTime))), "UNDECODABLE", "UNKNOWN_SCHEMA");
            case LENGTH_BOMB -> i % 2 == 0
                    ? label(kind, "event_id length 2^31", id, labelWithIdLength(Integer.MAX_VALUE - random.nextInt(1000)),
                    "TOO_LARGE", "TOO_LARGE")
                    : label(kind, "source length 2^31", id, labelWithSourceLength(id, Integer.MAX_VALUE - random.nextInt(1000)),
                    "TOO_LARGE", "TOO_LARGE");
            case WRONG_SCHEMA -> i % 2 == 0
                    ? label(kind, "an Event", id, events.encode(flight(id)), "UNDECODABLE", "INCOMPATIBLE_SCHEMA")
                    : label(kind, "a Prediction", id, predictions.encode(prediction(id, baseTime)), "UNDECODABLE",
                    "INCOMPATIBLE_SCHEMA");
            case MISSING_FIELD -> i % 2 == 0
                    ? label(kind, "written without label", id, labelWithoutLabel(id), "UNDECODABLE", "INCOMPATIBLE_SCHEMA")
                    : label(kind, "empty event_id", "", labels.encode(label("", 1.0, baseTime)), "MISSING_FIELD", "MISSING_KEY");
            case NOT_FINITE -> {
                double[] bad = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
                double d = bad[i % bad.length];
                yield label(kind, "label " + d, id, labels.encode(label(id, d, baseTime)), "NOT_FINITE", "NOT_FINITE");
            }
            case ABSURD_TIME -> {
                Instant[] absurd = {Instant.EPOCH, Instant.ofEpochMilli(-86_400_000L), YEAR_2100,
                        Instant.ofEpochMilli(now).plus(Duration.ofDays(3))};
                Instant t = absurd[i % absurd.length];
                yield label(kind, "feedback_time " + (t == absurd[3] ? "now + 3 days" : t.toString()), id,
                        labels.encode(label(id, 1.0, t)), "TIME_OUT_OF_BOUNDS", "TIME_OUT_OF_BOUNDS");
            }
            case HUGE_STRING -> {
                // Over the feedback app's 16 KiB and ingest's 4,096 bytes; every hundredth 300 KB.
                int length = i % 100 == 0 ? 300_000 : 17_000 + random.nextInt(20_000);
                Feedback f = label(id, 1.0, baseTime);
                f.setSource("s".repeat(length));
                yield label(kind, length == 300_000 ? "300 KB source" : "source of 17-37 KB", id, labels.encode(f),
                        "TOO_LARGE", "TOO_LARGE");
            }
            case WRONG_KEY -> {
                byte[] value = labels.encode(label(id, 1.0, baseTime));
                yield i % 2 == 0
                        ? new Hostile(kind, "no key", Input.FEEDBACK, null, value, "MISSING_KEY", "MISSING_KEY")
                        : new Hostile(kind, "key of another id", Input.FEEDBACK, utf8(id()), value, "KEY_MISMATCH",
                        "KEY_MISMATCH");
            }
            case HUGE_MAP, DUPLICATE_ID, WRONG_TYPE -> throw new IllegalArgumentException(
                    kind + " has no label form: labels have no map, several labels per event are legitimate, the label is a double");
        };
    }

    private Hostile event(Kind kind, String variant, String id, byte[] value, String ingestReason) {
        return new Hostile(kind, variant, Input.EVENTS, utf8(id), value, ingestReason, null);
    }

    private Hostile label(Kind kind, String variant, String id, byte[] value, String ingestReason, String feedbackReason) {
        return new Hostile(kind, variant, Input.FEEDBACK, utf8(id), value, ingestReason, feedbackReason);
    }

    private String id() {
        return "hostile-" + serial++;
    }

    /** A valid flight event apart from what the caller then breaks. */
    private Event flight(String id) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("origin", AIRPORTS[random.nextInt(AIRPORTS.length)]);
        attributes.put("destination", AIRPORTS[random.nextInt(AIRPORTS.length)]);
        attributes.put("distance", (long) (100 + random.nextInt(2_500)));
        return Event.newBuilder().setId(id).setEventTime(baseTime.plusSeconds(random.nextInt(3_600)))
                .setEntity((String) attributes.get("origin")).setAttributes(attributes).build();
    }

    private static Feedback label(String id, double label, Instant time) {
        return Feedback.newBuilder().setEventId(id).setLabel(label).setFeedbackTime(time).setSource("hostile").build();
    }

    private Prediction prediction(String id, Instant time) {
        return Prediction.newBuilder().setEventId(id).setEventTime(time).setScore(0.5).setModelName("flights")
                .setModelVersion(1).setSpecVersion(2).setServedAt(Instant.ofEpochMilli(now)).build();
    }

    private static FeatureVector vector(String id) {
        return FeatureVector.newBuilder().setEventId(id).setEventTime(Instant.ofEpochMilli(1)).setEntity(null)
                .setDense(List.of(1f, 2f)).setSparse(List.of(3)).setSparseBuckets(8).setSpecName("flights").setSpecVersion(2)
                .setLate(false).setPreparedAt(Instant.ofEpochMilli(1)).build();
    }

    /**
     * Random bytes that start like neither format a reader knows: not the single-object marker {@code C3 01}, not the
     * Confluent wire format's magic byte {@code 00} (that would read as an unknown schema id).
     */
    private byte[] garbage(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        if (bytes[0] == (byte) 0xC3 || bytes[0] == 0x00) {
            bytes[0] = 0x01;
        }
        return bytes;
    }

    /** The record cut short: header intact, body ending before its last field does. */
    private byte[] truncated(byte[] encoded) {
        int keep = 10 + random.nextInt(encoded.length - 10);
        byte[] cut = new byte[keep];
        System.arraycopy(encoded, 0, cut, 0, keep);
        return cut;
    }

    /** The record with a random 64-bit schema fingerprint in place of its own (no one registered it). */
    private byte[] strangeFingerprint(byte[] encoded) {
        byte[] copy = encoded.clone();
        ByteBuffer.wrap(copy, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(random.nextLong());
        return copy;
    }

    private byte[] eventWithIdLength(long claimed) {
        return body(events.schema(), e -> {
            e.writeLong(claimed);
            e.writeFixed("short".getBytes(StandardCharsets.UTF_8));
        });
    }

    private byte[] eventWithMapCount(String id, long claimed) {
        return body(events.schema(), e -> {
            e.writeString(id);
            e.writeLong(baseTime.toEpochMilli());
            e.writeIndex(0);            // entity: null
            e.writeLong(claimed);       // the attribute map's first block claims this many entries
            e.writeString("origin");
        });
    }

    private byte[] labelWithIdLength(long claimed) {
        return body(labels.schema(), e -> {
            e.writeLong(claimed);
            e.writeFixed("short".getBytes(StandardCharsets.UTF_8));
        });
    }

    private byte[] labelWithSourceLength(String id, long claimed) {
        return body(labels.schema(), e -> {
            e.writeString(id);
            e.writeDouble(1.0);
            e.writeLong(baseTime.toEpochMilli());
            e.writeLong(claimed);
            e.writeFixed("short".getBytes(StandardCharsets.UTF_8));
        });
    }

    /** An {@code Event} written with a schema that lacks {@code event_time} (registered, so the fingerprint is known). */
    private byte[] eventWithoutTime(String id) {
        Schema schema = SchemaBuilder.record("Event").namespace("ai.factory.records").fields()
                .requiredString("id").optionalString("entity").endRecord();
        GenericRecord r = new GenericData.Record(schema);
        r.put("id", id);
        r.put("entity", "ORD");
        return generic(schema, r);
    }

    /** A {@code Feedback} written with a schema that lacks {@code label} (registered, so the fingerprint is known). */
    private byte[] labelWithoutLabel(String id) {
        Schema schema = SchemaBuilder.record("Feedback").namespace("ai.factory.records").fields()
                .requiredString("event_id").requiredLong("feedback_time").requiredString("source").endRecord();
        GenericRecord r = new GenericData.Record(schema);
        r.put("event_id", id);
        r.put("feedback_time", baseTime.toEpochMilli());
        r.put("source", "hostile");
        return generic(schema, r);
    }

    private byte[] generic(Schema schema, GenericRecord record) {
        if (registered.putIfAbsent(schema, Boolean.TRUE) == null) {
            registry.register(schema);
        }
        return body(schema, e -> new GenericDatumWriter<GenericRecord>(schema).write(record, e));
    }

    @FunctionalInterface
    private interface Body {
        void write(BinaryEncoder encoder) throws IOException;
    }

    /** Single-object encoding by hand: marker, the fingerprint of {@code schema}, then whatever {@code body} writes. */
    private static byte[] body(Schema schema, Body body) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0xC3);
            out.write(0x01);
            byte[] fingerprint = new byte[8];
            ByteBuffer.wrap(fingerprint).order(ByteOrder.LITTLE_ENDIAN).putLong(SchemaNormalization.parsingFingerprint64(schema));
            out.write(fingerprint);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            body.write(encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Shuffles in place with this generator's seed (the mix of bad records among good ones). */
    <T> void shuffle(List<T> list) {
        Collections.shuffle(list, random);
    }
}
