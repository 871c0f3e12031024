package ai.factory.replay;

import ai.factory.records.Feedback;

/**
 * What the replay does to a label before it sends it: nothing, normally; a drill changes some on purpose (see
 * {@link LabelFlip}). Called on the replay thread with the event's index among the events this replay sends.
 */
@FunctionalInterface
public interface LabelTransform {

    /** Every label as the file has it. */
    LabelTransform NONE = (eventIndex, feedback) -> feedback;

    /** The feedback to send for the event at {@code eventIndex} (0-based): {@code feedback} itself, or a changed copy. */
    Feedback apply(long eventIndex, Feedback feedback);
}
