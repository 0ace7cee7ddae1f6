package dev.hyphenj.app;

import dev.hyphenj.ntt.Kernels;
import dev.hyphenj.ntt.LimbAllocator;
import dev.hyphenj.ntt.NttTables;
import dev.hyphenj.ntt.Primes;
import dev.hyphenj.ntt.RnsBasis;
import dev.hyphenj.ntt.RnsPoly;
import dev.hyphenj.ntt.ScalarKernels;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hyphen ntt-demo}: times core-ntt's forward and inverse negacyclic NTT, Vector API against the plain-Java
 * reference, on random limbs of a few RNS bases, after checking that both give bit-identical results. A
 * demonstration with a simple warm-up loop, not a benchmark: JMH numbers come from {@code hyphen bench}.
 */
@Command(
        name = "ntt-demo",
        mixinStandardHelpOptions = true,
        description = {
            "Times core-ntt's vector and scalar forward/inverse NTT (N = 2^16 by default) on a few limb counts,"
                    + " after checking that they agree bit for bit. One thread; a few seconds.",
            "For benchmark-quality numbers use: hyphen bench"
        })
final class NttDemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--log-n", paramLabel = "LOGN", defaultValue = "16",
            description = "log2 of the ring degree N, 10..17 (default: ${DEFAULT-VALUE}).")
    int logN;

    @Option(names = "--limbs", split = ",", paramLabel = "L", defaultValue = "1,8,32",
            description = "RNS limb counts to time, comma-separated (default: ${DEFAULT-VALUE}).")
    List<Integer> limbCounts;

    @Option(names = "--millis", paramLabel = "MS", defaultValue = "300",
            description = "Measuring time per implementation and limb count, ms (default: ${DEFAULT-VALUE}).")
    int millis;

    @Override
    public Integer call() {
        if (logN < 10 || logN > Primes.MAX_LOG_N) {
            throw new ParameterException(spec.commandLine(), "--log-n must be in 10.." + Primes.MAX_LOG_N + ", got " + logN);
        }
        if (limbCounts.isEmpty() || limbCounts.stream().anyMatch(l -> l < 1 || l > 64)) {
            throw new ParameterException(spec.commandLine(), "--limbs must be between 1 and 64, got " + limbCounts);
        }
        if (millis < 1 || millis > 60_000) {
            throw new ParameterException(spec.commandLine(), "--millis must be in 1..60000, got " + millis);
        }
        PrintWriter out = spec.commandLine().getOut();
        String us = micro() + "s";
        int n = 1 << logN;
        Kernels vector;
        try {
            vector = Kernels.vector();
        } catch (UnsupportedOperationException | LinkageError e) {
            throw new IllegalStateException("ntt-demo compares the vector kernels with the scalar ones: " + e.getMessage());
        }
        out.printf(Locale.ROOT, "hyphen ntt-demo: negacyclic NTT, N = 2^%d, 30-bit NTT-friendly primes, one thread%n", logN);
        out.printf(Locale.ROOT, "machine: %s, %d cores, Java %s%n", cpuModel(), Runtime.getRuntime().availableProcessors(),
                Runtime.version());
        out.printf(Locale.ROOT, "kernels: %s (Vector API on off-heap limbs) vs scalar (the plain-Java reference on int[]);"
                + " default for this JVM: %s%n", vector.name(), HyphenCli.kernelsName(Kernels::get));
        out.flush();

        int maxLimbs = limbCounts.stream().mapToInt(Integer::intValue).max().orElseThrow();
        long[] primes = Primes.below(30, n, maxLimbs);
        long start = System.nanoTime();
        try (LimbAllocator allocator = new LimbAllocator("ntt-demo")) {
            if (!warmUp(vector, RnsBasis.of(n, primes[0]), allocator)) {
                out.println("note: the JIT had not settled after 30 s of warm-up; the times below may be noisy");
            }
            out.println();
            out.println(String.format(Locale.ROOT, "%6s   %-30s   %s", "", "forward, " + us + " per limb",
                    "inverse, " + us + " per limb").stripTrailing());
            out.printf(Locale.ROOT, "%6s   %9s %9s %10s   %9s %9s %10s%n", "limbs",
                    "vector", "scalar", "scalar/vec", "vector", "scalar", "scalar/vec");
            for (int limbs : limbCounts) {
                RnsBasis basis = RnsBasis.of(n, Arrays.copyOf(primes, limbs));
                double[] t = measure(vector, basis, allocator);
                out.printf(Locale.ROOT, "%6d   %9.1f %9.1f %9.2fx   %9.1f %9.1f %9.2fx%n", limbs,
                        t[0], t[1], t[1] / t[0], t[2], t[3], t[3] / t[2]);
                out.flush();
            }
            out.println();
            out.printf(Locale.ROOT, "checked: vector and scalar outputs bit-identical, inverse(forward(a)) = a, for every"
                    + " limb count%n");
            out.printf(Locale.ROOT, "off-heap: peak %.1f MiB in 64-byte-aligned limbs, all returned to the allocator;"
                    + " %.1f s in all%n", allocator.peakBytes() / 1048576.0, (System.nanoTime() - start) / 1e9);
        }
        out.flush();
        return 0;
    }

    /**
     * Runs each implementation until C2 has compiled it: at least a second (or --millis), then until three
     * consecutive 100 ms chunks neither got faster than the best so far (by 3%) nor saw the JIT finish a compilation.
     * Interpreted Vector API code is some 200 times slower than compiled, so timing it early would be meaningless.
     * Returns false if that did not happen within 30 s per implementation.
     */
    private boolean warmUp(Kernels vector, RnsBasis basis, LimbAllocator allocator) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        boolean settled = true;
        try (Limbs l = new Limbs(basis, allocator, 1)) {
            // Check first: it loads the classes the measurements use (heap segments for limbToArray). Loading one
            // after C2 compiled the kernels invalidates their class-hierarchy assumptions: a deoptimization, and
            // seconds of slow code in the middle of a measurement.
            l.check(vector);
            for (boolean v : new boolean[] {true, false}) {
                long begin = System.nanoTime();
                long minEnd = begin + Math.max(1000, millis) * 1_000_000L;
                long cap = begin + 30_000_000_000L;
                double best = Double.POSITIVE_INFINITY;
                long lastCompileMs = jitTimed ? jit.getTotalCompilationTime() : 0;
                int quiet = 0;
                while (true) {
                    long chunkStart = System.nanoTime();
                    long chunkEnd = chunkStart + 100_000_000L;
                    int iterations = 0;
                    do {
                        l.forward(vector, v);
                        l.inverse(vector, v);
                        iterations++;
                    } while (System.nanoTime() < chunkEnd);
                    long now = System.nanoTime();
                    double perIteration = (double) (now - chunkStart) / iterations;
                    long compileMs = jitTimed ? jit.getTotalCompilationTime() : 0;
                    if (perIteration < best * 0.97 || compileMs != lastCompileMs) {
                        quiet = 0;
                    } else {
                        quiet++;
                    }
                    best = Math.min(best, perIteration);
                    lastCompileMs = compileMs;
                    if (quiet >= 3 && now >= minEnd) {
                        break;
                    }
                    if (now >= cap) {
                        settled = false;
                        break;
                    }
                }
            }
        }
        return settled;
    }

    /** Per-limb median times in µs: vector forward, scalar forward, vector inverse, scalar inverse. */
    private double[] measure(Kernels vector, RnsBasis basis, LimbAllocator allocator) {
        double[] result = new double[4];
        try (Limbs l = new Limbs(basis, allocator, 7 + basis.size())) {
            l.check(vector);
            for (int impl = 0; impl < 2; impl++) {
                boolean v = impl == 0;
                double[] fwd = new double[4096];
                double[] inv = new double[4096];
                int reps = 0;
                long end = System.nanoTime() + millis * 1_000_000L;
                while (reps < fwd.length && (reps < 5 || System.nanoTime() < end)) {
                    long t0 = System.nanoTime();
                    l.forward(vector, v);
                    long t1 = System.nanoTime();
                    l.inverse(vector, v);
                    long t2 = System.nanoTime();
                    fwd[reps] = (t1 - t0) / 1e3 / basis.size();
                    inv[reps] = (t2 - t1) / 1e3 / basis.size();
                    reps++;
                }
                result[impl] = median(fwd, reps);
                result[2 + impl] = median(inv, reps);
            }
        }
        return result;
    }

    private static double median(double[] x, int count) {
        double[] s = Arrays.copyOf(x, count);
        Arrays.sort(s);
        return count % 2 == 1 ? s[count / 2] : (s[count / 2 - 1] + s[count / 2]) / 2;
    }

    /** The same random residues twice: off-heap in an {@link RnsPoly} for the vector kernels, in int[]s for scalar. */
    private static final class Limbs implements AutoCloseable {
        final RnsBasis basis;
        final RnsPoly poly;
        final MemorySegment[] segments;
        final NttTables[] tables;
        final int[][] arrays;
        final int[][] original;

        Limbs(RnsBasis basis, LimbAllocator allocator, long seed) {
            this.basis = basis;
            int limbs = basis.size();
            poly = RnsPoly.zeros(basis, allocator);
            segments = new MemorySegment[limbs];
            tables = new NttTables[limbs];
            arrays = new int[limbs][];
            original = new int[limbs][];
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int l = 0; l < limbs; l++) {
                long q = basis.prime(l);
                original[l] = rnd.ints(basis.n(), 0, (int) q).toArray();
                arrays[l] = original[l].clone();
                segments[l] = poly.limb(l);
                MemorySegment.copy(original[l], 0, segments[l], ValueLayout.JAVA_INT, 0, basis.n());
                tables[l] = basis.tables(l);
            }
        }

        void forward(Kernels vector, boolean useVector) {
            for (int l = 0; l < tables.length; l++) {
                if (useVector) {
                    vector.forwardNtt(segments[l], tables[l]);
                } else {
                    ScalarKernels.forwardNtt(arrays[l], tables[l]);
                }
            }
        }

        void inverse(Kernels vector, boolean useVector) {
            for (int l = 0; l < tables.length; l++) {
                if (useVector) {
                    vector.inverseNtt(segments[l], tables[l]);
                } else {
                    ScalarKernels.inverseNtt(arrays[l], tables[l]);
                }
            }
        }

        /** Both implementations agree after a forward and after an inverse transform, which restores the input. */
        void check(Kernels vector) {
            forward(vector, true);
            forward(vector, false);
            compare("forward", false);
            inverse(vector, true);
            inverse(vector, false);
            compare("inverse", true);
        }

        private void compare(String what, boolean toOriginal) {
            for (int l = 0; l < tables.length; l++) {
                int[] v = poly.limbToArray(l);
                if (!Arrays.equals(v, arrays[l])) {
                    throw new IllegalStateException(what + " NTT: vector and scalar results differ on limb " + l
                            + " (q = " + basis.prime(l) + ")");
                }
                if (toOriginal && !Arrays.equals(v, original[l])) {
                    throw new IllegalStateException("inverse(forward(a)) != a on limb " + l + " (q = "
                            + basis.prime(l) + ")");
                }
            }
        }

        @Override
        public void close() {
            poly.close();
        }
    }

    /** "µ" where standard output can encode it, else "u". */
    static String micro() {
        String enc = System.getProperty("stdout.encoding");
        try {
            return enc != null && Charset.forName(enc).newEncoder().canEncode('µ') ? "µ" : "u";
        } catch (RuntimeException e) {
            return "u";
        }
    }

    /** The CPU's model name from /proc/cpuinfo, else the OS architecture. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }
}
