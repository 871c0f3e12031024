package ai.factory.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class CpuMeterTest {

    /** Counts what a meter reports. */
    private static final class Recorded implements CpuMeter.Sink {
        final AtomicLong cpu = new AtomicLong();
        final AtomicLong gpu = new AtomicLong();
        final Map<String, Long> units = new TreeMap<>();

        @Override
        public void cpuNanos(long nanos) {
            cpu.addAndGet(nanos);
        }

        @Override
        public void gpuNanos(long nanos) {
            gpu.addAndGet(nanos);
        }

        @Override
        public synchronized void units(String unit, long count) {
            units.merge(unit, count, Long::sum);
        }
    }

    @Test
    void busyWorkOnTheThreadCountsAndSleepingDoesNot() throws Exception {
        assertThat(CpuMeter.supported()).isTrue();
        Recorded busy = new Recorded();
        Recorded sleeping = new Recorded();
        long[] busyWall = new long[1];
        Thread worker = new Thread(() -> {
            CpuMeter meter = new CpuMeter(busy, false);
            meter.lap(); // starts this thread's clock
            long start = System.nanoTime();
            burn(400_000_000L);
            meter.lap();
            busyWall[0] = System.nanoTime() - start;
            meter.units(CostMeters.EVENTS, 1_000);
        });
        Thread sleeper = new Thread(() -> {
            CpuMeter meter = new CpuMeter(sleeping, false);
            meter.lap();
            try {
                Thread.sleep(400);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            meter.lap();
        });
        worker.start();
        sleeper.start();
        worker.join();
        sleeper.join();
        // Two shared cores: the busy thread may be descheduled, but it gets a good part of 400 ms, never more than its wall.
        assertThat(busy.cpu.get()).isBetween(100_000_000L, busyWall[0] + 20_000_000L);
        assertThat(sleeping.cpu.get()).isLessThan(20_000_000L);
        assertThat(busy.units).containsEntry(CostMeters.EVENTS, 1_000L);
    }

    @Test
    void aThreadsFirstLapOnlyStartsItsClockAndTicksLapEvery256Records() throws Exception {
        Recorded recorded = new Recorded();
        long[] firstLap = new long[1];
        long[] afterTicks = new long[3];
        Thread worker = new Thread(() -> {
            firstLap[0] = CpuMeter.lapNanos();
            CpuMeter meter = new CpuMeter(recorded, false);
            burn(50_000_000L);
            for (int i = 0; i < CpuMeter.TICKS_PER_LAP - 1; i++) {
                meter.tick();
            }
            afterTicks[0] = recorded.cpu.get();
            meter.tick();
            afterTicks[1] = recorded.cpu.get();
            meter.lap();
            afterTicks[2] = recorded.cpu.get();
        });
        worker.start();
        worker.join();
        assertThat(firstLap[0]).isZero();
        assertThat(afterTicks[0]).as("no lap before the 256th tick").isZero();
        assertThat(afterTicks[1]).as("the 256th tick laps the burnt CPU").isGreaterThan(10_000_000L);
        assertThat(afterTicks[2] - afterTicks[1]).as("a lap right after adds next to nothing").isLessThan(5_000_000L);
    }

    @Test
    void nativeThreadsCountWholeFromTheirStart() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/thread-self")), "Linux only");
        long[] tid = new long[1];
        Thread busy = new Thread(() -> {
            try {
                tid[0] = Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            burn(200_000_000L);
        });
        busy.start();
        busy.join();
        // Ended: its clock can no longer be read, like a pool thread whose session closed. The kernel removes the
        // thread's /proc entry a moment after join returns (a loaded CI machine read it once in between).
        org.awaitility.Awaitility.await("the ended thread's /proc entry gone").atMost(java.time.Duration.ofSeconds(10))
                .until(() -> CpuMeter.nativeCpuNanos(tid[0]) == -1);

        CountDownLatch done = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Thread pool = new Thread(() -> {
            try {
                tid[0] = Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
                burn(200_000_000L);
                done.countDown();
                finish.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        pool.start();
        done.await();
        Recorded recorded = new Recorded();
        Set<Long> named = new HashSet<>(Set.of(tid[0]));
        Thread owner = new Thread(() -> {
            CpuMeter meter = new CpuMeter(recorded, false);
            meter.countNativeThreads(() -> named);
            meter.lap();
        });
        owner.start();
        owner.join();
        finish.countDown();
        pool.join();
        assertThat(recorded.cpu.get()).as("the native thread's time since it started, at the first lap")
                .isGreaterThan(50_000_000L);
    }

    @Test
    void sessionRunsCountAsGpuTimeOnlyOnTheGpu() {
        Recorded cpu = new Recorded();
        Recorded gpu = new Recorded();
        new CpuMeter(cpu, false).sessionRun(5_000_000L);
        new CpuMeter(gpu, true).sessionRun(5_000_000L);
        assertThat(cpu.gpu.get()).isZero();
        assertThat(gpu.gpu.get()).isEqualTo(5_000_000L);
    }

    /** Spends {@code cpuNanos} of this thread's CPU time (not wall time: a loaded machine gives it less), at most 30 s. */
    private static void burn(long cpuNanos) {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        long deadline = System.nanoTime() + 30_000_000_000L;
        double sink = 0;
        while (threads.getCurrentThreadCpuTime() - start < cpuNanos && System.nanoTime() < deadline) {
            for (int i = 0; i < 1_000; i++) {
                sink += Math.sqrt(sink + 1);
            }
        }
        if (sink < 0) {
            throw new AssertionError();
        }
    }
}
