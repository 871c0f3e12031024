package ai.factory.feedback;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import ai.factory.deadletter.DeadLetters;
import ai.factory.feedback.policy.Combine;
import ai.factory.feedback.policy.FeedbackPolicy;
import ai.factory.feedback.policy.Label;
import ai.factory.feedback.policy.ReceivedFeedback;
import ai.factory.feedback.quality.Outcome;
import ai.factory.feedback.quality.QualityTasks;
import ai.factory.feedback.shadow.PairedOutcome;
import ai.factory.feedback.shadow.ShadowPrediction;
import ai.factory.metrics.CostMeters;
import ai.factory.records.FeatureVector;
import ai.factory.records.Feedback;
import ai.factory.records.LabeledExample;
import ai.factory.records.Prediction;
import ai.factory.records.QualityTask;
import ai.factory.records.Rejected;
import ai.factory.serde.RecordSource;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins what was served for an event (feature vector, prediction) with the feedback that arrives for it
 * within the event-time window, and applies the model's feedback policy when the window closes.
 *
 * <p>Windows close on the {@link JoinClock}: the oldest of the features path's time (newest event time of the
 * task's feature vectors), the predictions path's (newest event time of its predictions, which trail the features by
 * the scorer's latency) and the feedback path's (newest feedback time of its labels), the trailing two bounded by
 * their maximum lags. Labels may be written far ahead of the features they belong to, features may be read far
 * ahead of labels, and predictions come after the features they score, so a window closes only once every path has
 * passed its end and neither its served records nor its labels can still come; an early label waits for its
 * features until the features path itself is a window past it. Whether a label is late is decided by its own times
 * ({@code feedback_time > event_time + window}), or because it came after its window had closed: out of order, more
 * than {@code grace} behind the newest label.
 *
 * <p>Records are checked before they touch the clock: a time the {@link TimeBounds} do not believe (dated years ahead,
 * unset, a jump, a label long before its event) and a label out of its model's range (a binary model's label is 0 or
 * 1; any label must be finite) go to the dead-letter topic with their {@link RejectReason} and move nothing. A label's
 * event time and model are known only once its served records are in: a label that came before them is checked when
 * they come (or, without a prediction, against the fallback task when its window closes).
 *
 * <p>Emits {@link LabeledExample}s, late or unmatched {@link Feedback}, {@link Rejected} input and
 * {@link Outcome}s for the quality side. State lives in three stores: the join state by event id, an index by
 * due time, and the join clock. Windows are closed in {@code process} whenever the join clock moves (a sweep
 * of the index, at most every {@code sweepEvery} of join time), and an event's own state is brought up to
 * the clock whenever a record for it arrives, so each decision depends on the clock only, not on sweep timing.
 * Everything happens while processing a record, inside the task's transaction.
 */
final class JoinProcessor implements Processor<String, Object, String, Object> {

    static final String JOIN_STORE = "feedback-join";
    static final String DUE_STORE = "feedback-join-due";

    private static final Logger log = LoggerFactory.getLogger(JoinProcessor.class);

    private final JoinSettings settings;
    private final long sweepEvery;
    private final String applicationId;
    private final FeedbackMetrics metrics;
    private final long window;
    private final long grace;
    private final long lateRetention;
    private final TimeBounds bounds;
    private final QualityTasks tasks;
    /** Every model binary: a label's range is known before its model is. */
    private final boolean allBinary;
    private final String feedbackTopic;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, JoinState> joins;
    private KeyValueStore<String, String> due;
    private JoinClock clock;
    /** Join time of the last sweep of this processor instance; only paces sweeps, decides nothing. */
    private long lastSweep = JoinClock.UNKNOWN;
    /**
     * Where the next sweep starts in the due index: everything before it was swept or settled. A sweep from the
     * beginning walked every key deleted before (a persistent store keeps their tombstones until it compacts), so
     * each sweep cost more the longer the run; from here it costs what is newly due. Unknown (0) after a restart.
     */
    private long sweptThrough;

