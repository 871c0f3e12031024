package ai.factory.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class LearningGateTest {

    private static final Instant T = Instant.parse("2001-01-01T00:00:00Z");

    private final AtomicLong trained = new AtomicLong(-1);
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final AtomicLong labels = new AtomicLong();
    private final LearningGate gate = new LearningGate(trained::get, labels::get, 10, Duration.ofSeconds(30), new PrintStream(err, true));

    @Test
    void noBoundBeforeTheFirstRelease() {
        for (int i = 0; i < 1000; i++) {
            labels.incrementAndGet();
            gate.awaitTurn(T);
        }
        assertThat(gate.timeouts()).isZero();
    }

    @Test
    void theReplayWaitsUntilAReleaseHasLearnedEnough() throws Exception {
        trained.set(0);
        labels.set(10);
        gate.awaitTurn(T);
        labels.set(11);
        CompletableFuture<Void> next = CompletableFuture.runAsync(() -> gate.awaitTurn(T));
        Awaitility.await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !next.isDone());
        assertThat(next).isNotDone();

        trained.set(5);
        next.get(5, TimeUnit.SECONDS);
        assertThat(gate.timeouts()).isZero();
    }

    @Test
    void eventsWhoseLabelsAreStillDueNeverWait() {
        // The label delay: events go on while their labels are not due; the trainer cannot learn from those yet.
        trained.set(0);
        labels.set(3);
        for (int i = 0; i < 1000; i++) {
            gate.awaitTurn(T);
        }
        assertThat(gate.timeouts()).isZero();
    }

    @Test
    void aStuckTrainerSlowsTheReplayButNeverHangsIt() throws Exception {
        LearningGate impatient = new LearningGate(() -> 0, labels::get, 2, Duration.ofMillis(200), new PrintStream(err, true));
        labels.set(2);
        impatient.awaitTurn(T);
        labels.set(3);
        CompletableFuture.runAsync(() -> impatient.awaitTurn(T)).get(10, TimeUnit.SECONDS);
        assertThat(impatient.timeouts()).isEqualTo(1);
        assertThat(err.toString()).contains("the newest release has learned from 0 examples");
        // After a timeout the next window of labels goes through without another wait.
        CompletableFuture.runAsync(() -> {
            labels.set(5);
            impatient.awaitTurn(T);
        }).get(10, TimeUnit.SECONDS);
        assertThat(impatient.timeouts()).isEqualTo(1);
    }
}
