package ai.factory.scoring.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import ai.factory.onnx.Device;
import ai.factory.onnx.SessionFactory;
import ai.factory.onnx.SessionSettings;
import ai.factory.records.ModelRelease;
import ai.factory.records.ReleaseStatus;
import ai.factory.scoring.Fixtures;
import ai.factory.scoring.bench.LogisticGraph;
import ai.factory.scoring.release.SpecKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Swapped-out sessions give their native memory back. */
class SwapMemoryTest {

    private static final Logger log = LoggerFactory.getLogger(SwapMemoryTest.class);
    private static final int BUCKETS = 1 << 21;
    private static final int SWAPS = 200;
    private static final int WARM_UP = 20;
    /** Each session holds the 8 MiB embedding natively; leaking them all would add well over 1.4 GiB. */
    private static final long BOUND_BYTES = 300L * 1024 * 1024;

    @Test
    void twoHundredSwapsInARowDoNotGrowTheProcessWithoutBound() throws Exception {
        byte[] onnx = LogisticGraph.onnx(LogisticGraph.Weights.random(Fixtures.DENSE, BUCKETS, 1), Fixtures.SPARSE);
        SessionFactory sessions = new SessionFactory(new SessionSettings(Device.CPU, 1, false));
        ReleaseLoader loader = new ReleaseLoader(sessions, 64);
        SpecKey spec = new SpecKey(Fixtures.SPEC, Fixtures.SPEC_VERSION);
        BatchInputs inputs = new BatchInputs();
        long afterWarmUp = 0;
        try (ServingModels serving = new ServingModels(new SimpleMeterRegistry())) {
            for (int version = 1; version <= SWAPS; version++) {
                ModelRelease release = Fixtures.release(Fixtures.MODEL, version, ReleaseStatus.CHAMPION, onnx, Fixtures.DENSE, BUCKETS);
                serving.install(loader.load(release, Optional.empty()), ServingModels.Role.CHAMPION);
                ModelSession held = serving.acquire(spec, ServingModels.Role.CHAMPION).orElseThrow();
                try {
                    inputs.reset(held.shape(), 1);
                    inputs.add(new float[] {1, 2, 3, 4}, new long[] {version, version + 1L, BUCKETS - 1L});
                    assertThat(held.score(inputs)[0]).isBetween(0f, 1f);
                } finally {
                    held.letGo();
                }
                if (version == WARM_UP) {
                    afterWarmUp = residentBytes();
                }
            }
            long atEnd = residentBytes();
            log.info("RSS after {} swaps: {} MiB; after {}: {} MiB (growth {} MiB)", WARM_UP, afterWarmUp >> 20, SWAPS,
                    atEnd >> 20, (atEnd - afterWarmUp) >> 20);
            assertThat(atEnd - afterWarmUp).isLessThan(BOUND_BYTES);
        }
    }

    /** VmRSS of this process, from /proc/self/status. */
    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