    /**
     * @param tasks         binary or regression per model: the range a label must lie in
     * @param feedbackTopic where labels are read from (named in the dead letters of labels checked after they were read)
     * @param sweepEvery    how far the join clock moves between two sweeps of the due index
     */
    JoinProcessor(JoinSettings settings, QualityTasks tasks, String feedbackTopic, Duration sweepEvery, String applicationId,
                  FeedbackMetrics metrics) {
        this.settings = settings;
        this.bounds = settings.timeBounds();
        this.tasks = tasks;
        this.allBinary = tasks.fallback() == QualityTask.BINARY
                && tasks.byModel().values().stream().allMatch(t -> t == QualityTask.BINARY);
        this.feedbackTopic = feedbackTopic;
        this.sweepEvery = Math.max(1, sweepEvery.toMillis());
        this.applicationId = applicationId;
        this.metrics = metrics;
        this.window = settings.window().toMillis();
        this.grace = settings.grace().toMillis();
        this.lateRetention = settings.lateRetention().toMillis();
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.joins = context.getStateStore(JOIN_STORE);
        this.due = context.getStateStore(DUE_STORE);
        this.clock = new JoinClock(context.getStateStore(JoinClock.STORE), settings.maxFeedbackLag(),
                settings.maxPredictionLag());
        this.lastSweep = JoinClock.UNKNOWN;
        this.sweptThrough = 0;
    }

    @Override
    public void process(Record<String, Object> record) {
        metrics.cost.tick();
        String id = record.key();
        Object value = record.value();
        if (value instanceof Undecodable u) {
            reject(id, u.reasonCode(), u.reason(), u.original(), record.timestamp());
            return;
        }
        if (value == null) {
            reject(id, RejectReason.EMPTY, "null value where a record was expected", record.timestamp());
            return;
        }
        if (id == null || id.isEmpty()) {
            reject(null, RejectReason.MISSING_KEY, "record has no key (the event id)", record.timestamp());
            return;
        }
        long wallClock = context.currentSystemTimeMs();
        if (value instanceof FeatureVector f) {
            if (sameId(id, f.getEventId(), record)
                    && believed(id, bounds.check("event_time", f.getEventTime().toEpochMilli(), wallClock,
                            clock.featuresTime()), record)) {
                served(id, f, null, record.timestamp());
            }
        } else if (value instanceof Prediction p) {
            if (sameId(id, p.getEventId(), record)) {
                if (!Double.isFinite(p.getScore())) {
                    reject(id, RejectReason.NOT_FINITE, "prediction score is " + p.getScore(), record.timestamp());
                } else if (believed(id, bounds.check("event_time", p.getEventTime().toEpochMilli(), wallClock,
                        clock.predictionsTime()), record)) {
                    served(id, null, p, record.timestamp());
                }
            }
        } else if (value instanceof ShadowPrediction sp) {
            Prediction p = sp.prediction();
            if (sameId(id, p.getEventId(), record)) {
                if (!Double.isFinite(p.getScore())) {
                    reject(id, RejectReason.NOT_FINITE, "shadow prediction score is " + p.getScore(), record.timestamp());
                } else if (believed(id, bounds.check("event_time", p.getEventTime().toEpochMilli(), wallClock,
                        clock.predictionsTime()), record)) {
                    shadow(id, p, record.timestamp());
                }
            }
        } else if (value instanceof Feedback f) {
            if (sameId(id, f.getEventId(), record)) {
                if (!Double.isFinite(f.getLabel())) {
                    reject(id, RejectReason.NOT_FINITE, "feedback label is " + f.getLabel(), record.timestamp());
                } else if (believed(id, bounds.check("feedback_time", f.getFeedbackTime().toEpochMilli(), wallClock,
                        clock.feedbackTime()), record)) {
                    feedback(id, f, record.timestamp());
                }
            }
        } else {
            reject(id, RejectReason.UNEXPECTED_TYPE, "unexpected record type " + value.getClass().getSimpleName(),
                    record.timestamp());
        }
    }

    private boolean sameId(String key, String valueId, Record<String, Object> record) {
        if (key.equals(valueId)) {
            return true;
        }
        reject(key, RejectReason.KEY_MISMATCH, "key '" + key + "' differs from the record's event id '" + valueId + "'",
                record.timestamp());
        return false;
    }

    /** True without a violation; else dead-letters the record (before it moved any clock) and returns false. */
    private boolean believed(String id, Violation violation, Record<String, Object> record) {
        if (violation == null) {
            return true;
        }
        reject(id, violation.code(), violation.reason(), record.timestamp());
        return false;
    }

