package ai.factory.cli.demo;

import static ai.factory.cli.JsonValues.object;

import java.time.Instant;
import java.util.Map;

import ai.factory.records.Event;
import ai.factory.replay.LabelFlip;

/**
 * Where a {@code --poison-labels} drill flipped labels, for the report: the event indexes asked for and the event
 * times and count of the labels actually flipped, so releases can be related to the stretch (their
 * {@code trained_through_event_time}, the decisions made while it was learned from).
 *
 * @param option         the stretch as given
 * @param fromEvent      the first event index flipped (0-based among the replay's events)
 * @param toEvent        the first index after the stretch (exclusive)
 * @param flipped        labels sent flipped (fewer than the stretch when the replay ended early or rows were bad)
 * @param firstEventTime the event time of the first flipped label's event, null when none was flipped
 * @param lastEventTime  the event time of the last one
 */
public record PoisonedStretch(PoisonOption option, long fromEvent, long toEvent, long flipped, Instant firstEventTime,
                              Instant lastEventTime) {

    /** The report's {@code poisoned_labels} object. */
    public Map<String, Object> toJson() {
        return object("from_fraction", option.from(), "to_fraction", option.to(), "from_event", fromEvent,
                "to_event", toEvent, "flipped", flipped,
                "first_event_time", firstEventTime == null ? null : firstEventTime.toString(),
                "last_event_time", lastEventTime == null ? null : lastEventTime.toString());
    }

    /** One line for the printed summary. */
    public String describe() {
        return String.format("labels poisoned (flipped) for events %,d to %,d (%s of the replay): %,d flipped, event time %s .. %s",
                fromEvent, toEvent - 1, option, flipped, firstEventTime == null ? "-" : firstEventTime,
                lastEventTime == null ? "-" : lastEventTime);
    }

    /** Notes each label the replay flips (on the replay thread) and says where the stretch was. */
    public static final class Recorder {
        private final PoisonOption option;
        private final LabelFlip flip;
        private long flipped;
        private Instant first;
        private Instant last;

        public Recorder(PoisonOption option, LabelFlip flip) {
            this.option = option;
            this.flip = flip;
        }

        /** The transform the replay applies. */
        public LabelFlip flip() {
            return flip;
        }

        /** The replay flipped the label of {@code event}. */
        public synchronized void flipped(Event event) {
            flipped++;
            Instant t = event.getEventTime();
            first = first == null || t.isBefore(first) ? t : first;
            last = last == null || t.isAfter(last) ? t : last;
        }

        public synchronized PoisonedStretch stretch() {
            return new PoisonedStretch(option, flip.fromEvent(), flip.toEvent(), flipped, first, last);
        }
    }
}
