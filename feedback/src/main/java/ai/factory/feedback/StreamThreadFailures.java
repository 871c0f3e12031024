package ai.factory.feedback;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the feedback app does when a stream thread dies: replaces it after a backoff while the {@link ReplacementBudget}
 * allows, else stops the app ({@code SHUTDOWN_CLIENT}) and keeps a one-line reason for its command to report. Bad input
 * never gets here (it is dead-lettered); what does is a failure of the app's own writes or state.
 */
final class StreamThreadFailures implements StreamsUncaughtExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(StreamThreadFailures.class);

    private final ReplacementBudget budget;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicReference<String> stopReason = new AtomicReference<>();

    StreamThreadFailures(ReplacementBudget budget) {
        this.budget = budget;
    }

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        Optional<Duration> backoff = budget.onFailure(System.currentTimeMillis());
        if (backoff.isEmpty()) {
            String reason = "stream thread failed again after its replacements (" + budget.describe() + "); last: "
                    + oneLine(exception);
            stopReason.compareAndSet(null, reason);
            log.error("Stopping the feedback app: {}", reason, exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        log.error("Stream thread failed ({}); replacing it in {}", budget.describe(), backoff.get(), exception);
        try {
            // Waits on the dying thread; close() cuts the wait short.
            closing.await(backoff.get().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** Ends any backoff under way: the app is closing. */
    void closing() {
        closing.countDown();
    }

    /** Why the app stopped itself, if it did. */
    Optional<String> stopReason() {
        return Optional.ofNullable(stopReason.get());
    }

    /** The exception and its causes' messages on one line. */
    private static String oneLine(Throwable e) {
        StringBuilder line = new StringBuilder();
        for (Throwable t = e; t != null && line.length() < 500; t = t.getCause() == t ? null : t.getCause()) {
            if (!line.isEmpty()) {
                line.append(": ");
            }
            line.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                line.append(' ').append(t.getMessage());
            }
        }
        return line.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