    /** A feature vector or a prediction arrived: it moves its path's time, then joins its event's state. */
    private void served(String id, FeatureVector features, Prediction prediction, long timestamp) {
        long eventTime = (features != null ? features.getEventTime() : prediction.getEventTime()).toEpochMilli();
        if (features != null ? clock.featuresAt(eventTime) : clock.predictionsAt(eventTime)) {
            sweepIfDue();
        }
        JoinState state = settle(id, joins.get(id));
        if (state == null) {
            state = new JoinState();
        } else if (state.status != JoinState.Status.OPEN) {
            // CLOSED: its window is over; DONE: features and prediction are both in, so this is a duplicate.
            log.debug("Ignoring {} for event {}: {}", features != null ? "features" : "prediction", id, state.status);
            metrics.ignored.increment();
            return;
        }
        long before = state.eventTime();
        if (features != null && state.features == null) {
            state.features = features;
        } else if (prediction != null && state.prediction == null) {
            state.prediction = prediction;
            forwardOutcome(Outcome.served(prediction.getModelName(), prediction.getModelVersion(),
                    prediction.getEventTime().toEpochMilli()));
        } else {
            // A duplicate (the scorer may write one twice); the first is what was served.
            metrics.ignored.increment();
            return;
        }
        screenWaitingFeedback(id, state, taskIfKnown(state), timestamp);
        if (before == JoinState.UNKNOWN) {
            dropFeedbackAfterWindow(id, state, timestamp);
        }
        update(id, state, timestamp);
    }

    /**
     * A challenger's prediction arrived: it joins its event's state beside the served one and moves no clock (it is
     * written in the same transaction as the served prediction, whose path the clock follows). Once the event's label
     * is known it is paired with the served prediction; it never makes an example.
     */
    private void shadow(String id, Prediction shadow, long timestamp) {
        JoinState state = settle(id, joins.get(id));
        if (state == null) {
            if (clock.hasPassed(shadow.getEventTime().toEpochMilli() + window + grace)) {
                metrics.ignored.increment();
                return;
            }
            state = new JoinState();
        } else if (state.status == JoinState.Status.CLOSED || state.shadow != null) {
            // Its window is over, or a duplicate: the first shadow prediction is the one paired.
            metrics.ignored.increment();
            return;
        }
        state.shadow = shadow;
        if (state.status == JoinState.Status.DONE) {
            // The example went out early (FIRST): the label it went out with is final, so pair now.
            if (state.judged != null) {
                forwardPaired(state, state.judged);
                state.judged = null;
            }
            joins.put(id, state);
            return;
        }
        long before = state.eventTime();
        if (before == JoinState.UNKNOWN) {
            dropFeedbackAfterWindow(id, state, timestamp);
        }
        update(id, state, timestamp);
    }

    /**
     * Dead-letters the labels that came before their event's served records and, now that the event's time or model
     * is known, cannot be right: timed too long before the event, or outside the model's range ({@code task}; null
     * while the model is unknown and not every model is binary).
     */
    private void screenWaitingFeedback(String id, JoinState state, QualityTask task, long timestamp) {
        Iterator<ReceivedFeedback> it = state.feedback.iterator();
        while (it.hasNext()) {
            ReceivedFeedback f = it.next();
            Violation v = labelViolation(f.label(), f.time(), state.eventTime(), task);
            if (v != null) {
                it.remove();
                rejectRead(id, v, timestamp);
            }
        }
    }

    /** Why a (finite) label cannot be about this event, as far as its event time and task are known; or null. */
    private Violation labelViolation(double label, long feedbackTime, long eventTime, QualityTask task) {
        if (eventTime != JoinState.UNKNOWN) {
            Violation v = bounds.checkLabel(feedbackTime, eventTime);
            if (v != null) {
                return v;
            }
        }
        if (task == QualityTask.BINARY && label != 0.0 && label != 1.0) {
            return new Violation(RejectReason.LABEL_OUT_OF_RANGE, "label " + label + " of a binary model is neither 0 nor 1");
        }
        return null;
    }

    /** The task that decides a label's range for {@code state}: its model's, or null while that is unknown. */
    private QualityTask taskIfKnown(JoinState state) {
        if (state != null && state.prediction != null) {
            return tasks.of(state.prediction.getModelName());
        }
        return allBinary ? QualityTask.BINARY : null;
    }

