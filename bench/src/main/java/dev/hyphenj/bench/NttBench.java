package dev.hyphenj.bench;

import dev.hyphenj.ntt.Kernels;
import dev.hyphenj.ntt.NttTables;
import dev.hyphenj.ntt.Primes;
import dev.hyphenj.ntt.ScalarKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Forward and inverse negacyclic NTT over {@code limbs} RNS limbs of N = 2^logN, one thread. {@code vector} runs the
 * Vector API kernels on off-heap limbs; {@code scalar} runs the same algorithm in plain Java on int[] arrays.
 *
 * <p>The forks run with {@code -XX:-UseSuperWord}: otherwise C2 auto-vectorizes the plain-Java loops of the
 * reference (the multiply-accumulate ran in 21 us instead of 118 us), and the ratio would compare hand-written
 * against automatic vectorization instead of vector against scalar. The Vector API kernels do not depend on it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"},
        jvmArgsAppend = {"-XX:-UseSuperWord", "-Xms1g", "-Xmx1g"})
public class NttBench {
    @Param({"vector", "scalar"})
    public String impl;

    @Param({"16"})
    public int logN;

    @Param({"1", "32"})
    public int limbs;

    private Limbs data;

    @Setup(Level.Trial)
    public void setUp() {
        data = new Limbs(impl, logN, limbs, 30);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        data.close();
    }

    @Benchmark
    public void forward() {
        data.forward();
    }

    @Benchmark
    public void inverse() {
        data.inverse();
    }

    /** Random limbs for one benchmark, in the representation its implementation works on. */
    static final class Limbs implements AutoCloseable {
        final boolean vector;
        final int n;
        final NttTables[] tables;
        final Arena arena = Arena.ofShared();
        final MemorySegment[] segments;
        final int[][] arrays;
        final Kernels kernels;

        Limbs(String impl, int logN, int limbs, int bits) {
            vector = switch (impl) {
                case "vector" -> true;
                case "scalar" -> false;
                default -> throw new IllegalArgumentException("impl must be vector or scalar, got " + impl);
            };
            kernels = vector ? Kernels.vector() : Kernels.scalar();
            n = 1 << logN;
            long[] primes = Primes.below(bits, n, limbs);
            tables = new NttTables[limbs];
            segments = new MemorySegment[limbs];
            arrays = new int[limbs][];
            SplittableRandom rnd = new SplittableRandom(42);
            for (int i = 0; i < limbs; i++) {
                tables[i] = NttTables.of(n, primes[i]);
                arrays[i] = new int[n];
                for (int j = 0; j < n; j++) {
                    arrays[i][j] = (int) rnd.nextLong(primes[i]);
                }
                segments[i] = arena.allocate((long) n * Integer.BYTES, 64);
                MemorySegment.copy(arrays[i], 0, segments[i], ValueLayout.JAVA_INT, 0, n);
            }
        }

        void forward() {
            for (int i = 0; i < tables.length; i++) {
                if (vector) {
                    kernels.forwardNtt(segments[i], tables[i]);
                } else {
                    ScalarKernels.forwardNtt(arrays[i], tables[i]);
                }
            }
        }

        void inverse() {
            for (int i = 0; i < tables.length; i++) {
                if (vector) {
                    kernels.inverseNtt(segments[i], tables[i]);
                } else {
                    ScalarKernels.inverseNtt(arrays[i], tables[i]);
                }
            }
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
