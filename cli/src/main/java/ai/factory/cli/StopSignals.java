package ai.factory.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM as a request to stop, for a command that stops its work itself and then exits with its
 * own code, instead of the JVM's shutdown in which the exit code is already decided. Closing it puts the JVM's own
 * handling back.
 */
final class StopSignals implements AutoCloseable {

    private static final List<String> NAMES = List.of("INT", "TERM");

    private final CountDownLatch requested = new CountDownLatch(1);
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    /** Handles SIGINT and SIGTERM from now on; {@code whenRepeated} runs on each signal after the first. */
    StopSignals(Runnable whenRepeated) {
        for (String name : NAMES) {
            Signal signal = new Signal(name);
            previous.add(Signal.handle(signal, s -> {
                if (requested.getCount() == 0) {
                    whenRepeated.run();
                }
                requested.countDown();
            }));
            signals.add(signal);
        }
    }

    /** Waits up to {@code timeout} for a stop request; true once one came. */
    boolean await(Duration timeout) throws InterruptedException {
        return requested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