    /**
     * Stores a changed state: emits it at once when its label is final, else (re)schedules its close. Served
     * records that come after the clock has passed their window (far out of order) close it right away.
     */
    private void update(String id, JoinState state, long timestamp) {
        if (!emitEarlyIfFinal(id, state, timestamp)) {
            reschedule(id, state, closingTime(state));
        }
        joins.put(id, state);
        settle(id, state);
    }

    /** Once the event time is known, feedback that came before it but lies after its window is late. */
    private void dropFeedbackAfterWindow(String id, JoinState state, long timestamp) {
        long windowEnd = state.eventTime() + window;
        Iterator<ReceivedFeedback> it = state.feedback.iterator();
        while (it.hasNext()) {
            ReceivedFeedback f = it.next();
            if (f.time() > windowEnd) {
                it.remove();
                sendLate(id, f.toFeedback(id), LateReason.LATE, state, timestamp);
            }
        }
    }

    /** A label arrived: it moves the feedback path's time, then joins its event's state (or is late). */
    private void feedback(String id, Feedback feedback, long timestamp) {
        long time = feedback.getFeedbackTime().toEpochMilli();
        // The event's time and model do not change once known, whatever the clock does to its state.
        JoinState known = joins.get(id);
        Violation invalid = labelViolation(feedback.getLabel(), time,
                known == null ? JoinState.UNKNOWN : known.eventTime(), taskIfKnown(known));
        if (invalid != null) {
            reject(id, invalid.code(), invalid.reason(), timestamp);
            return;
        }
        if (clock.feedbackAt(time)) {
            sweepIfDue();
        }
        JoinState state = settle(id, joins.get(id));
        if (state == null) {
            if (clock.hasPassed(time + window + grace)) {
                // The features of any event this label could belong to would have been served by now.
                sendLate(id, feedback, LateReason.UNMATCHED, null, timestamp);
                return;
            }
            state = new JoinState();
        }
        switch (state.status) {
            case CLOSED -> sendLate(id, feedback, LateReason.LATE, state, timestamp);
            case DONE -> {
                if (afterWindow(state, time)) {
                    sendLate(id, feedback, LateReason.LATE, state, timestamp);
                } else {
                    metrics.ignored.increment();
                }
            }
            case OPEN -> {
                if (afterWindow(state, time)) {
                    sendLate(id, feedback, LateReason.LATE, state, timestamp);
                    return;
                }
                state.feedback.add(ReceivedFeedback.of(feedback));
                update(id, state, timestamp);
            }
        }
    }

    /** Late by the record's own times: the label came more than a window after the event. */
    private boolean afterWindow(JoinState state, long feedbackTime) {
        return state.eventTime() != JoinState.UNKNOWN && feedbackTime > state.eventTime() + window;
    }

    /**
     * Under FIRST the first joined label is final: emit at once instead of waiting for the window, but
     * only once the prediction is in too, so the example carries what was served.
     */
    private boolean emitEarlyIfFinal(String id, JoinState state, long timestamp) {
        FeedbackPolicy policy = settings.policies().forModel(state.modelName());
        if (policy.combine() != Combine.FIRST || state.features == null || state.prediction == null
                || state.feedback.isEmpty()) {
            return false;
        }
        Label label = Combine.FIRST.apply(state.feedback);
        emit(id, state, policy, Optional.of(label), timestamp);
        state.status = JoinState.Status.DONE;
        if (state.shadow == null) {
            // A shadow prediction still to come pairs with this label.
            state.judged = label;
        }
        state.features = null;
        state.feedback.clear();
        reschedule(id, state, closingTime(state));
        return true;
    }

    /** When the window of this event closes, in join time. */
    private long closingTime(JoinState state) {
        long eventTime = state.eventTime();
        long windowEnd = eventTime != JoinState.UNKNOWN ? eventTime + window
                // Only feedback so far: its event is no later than the newest label, so its features are due
                // by then; a further window allows for served records out of order.
                : state.feedback.stream().mapToLong(ReceivedFeedback::time).max().orElseThrow() + window;
        return windowEnd + grace;
    }

