package ai.factory.replay;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends records with a callback each and counts, per topic, how many were handed to the producer, how many the cluster
 * confirmed and how many failed, with each topic's first error. A send that throws counts as failed too: nothing is
 * dropped without a count. Callbacks run on the producer's I/O thread; every method is safe from any thread.
 */
public final class Delivery {

    /** One topic's counts; {@code sent - delivered - failed} records are still unconfirmed. */
    public record Count(long sent, long delivered, long failed, String firstError) {

        /** Handed to the producer but not confirmed delivered: failed, or still unconfirmed. */
        public long notDelivered() {
            return sent - delivered;
        }
    }

    /** The counts of every topic written so far, in the order they were first written, and the first failure. */
    public record Totals(Map<String, Count> byTopic, Throwable firstFailure) {

        public Totals {
            byTopic = Collections.unmodifiableMap(new LinkedHashMap<>(byTopic));
        }

        public long sent() {
            return byTopic.values().stream().mapToLong(Count::sent).sum();
        }

        public long delivered() {
            return byTopic.values().stream().mapToLong(Count::delivered).sum();
        }

        /** Failed so far: the producer reported an error for each (or refused to take it). */
        public long failed() {
            return byTopic.values().stream().mapToLong(Count::failed).sum();
        }

        public long notDelivered() {
            return sent() - delivered();
        }

        /** The first error of the first topic that has one, or null. */
        public String firstError() {
            return byTopic.values().stream().map(Count::firstError).filter(e -> e != null).findFirst().orElse(null);
        }
    }

    private final Map<String, long[]> counts = new LinkedHashMap<>();
    private final Map<String, String> firstErrors = new LinkedHashMap<>();
    // Written under the lock; volatile so that the replay's checks on every row take no lock.
    private volatile long unconfirmed;
    /** Since when the records now unconfirmed have had no answer: the first send or the last answer since. */
    private volatile long waitingSince;
    private volatile boolean failing;
    private boolean abandoned;
    private Throwable firstFailure;

    /** Sends {@code record}, counting it and, when the producer answers, its outcome. */
    public void send(Producer<String, byte[]> producer, ProducerRecord<String, byte[]> record) {
        String topic = record.topic();
        synchronized (this) {
            if (abandoned) {
                throw new IllegalStateException("the delivery of this replay was abandoned; nothing more is sent");
            }
            counts.computeIfAbsent(topic, t -> new long[3])[0]++;
            if (unconfirmed == 0) {
                waitingSince = System.nanoTime();
            }
            unconfirmed++;
        }
        try {
            producer.send(record, (metadata, error) -> settle(topic, error));
        } catch (RuntimeException e) {
            // A closed producer, a producer in a fatal state, an interrupt: the record is not sent and is counted so.
            settle(topic, e);
        }
    }

    private synchronized void settle(String topic, Exception error) {
        if (abandoned) {
            // Counted as failed already; the producer is aborting what it still held.
            return;
        }
        long[] c = counts.get(topic);
        if (error == null) {
            c[1]++;
        } else {
            c[2]++;
            failing = true;
            firstErrors.putIfAbsent(topic, oneLine(error));
            if (firstFailure == null) {
                firstFailure = error;
            }
        }
        unconfirmed--;
        waitingSince = System.nanoTime();
        notifyAll();
    }

    /**
     * Whether records are waiting and the producer has answered none for {@code quiet}: the cluster is not taking
     * them, and sending more only grows the backlog that will fail when their delivery times out.
     */
    public boolean stalled(Duration quiet) {
        return unconfirmed > 0 && System.nanoTime() - waitingSince > quiet.toNanos();
    }

    /** Whether any record has failed. */
    public boolean failing() {
        return failing;
    }

    /** Waits until the producer has answered for every record sent, or {@code bound} passes; returns whether it has. */
    public synchronized boolean awaitSettled(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (unconfirmed > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /**
     * Counts every record still unconfirmed as failed, with {@code reason} as the first error of a topic that has
     * none, and ignores the producer's answers from now on: the totals are final.
     */
    public synchronized void abandon(String reason) {
        if (abandoned) {
            return;
        }
        counts.forEach((topic, c) -> {
            long open = c[0] - c[1] - c[2];
            if (open > 0) {
                c[2] += open;
                failing = true;
                firstErrors.putIfAbsent(topic, reason);
            }
        });
        unconfirmed = 0;
        abandoned = true;
        notifyAll();
    }

    public synchronized Totals totals() {
        Map<String, Count> byTopic = new LinkedHashMap<>();
        counts.forEach((topic, c) -> byTopic.put(topic, new Count(c[0], c[1], c[2], firstErrors.get(topic))));
        return new Totals(byTopic, firstFailure);
    }

    /** The error's class and message, and its cause's when that says more, on one line. */
    static String oneLine(Throwable error) {
        StringBuilder line = new StringBuilder(error.getClass().getSimpleName());
        if (error.getMessage() != null) {
            line.append(": ").append(error.getMessage());
        }
        Throwable cause = error.getCause();
        if (cause != null && cause != error && cause.getMessage() != null && !line.toString().contains(cause.getMessage())) {
            line.append(": ").append(cause.getMessage());
        }
        return line.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
