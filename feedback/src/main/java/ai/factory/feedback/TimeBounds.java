package ai.factory.feedback;

import java.time.Duration;
import java.time.Instant;

import ai.factory.options.DurationConverter;

/**
 * Which record times the join believes. A time it does not believe goes to the dead-letter topic and moves no clock:
 * one label dated 2100 on a path persisted in the {@link JoinClock} would otherwise stop the feedback path from holding
 * windows open for good (every later label late), and one feature vector dated years ahead would close every window.
 *
 * <p>Replays of historic data (flights from 2001, whose record time is their event time) must pass, so no bound is
 * relative to the past: a time is absurd when it is
 * <ul>
 *   <li>not after 1970-01-01T00:00:00Z (epoch millisecond 0 or less: an unset or garbled time);</li>
 *   <li>further ahead of the wall clock than {@code maxAheadOfWallClock} (clocks of producers disagree a little; nothing
 *       legitimate is dated a day from now);</li>
 *   <li>for a label whose event's time is known: further before that event time than {@code maxLabelBeforeEvent};</li>
 *   <li>with {@code maxClockJump} set: further ahead of its own path's time than that. Off by default: a rejected
 *       record does not move its path, so a legitimate jump (a producer down longer than the bound, live data after a
 *       replay of 2001, a backfill of a later period) would dead-letter that path for good. The speed of a replay does
 *       not matter (records of a path come in about their time order, so each step is small however fast event time
 *       runs); its gaps do. Set it for a replay of contiguous history, larger than any gap in the data.</li>
 * </ul>
 * A bound that is null ({@code forever} on the command line) is not checked.
 *
 * @param maxAheadOfWallClock how far ahead of the wall clock a record's time may be
 * @param maxLabelBeforeEvent how far before its event's time a label's time may be
 * @param maxClockJump        how far ahead of its path's time a record's time may be; null: no bound
 */
public record TimeBounds(Duration maxAheadOfWallClock, Duration maxLabelBeforeEvent, Duration maxClockJump) {

    /** Default tolerance ahead of the wall clock: a day, as ingest's default limit. */
    public static final String DEFAULT_MAX_AHEAD_OF_WALL_CLOCK_TEXT = "1d";
    /** Default tolerance for a label timed before its event: an hour of clock skew between producers. */
    public static final String DEFAULT_MAX_LABEL_BEFORE_EVENT_TEXT = "1h";
    /** No jump bound by default (see the class comment). */
    public static final String DEFAULT_MAX_CLOCK_JUMP_TEXT = "forever";

    /** Not after this (epoch ms) is an unset time. */
    static final long FLOOR = 0L;

    public TimeBounds {
        for (Duration d : new Duration[] {maxAheadOfWallClock, maxLabelBeforeEvent, maxClockJump}) {
            if (d != null && d.isNegative()) {
                throw new IllegalArgumentException("time bounds must not be negative");
            }
        }
    }

    /** The defaults: a day ahead of the wall clock, labels an hour before their event, no jump bound. */
    public static TimeBounds defaults() {
        return new TimeBounds(DurationConverter.parse(DEFAULT_MAX_AHEAD_OF_WALL_CLOCK_TEXT),
                DurationConverter.parse(DEFAULT_MAX_LABEL_BEFORE_EVENT_TEXT), DurationConverter.parse(DEFAULT_MAX_CLOCK_JUMP_TEXT));
    }

    public TimeBounds withMaxClockJump(Duration bound) {
        return new TimeBounds(maxAheadOfWallClock, maxLabelBeforeEvent, bound);
    }

    /** True when {@code time} is neither unset nor too far ahead of {@code wallClock}: the time may drive stream time. */
    boolean believable(long time, long wallClock) {
        return time > FLOOR && (maxAheadOfWallClock == null || time - wallClock <= maxAheadOfWallClock.toMillis());
    }

    /**
     * Why {@code time} (of the field {@code field}) is absurd against the wall clock and its path's time
     * ({@link JoinClock#UNKNOWN} before the path has any), or null.
     */
    Violation check(String field, long time, long wallClock, long pathTime) {
        if (time <= FLOOR) {
            return new Violation(RejectReason.TIME_OUT_OF_BOUNDS,
                    field + " " + Instant.ofEpochMilli(time) + " is not after " + Instant.ofEpochMilli(FLOOR));
        }
        if (maxAheadOfWallClock != null && time - wallClock > maxAheadOfWallClock.toMillis()) {
            return new Violation(RejectReason.TIME_OUT_OF_BOUNDS, field + " " + Instant.ofEpochMilli(time)
                    + " is more than " + DurationConverter.format(maxAheadOfWallClock) + " ahead of the wall clock "
                    + Instant.ofEpochMilli(wallClock));
        }
        if (maxClockJump != null && pathTime != JoinClock.UNKNOWN && time - pathTime > maxClockJump.toMillis()) {
            return new Violation(RejectReason.TIME_JUMP, field + " " + Instant.ofEpochMilli(time) + " is more than "
                    + DurationConverter.format(maxClockJump) + " ahead of its path's time " + Instant.ofEpochMilli(pathTime));
        }
        return null;
    }

    /** Why a label at {@code feedbackTime} cannot be about an event at {@code eventTime}, or null. */
    Violation checkLabel(long feedbackTime, long eventTime) {
        if (maxLabelBeforeEvent != null && eventTime - feedbackTime > maxLabelBeforeEvent.toMillis()) {
            return new Violation(RejectReason.LABEL_BEFORE_EVENT, "feedback_time " + Instant.ofEpochMilli(feedbackTime)
                    + " is more than " + DurationConverter.format(maxLabelBeforeEvent) + " before the event time "
                    + Instant.ofEpochMilli(eventTime));
        }
        return null;
    }
}
