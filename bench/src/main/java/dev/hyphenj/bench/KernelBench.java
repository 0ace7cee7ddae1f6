package dev.hyphenj.bench;

import dev.hyphenj.ntt.Automorphism;
import dev.hyphenj.ntt.BaseConverter;
import dev.hyphenj.ntt.Kernels;
import dev.hyphenj.ntt.ModArith;
import dev.hyphenj.ntt.Modulus;
import dev.hyphenj.ntt.Primes;
import dev.hyphenj.ntt.ScalarKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
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
 * The element-wise kernels of key switching at N = 2^logN, one thread, vector (off-heap limbs) against scalar (the
 * same algorithm on int[] arrays):
 * <ul>
 *   <li>{@code automorphism}: X -> X^5 on one NTT-domain limb (an index permutation);</li>
 *   <li>{@code multiplyAccumulate}: acc += a * w mod q on one limb, w fixed with its Shoup companion;</li>
 *   <li>{@code baseConvert}: fast base conversion of 16 limbs to 8 other primes.</li>
 * </ul>
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
public class KernelBench {
    static final int FROM_LIMBS = 16;
    static final int TO_LIMBS = 8;

    @Param({"vector", "scalar"})
    public String impl;

    @Param({"16"})
    public int logN;

    private boolean vector;
    private Kernels kernels;
    private int n;
    private Modulus modulus;
    private int[] index;
    private BaseConverter converter;
    private final Arena arena = Arena.ofShared();
    private MemorySegment a;
    private MemorySegment w;
    private MemorySegment ws;
    private MemorySegment acc;
    private MemorySegment[] from;
    private MemorySegment[] to;
    private int[] aArr;
    private int[] wArr;
    private int[] wsArr;
    private int[] accArr;
    private int[] fromArr;
    private int[] toArr;

    @Setup(Level.Trial)
    public void setUp() {
        vector = switch (impl) {
            case "vector" -> true;
            case "scalar" -> false;
            default -> throw new IllegalArgumentException("impl must be vector or scalar, got " + impl);
        };
        kernels = vector ? Kernels.vector() : Kernels.scalar();
        n = 1 << logN;
        long[] primes = Primes.below(30, n, FROM_LIMBS + TO_LIMBS);
        long q = primes[0];
        modulus = Modulus.of(q);
        index = Automorphism.nttIndex(n, 5);
        converter = new BaseConverter(Arrays.copyOfRange(primes, 0, FROM_LIMBS),
                Arrays.copyOfRange(primes, FROM_LIMBS, FROM_LIMBS + TO_LIMBS));
        SplittableRandom rnd = new SplittableRandom(7);
        aArr = random(rnd, n, q);
        wArr = random(rnd, n, q);
        wsArr = new int[n];
        for (int i = 0; i < n; i++) {
            wsArr[i] = ModArith.shoup(wArr[i], q);
        }
        accArr = random(rnd, n, q);
        fromArr = new int[FROM_LIMBS * n];
        for (int l = 0; l < FROM_LIMBS; l++) {
            System.arraycopy(random(rnd, n, primes[l]), 0, fromArr, l * n, n);
        }
        toArr = new int[TO_LIMBS * n];
        a = copy(aArr);
        w = copy(wArr);
        ws = copy(wsArr);
        acc = copy(accArr);
        from = limbs(copy(fromArr));
        to = limbs(copy(toArr));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void automorphism() {
        if (vector) {
            kernels.automorphismNtt(a, 5, acc);
        } else {
            ScalarKernels.permute(aArr, index, accArr);
        }
    }

    @Benchmark
    public void multiplyAccumulate() {
        if (vector) {
            kernels.mulAddShoup(a, w, ws, acc, modulus);
        } else {
            ScalarKernels.mulAddShoup(aArr, wArr, wsArr, accArr, modulus);
        }
    }

    @Benchmark
    public void baseConvert() {
        if (vector) {
            kernels.baseConvert(converter, from, to, n);
        } else {
            ScalarKernels.baseConvert(converter, fromArr, toArr, n);
        }
    }

    /** The limbs of n ints of a limb-major segment. */
    private MemorySegment[] limbs(MemorySegment s) {
        MemorySegment[] limbs = new MemorySegment[(int) (s.byteSize() / (4L * n))];
        for (int i = 0; i < limbs.length; i++) {
            limbs[i] = s.asSlice(4L * n * i, 4L * n);
        }
        return limbs;
    }

    private MemorySegment copy(int[] values) {
        MemorySegment s = arena.allocate((long) values.length * Integer.BYTES, 64);
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_INT, 0, values.length);
        return s;
    }

    private static int[] random(SplittableRandom rnd, int n, long bound) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = (int) rnd.nextLong(bound);
        }
        return r;
    }
}
