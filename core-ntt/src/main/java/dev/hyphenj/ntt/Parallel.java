package dev.hyphenj.ntt;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The one shared pool that spreads independent work (RNS limbs, digits, ciphertexts) over the cores. Its size is
 * the system property {@code hyphen.threads} (default: all cores), read at each call so that a benchmark can set
 * one thread before it starts; with one thread, or one task, the work runs in the caller. Results never depend on
 * the thread count: each task computes the same residues either way.
 */
public final class Parallel {
    public static final String PROPERTY = "hyphen.threads";

    private static volatile ForkJoinPool pool;

    private Parallel() {}

    /** The configured number of threads (at least 1). */
    public static int threads() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int t = Integer.parseInt(value.trim());
            if (t >= 1) {
                return t;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + ": expected a positive number of threads");
    }

    /** Runs body(0) .. body(count - 1), in parallel when more than one thread is configured. */
    public static void forEach(int count, IntConsumer body) {
        int threads = threads();
        if (threads == 1 || count <= 1) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        pool(threads).submit(() -> IntStream.range(0, count).parallel().forEach(body)).join();
    }

    private static ForkJoinPool pool(int threads) {
        ForkJoinPool p = pool;
        if (p == null || p.getParallelism() != threads) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null || p.getParallelism() != threads) {
                    if (p != null) {
                        p.shutdown();
                    }
                    AtomicInteger made = new AtomicInteger();
                    p = new ForkJoinPool(threads, pool -> {
                        var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                        // (getPoolIndex() is still 0 here, before the pool registers the thread: every worker was
                        // named hyphen-0, which merged them in profiles)
                        t.setName("hyphen-" + made.getAndIncrement());
                        t.setDaemon(true);
                        return t;
                    }, null, false);
                    pool = p;
                }
            }
        }
        return p;
    }
}
