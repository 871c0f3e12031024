package ai.factory.scoring;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ai.factory.records.FeatureVector;

/**
 * Writes vectors in small flushed chunks from a background thread: a first part, then, once the test opens the
 * gate (or after a bound), the rest; so something happens while records keep flowing.
 */
final class LoadGenerator {

    private static final int CHUNK = 50;

    private final KafkaHarness harness;
    private final CountDownLatch gate = new CountDownLatch(1);
    private final CountDownLatch firstPartWritten = new CountDownLatch(1);

    LoadGenerator(KafkaHarness harness) {
        this.harness = harness;
    }

    /** Writes {@code first} and {@code rest}, the latter only after {@link #openGate()}; completes when all are written. */
    CompletableFuture<Void> start(List<FeatureVector> first, List<FeatureVector> rest) {
        return CompletableFuture.runAsync(() -> {
            write(first);
            firstPartWritten.countDown();
            try {
                if (!gate.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            write(rest);
        });
    }

    void openGate() {
        gate.countDown();
    }

    private void write(List<FeatureVector> vectors) {
        for (int i = 0; i < vectors.size(); i += CHUNK) {
            harness.produce(vectors.subList(i, Math.min(vectors.size(), i + CHUNK)));
        }
    }
}