    /** Sweeps the due index when the join clock has moved far enough since the last sweep. */
    private void sweepIfDue() {
        long now = clock.now();
        if (lastSweep != JoinClock.UNKNOWN && now - lastSweep < sweepEvery) {
            return;
        }
        lastSweep = now;
        List<String> dueKeys = new ArrayList<>();
        // Keys sort by due time; everything before "<now>|" is due.
        try (KeyValueIterator<String, String> it = due.range(dueKey(sweptThrough, ""), dueKey(now, ""))) {
            while (it.hasNext()) {
                String key = it.next().key;
                if (dueTime(key) < now) {
                    dueKeys.add(key);
                }
            }
        }
        sweptThrough = Math.max(sweptThrough, now);
        for (String key : dueKeys) {
            due.delete(key);
            String id = eventId(key);
            JoinState state = joins.get(id);
            if (state == null || !dueKey(state.due, id).equals(key)) {
                continue;
            }
            onDue(id, state, dueTime(key));
        }
    }

    /**
     * Brings one event's state up to the join clock: acts on its due time if the clock has passed it and no
     * sweep has yet. Returns the state afterwards (null when forgotten).
     */
    private JoinState settle(String id, JoinState state) {
        while (state != null && state.due != JoinState.UNKNOWN && clock.hasPassed(state.due)) {
            due.delete(dueKey(state.due, id));
            state = onDue(id, state, state.due);
        }
        return state;
    }

    /**
     * The join clock passed the state's due time: close its window (emit, expire, send unmatched feedback)
     * or, once closed, forget it. Returns the state afterwards (null when forgotten).
     */
    private JoinState onDue(String id, JoinState state, long dueAt) {
        if (state.status == JoinState.Status.CLOSED) {
            joins.delete(id);
            return null;
        }
        if (state.status == JoinState.Status.OPEN) {
            if (state.prediction == null && !allBinary) {
                // Nobody scored the event: its labels are judged as the fallback task's.
                screenWaitingFeedback(id, state, tasks.fallback(), dueAt);
            }
            FeedbackPolicy policy = settings.policies().forModel(state.modelName());
            long windowEnd = dueAt - grace;
            if (state.feedback.isEmpty()) {
                metrics.expired.increment();
            }
            if (state.features == null && !state.feedback.isEmpty()) {
                for (ReceivedFeedback f : state.feedback) {
                    sendLate(id, f.toFeedback(id), LateReason.UNMATCHED, state, dueAt);
                }
            }
            emit(id, state, policy, policy.label(state.feedback, windowEnd), dueAt);
        }
        if (lateRetention == 0 || state.eventTime() == JoinState.UNKNOWN) {
            joins.delete(id);
            return null;
        }
        state.status = JoinState.Status.CLOSED;
        state.features = null;
        state.feedback.clear();
        state.shadow = null;
        state.judged = null;
        reschedule(id, state, dueAt + lateRetention);
        joins.put(id, state);
        return state;
    }

    /** Emits the example (when there are features and a label) and the prediction's outcome. */
    private void emit(String id, JoinState state, FeedbackPolicy policy, Optional<Label> label, long timestamp) {
        Prediction p = state.prediction;
        boolean defaulted = state.feedback.isEmpty();
        if (label.isPresent() && state.features != null) {
            Label l = label.get();
            LabeledExample example = LabeledExample.newBuilder()
                    .setEventId(id).setFeatures(state.features)
                    .setLabel(l.value()).setLabelTime(Instant.ofEpochMilli(l.time()))
                    .setLabelSource(defaulted ? FeedbackPolicy.DEFAULT_SOURCE : "feedback")
                    .setServedScore(p == null ? null : p.getScore())
                    .setModelName(p == null ? null : p.getModelName())
                    .setModelVersion(p == null ? null : p.getModelVersion())
                    .setJoinedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
                    .build();
            context.forward(new Record<>(id, (Object) example, timestamp));
            (defaulted ? metrics.examplesFromDefault : metrics.examplesFromFeedback).increment();
            metrics.cost.units(CostMeters.EXAMPLES, 1);
        }
        if (p != null) {
            long eventTime = p.getEventTime().toEpochMilli();
            Outcome outcome = label.map(l -> Outcome.judged(p.getModelName(), p.getModelVersion(), p.getScore(),
                            l.value(), eventTime, l.time(), defaulted))
                    .orElseGet(() -> Outcome.expired(p.getModelName(), p.getModelVersion(), eventTime,
                            eventTime + window));
            forwardOutcome(outcome);
        }
        if (label.isPresent() && state.shadow != null) {
            forwardPaired(state, label.get());
        }
    }

