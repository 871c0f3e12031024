package ai.factory.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** ORT's native intra-op pool threads, found so their CPU time can be counted (real ONNX Runtime, Linux). */
class PoolThreadsTest {

    @Test
    void aSessionsPoolThreadsAreFoundAndTheEndedOnesDropped() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        List<Set<Long>> seen = new ArrayList<>();
        Thread creator = new Thread(() -> {
            try {
                SessionFactory single = new SessionFactory(new SessionSettings(Device.CPU, 1, false));
                try (OrtSession session = single.create(TinyModel.onnx())) {
                    seen.add(single.poolThreads());
                }
                SessionFactory pooled = new SessionFactory(new SessionSettings(Device.CPU, 3, false));
                OrtSession first = pooled.create(TinyModel.onnx());
                seen.add(pooled.poolThreads());
                first.close();
                try (OrtSession second = pooled.create(TinyModel.onnx())) {
                    seen.add(pooled.poolThreads());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "pool-threads-test");
        creator.start();
        creator.join();
        assertThat(seen).hasSize(3);
        assertThat(seen.get(0)).as("one intra-op thread: ORT runs on the caller, no pool").isEmpty();
        assertThat(seen.get(1)).as("three intra-op threads: two in the pool").hasSize(2);
        assertThat(seen.get(2)).as("the first session's ended with it").hasSize(2).doesNotContainAnyElementsOf(seen.get(1));
    }
}
