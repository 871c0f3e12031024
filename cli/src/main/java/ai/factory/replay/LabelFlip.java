package ai.factory.replay;

import ai.factory.records.Feedback;

/**
 * A label-poisoning drill: the binary labels of the events with index in {@code [fromEvent, toEvent)} are sent
 * flipped (label {@code 1 - label}), everything else as it is, so the loop learns from a stretch of wrong feedback and
 * its governance (gate, rejections, rollbacks) can be watched coping with it. The copy keeps the event id, time and
 * source: to the loop a poisoned label looks like any other.
 *
 * @param fromEvent the first event index flipped (0-based, among the events the replay sends)
 * @param toEvent   the first event index after the stretch (exclusive)
 */
public record LabelFlip(long fromEvent, long toEvent) implements LabelTransform {

    public LabelFlip {
        if (fromEvent < 0 || toEvent < fromEvent) {
            throw new IllegalArgumentException("a flipped stretch needs 0 <= from <= to, was [" + fromEvent + ", " + toEvent + ")");
        }
    }

    /** Whether the label of the event at {@code eventIndex} is flipped. */
    public boolean covers(long eventIndex) {
        return eventIndex >= fromEvent && eventIndex < toEvent;
    }

    /** How many events the stretch covers. */
    public long size() {
        return toEvent - fromEvent;
    }

    @Override
    public Feedback apply(long eventIndex, Feedback feedback) {
        if (!covers(eventIndex)) {
            return feedback;
        }
        return Feedback.newBuilder(feedback).setLabel(1.0 - feedback.getLabel()).build();
    }
}