    /**
     * Pairs the served and the shadow prediction of one event by its label, when both are in and come from two versions
     * of one model; a shadow prediction without a served one is counted, never paired.
     */
    private void forwardPaired(JoinState state, Label label) {
        Prediction served = state.prediction;
        Prediction shadow = state.shadow;
        if (served == null || !served.getModelName().equals(shadow.getModelName())
                || served.getModelVersion() == shadow.getModelVersion()) {
            metrics.shadowUnpaired.increment();
            return;
        }
        PairedOutcome paired = new PairedOutcome(served.getModelName(), shadow.getModelVersion(),
                served.getModelVersion(), served.getScore(), shadow.getScore(), label.value(),
                served.getEventTime().toEpochMilli());
        long at = clock.isKnown() ? Math.max(0, clock.now()) : 0;
        context.forward(new Record<>(paired.pairKey(), (Object) paired, at));
        metrics.shadowPaired.increment();
    }

    private void sendLate(String id, Feedback feedback, String reason, JoinState state, long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(LateReason.HEADER, reason.getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(id, (Object) feedback, timestamp, headers));
        (LateReason.LATE.equals(reason) ? metrics.late : metrics.unmatched).increment();
        if (state != null && state.prediction != null && LateReason.LATE.equals(reason)) {
            Prediction p = state.prediction;
            forwardOutcome(Outcome.late(p.getModelName(), p.getModelVersion(), p.getEventTime().toEpochMilli(),
                    feedback.getFeedbackTime().toEpochMilli()));
        }
    }

    /**
     * Outcomes carry the join clock as their timestamp: it drives the quality side's time windows, which must
     * not close ahead of the judgements the join still owes them. Before the clock is known (no features yet), 0
     * (which never moves the quality side's clock).
     */
    private void forwardOutcome(Outcome outcome) {
        long at = clock.isKnown() ? Math.max(0, clock.now()) : 0;
        context.forward(new Record<>(outcome.modelKey(), (Object) outcome, at));
    }

    private void reject(String id, String code, String reason, long timestamp) {
        reject(id, code, reason, null, timestamp);
    }

    /**
     * Dead-letters a label that was read earlier and kept in the join state: its source is the feedback topic on this
     * task's partition, at an offset no longer known (-1).
     */
    private void rejectRead(String id, Violation violation, long timestamp) {
        RecordMetadata current = context.recordMetadata().orElse(null);
        int partition = current == null ? -1 : current.partition();
        String reason = violation.reason() + " (checked once its event's served records came; the label was read earlier)";
        Rejected rejected = DeadLetters.rejected(id, violation.code(), reason,
                new RecordSource(feedbackTopic, partition, -1L), (byte[]) null, Instant.now(), applicationId);
        log.warn("Dead-lettering a label of event {} read earlier from {}-{}: {} ({})", rejected.getEventId(),
                feedbackTopic, partition, violation.code(), reason);
        metrics.deadLetter(violation.code());
        context.forward(new Record<>(rejected.getEventId(), (Object) rejected, timestamp));
    }

    private void reject(String id, String code, String reason, byte[] original, long timestamp) {
        RecordSource source = context.recordMetadata()
                .map(m -> new RecordSource(m.topic(), m.partition(), m.offset()))
                .orElse(new RecordSource("", -1, -1L));
        Rejected rejected = DeadLetters.rejected(id, code, reason, source, original, Instant.now(), applicationId);
        log.warn("Dead-lettering record {} from {}: {} ({})", rejected.getEventId(), source, code, reason);
        metrics.deadLetter(code);
        context.forward(new Record<>(rejected.getEventId(), (Object) rejected, timestamp));
    }

    private void reschedule(String id, JoinState state, long dueAt) {
        // A due time before the swept part (rare: far out of order) moves the next sweep's start back to it.
        sweptThrough = Math.min(sweptThrough, Math.max(0, dueAt));
        String newKey = dueKey(dueAt, id);
        if (state.due != JoinState.UNKNOWN && state.due != dueAt) {
            due.delete(dueKey(state.due, id));
        }
        state.due = dueAt;
        due.put(newKey, id);
    }

    /** Index key: the due time, zero-padded so that byte order is time order, then the event id. */
    static String dueKey(long dueAt, String id) {
        return String.format("%019d|%s", Math.max(0, dueAt), id);
    }

    private static long dueTime(String key) {
        return Long.parseLong(key.substring(0, 19));
    }

    private static String eventId(String key) {
        return key.substring(20);
    }
}
