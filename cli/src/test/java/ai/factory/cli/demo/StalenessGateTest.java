package ai.factory.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class StalenessGateTest {

    private static final Instant T = Instant.parse("2001-01-01T00:00:00Z");

    private final AtomicReference<Instant> trainedThrough = new AtomicReference<>();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final StalenessGate gate = new StalenessGate(trainedThrough::get, Duration.ofHours(6), Duration.ofSeconds(30),
            new PrintStream(err, true));

    @Test
    void noBoundBeforeTheFirstChampion() {
        gate.awaitTurn(T.plus(Duration.ofDays(3)));
        assertThat(gate.timeouts()).isZero();
    }

    @Test
    void anEventTooFarAheadOfTheChampionWaitsUntilTheChampionCatchesUp() {
        trainedThrough.set(T);
        gate.awaitTurn(T.plus(Duration.ofHours(5)));

        CompletableFuture<Void> held = CompletableFuture.runAsync(() -> gate.awaitTurn(T.plus(Duration.ofHours(7))));
        Awaitility.await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !held.isDone());
        assertThat(held).isNotDone();

        trainedThrough.set(T.plus(Duration.ofHours(2)));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(held::isDone);
        assertThat(gate.timeouts()).isZero();
    }

    @Test
    void aStuckChampionSlowsTheReplayButNeverHangsIt() throws Exception {
        StalenessGate impatient = new StalenessGate(() -> T, Duration.ofHours(1), Duration.ofMillis(200), new PrintStream(err, true));
        CompletableFuture.runAsync(() -> impatient.awaitTurn(T.plus(Duration.ofDays(1)))).get(10, TimeUnit.SECONDS);
        assertThat(impatient.timeouts()).isEqualTo(1);
        assertThat(err.toString()).contains("the champion has learned only up to 2001-01-01T00:00:00Z");
    }
}
