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
    private final LearningGate gate = new LearningGate(trained::get, 10, Duration.ofSeconds(30), new PrintStream(err, true));

    @Test
    void noBoundBeforeTheFirstRelease() {
        for (int i = 0; i < 1000; i++) {
            gate.awaitTurn(T);
        }
        assertThat(gate.timeouts()).isZero();
    }

    @Test
    void theReplayWaitsUntilAReleaseHasLearnedEnough() throws Exception {
        trained.set(0);
        for (int i = 0; i < 10; i++) {
            gate.awaitTurn(T);
        }
        CompletableFuture<Void> eleventh = CompletableFuture.runAsync(() -> gate.awaitTurn(T));
        Awaitility.await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !eleventh.isDone());
        assertThat(eleventh).isNotDone();

        trained.set(5);
        eleventh.get(5, TimeUnit.SECONDS);
        assertThat(gate.timeouts()).isZero();
    }

    @Test
    void aStuckTrainerSlowsTheReplayButNeverHangsIt() throws Exception {
        LearningGate impatient = new LearningGate(() -> 0, 2, Duration.ofMillis(200), new PrintStream(err, true));
        impatient.awaitTurn(T);
        impatient.awaitTurn(T);
        CompletableFuture.runAsync(() -> impatient.awaitTurn(T)).get(10, TimeUnit.SECONDS);
        assertThat(impatient.timeouts()).isEqualTo(1);
        assertThat(err.toString()).contains("the newest release has learned from 0 examples");
        // After a timeout the next window of events goes through without another wait.
        CompletableFuture.runAsync(() -> {
            impatient.awaitTurn(T);
            impatient.awaitTurn(T);
        }).get(10, TimeUnit.SECONDS);
        assertThat(impatient.timeouts()).isEqualTo(1);
    }
}
