package ai.factory.feedback;

import java.util.ArrayList;
import java.util.List;

import ai.factory.feedback.policy.Label;
import ai.factory.feedback.policy.ReceivedFeedback;
import ai.factory.records.FeatureVector;
import ai.factory.records.Prediction;

/**
 * What the join knows about one event id: what was served (features, prediction) and the feedback
 * received, until its window closes; afterwards a small marker that recognizes late feedback.
 */
final class JoinState {

    /** Where the event is in its life. */
    enum Status {
        /** Window open, nothing emitted yet. */
        OPEN,
        /** The example went out early (policy FIRST); further feedback within the window is ignored. */
        DONE,
        /** Window over; only the prediction is kept, to attribute late feedback. */
        CLOSED
    }

    static final long UNKNOWN = Long.MIN_VALUE;

    Status status = Status.OPEN;
    FeatureVector features;
    Prediction prediction;
    /** The challenger's score of the event (shadow topic): paired with the served one, never an example. */
    Prediction shadow;
    /** The label an early (FIRST) example went out with, kept while DONE until a shadow prediction pairs with it. */
    Label judged;
    final List<ReceivedFeedback> feedback = new ArrayList<>();
    /** Join-clock time at which the index fires for this event (closing, or forgetting once closed); UNKNOWN before. */
    long due = UNKNOWN;

    /** Event time from whatever was served, or {@link #UNKNOWN} while only feedback is known. */
    long eventTime() {
        if (features != null) {
            return features.getEventTime().toEpochMilli();
        }
        if (prediction != null) {
            return prediction.getEventTime().toEpochMilli();
        }
        if (shadow != null) {
            return shadow.getEventTime().toEpochMilli();
        }
        return UNKNOWN;
    }

    /** The model of the served prediction, else of the shadow one (a challenger is a version of the same model). */
    String modelName() {
        if (prediction != null) {
            return prediction.getModelName();
        }
        return shadow == null ? null : shadow.getModelName();
    }
}
