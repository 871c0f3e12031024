package ai.factory.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The CPU time a component spends on its own threads, and the units of work it does there, handed to a {@link Sink}
 * (Micrometer: {@link CostMeters}; a Flink operator's metric group: {@code FlinkCost}).
 *
 * <p>Time is taken in laps of the calling thread's CPU clock ({@link ThreadMXBean#getCurrentThreadCpuTime()}): a lap
 * adds what the thread used since its previous lap, so everything the thread did in between (polling, decoding,
 * state, writing) is the component's, and chained work sharing a thread (Flink operators of one task) is counted once,
 * by whoever laps. A thread's first lap only starts its clock. Laps are taken around units of work: a scorer's poll
 * loop, a trainer's steps, or every {@value #TICKS_PER_LAP} records ({@link #tick()}) where work comes a record at a
 * time. A lap costs one read of the thread clock (about 1.5 µs on the two-core build machine, 0.1 µs where the kernel
 * reads it without a system call), a tick a thread-local increment (about 4 ns): at one lap per 256 records, under
 * 10 ns a record. ONNX Runtime's intra-op pool threads are native, invisible to the JVM: {@link #countNativeThreads}
 * adds theirs from Linux's {@code /proc} at laps, at most every 100 ms. Not counted: threads the component does not lap
 * on (Kafka clients' network threads, GC, JIT), and at most a lap's worth at the end.
 */
public final class CpuMeter {

    /** Where the figures go. Implementations need not be thread-safe when one thread uses the meter. */
    public interface Sink {
        void cpuNanos(long nanos);

        void gpuNanos(long nanos);

        void units(String unit, long count);
    }

    /** Records between laps for {@link #tick()}. */
    public static final int TICKS_PER_LAP = 256;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean SUPPORTED = enable();
    /** Per thread: its CPU clock at its last lap (-1: none yet), and ticks since. Goes with the thread. */
    private static final ThreadLocal<long[]> LAPS = ThreadLocal.withInitial(() -> new long[] {-1, 0});

    /** Reading a native thread's clock is a file read: at most this often. */
    private static final long NATIVE_READ_EVERY_NANOS = 100_000_000L;

    private final Sink sink;
    private final boolean gpu;
    private volatile Supplier<? extends Collection<Long>> nativeThreads;
    /** Per native thread: its CPU clock when last read. Only threads the supplier still names are kept. */
    private final Map<Long, Long> nativeSeen = new HashMap<>();
    private long nextNativeRead;

    /**
     * A meter reporting to {@code sink}; {@code sessionsOnGpu}: the component's ONNX Runtime sessions run on the CUDA
     * provider, so the wall time of their runs counts as GPU time ({@link #sessionRun}).
     */
    public CpuMeter(Sink sink, boolean sessionsOnGpu) {
        this.sink = sink;
        this.gpu = sessionsOnGpu;
    }

    private static boolean enable() {
        if (!THREADS.isCurrentThreadCpuTimeSupported()) {
            return false;
        }
        if (!THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
        return true;
    }

    /** Whether this JVM can read a thread's CPU time; without it every lap is 0. */
    public static boolean supported() {
        return SUPPORTED;
    }

    /** The calling thread's CPU nanoseconds since its previous lap by any meter; 0 at its first, which starts its clock. */
    public static long lapNanos() {
        if (!SUPPORTED) {
            return 0;
        }
        long[] lap = LAPS.get();
        long now = THREADS.getCurrentThreadCpuTime();
        long used = lap[0] < 0 ? 0 : Math.max(0, now - lap[0]);
        lap[0] = now;
        lap[1] = 0;
        return used;
    }

    /** Adds the calling thread's CPU time since its previous lap to this component, and its native threads'. */
    public void lap() {
        long used = lapNanos();
        if (nativeThreads != null) {
            used += nativeNanos();
        }
        if (used > 0) {
            sink.cpuNanos(used);
        }
    }

    /**
     * Counts the CPU time of the native threads {@code threadIds} names (Linux thread ids; ONNX Runtime's pool threads,
     * {@code SessionFactory.poolThreads}) as this component's too, whole: they are its own from their start.
     */
    public void countNativeThreads(Supplier<? extends Collection<Long>> threadIds) {
        this.nativeThreads = threadIds;
    }

    /** The native threads' CPU time since they were last read, when due. */
    private synchronized long nativeNanos() {
        Supplier<? extends Collection<Long>> threads = nativeThreads;
        long now = System.nanoTime();
        if (now - nextNativeRead < 0) {
            return 0;
        }
        nextNativeRead = now + NATIVE_READ_EVERY_NANOS;
        Collection<Long> ids = threads.get();
        nativeSeen.keySet().retainAll(ids);
        long used = 0;
        for (Long id : ids) {
            long clock = nativeCpuNanos(id);
            if (clock < 0) {
                nativeSeen.remove(id); // ended with its session: its time since the last read is lost
                continue;
            }
            Long last = nativeSeen.put(id, clock);
            used += Math.max(0, clock - (last == null ? 0 : last));
        }
        return used;
    }

    /** A thread's time on a CPU in nanoseconds ({@code /proc/self/task/<id>/schedstat}), or -1 where it cannot be read. */
    static long nativeCpuNanos(long threadId) {
        try {
            String stat = Files.readString(Path.of("/proc/self/task", Long.toString(threadId), "schedstat"));
            return Long.parseLong(stat.substring(0, stat.indexOf(' ')));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** One record done on the calling thread: laps every {@value #TICKS_PER_LAP} of them (of any meter on it). */
    public void tick() {
        if (++LAPS.get()[1] >= TICKS_PER_LAP) {
            lap();
        }
    }

    /** Counts {@code count} units of work done ({@code events}, {@code predictions}, {@code examples}, {@code releases}). */
    public void units(String unit, long count) {
        if (count > 0) {
            sink.units(unit, count);
        }
    }

    /**
     * The wall time of one ONNX Runtime run: GPU time when the sessions run on CUDA (approximate: the run's wall time,
     * copies and launch included), nothing on the CPU, whose time the laps count.
     */
    public void sessionRun(long wallNanos) {
        if (gpu && wallNanos > 0) {
            sink.gpuNanos(wallNanos);
        }
    }

    /** Whether {@link #sessionRun} counts GPU time. */
    public boolean onGpu() {
        return gpu;
    }
}
