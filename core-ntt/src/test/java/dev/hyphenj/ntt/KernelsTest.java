package dev.hyphenj.ntt;

import static dev.hyphenj.ntt.TestData.filled;
import static dev.hyphenj.ntt.TestData.random;
import static dev.hyphenj.ntt.TestData.randomPermutation;
import static dev.hyphenj.ntt.TestData.segment;
import static dev.hyphenj.ntt.TestData.shoupReference;
import static dev.hyphenj.ntt.TestData.toArray;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.IntToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every element-wise kernel, vector and scalar, against a reference computed here with long arithmetic: both must
 * equal it (and so each other, bit for bit), with a fresh output and with the output aliasing an input. N = 16 is
 * below the vector kernels' minimum and exercises their scalar fallback. Base conversion and the NTT have their own
 * tests.
 */
class KernelsTest {
    private static final Kernels VECTOR = Kernels.vector();
    private static final Kernels SCALAR = Kernels.scalar();
    /** Output index meaning "a fresh output segment" rather than one of the inputs. */
    private static final int FRESH = -1;
    /** What a fresh output holds before the kernel runs, so that an element left unwritten shows. */
    private static final int GARBAGE = 0xDEAD_BEEF;

    /**
     * Primes just below 2^30 and 2^25, and 536903681 = 2^29 + 2^15 + 1, just above a power of two, where Barrett's
     * quotient estimate is two short for about 0.3% of random operand pairs (so that the second correction is exercised).
     */
    static Stream<Arguments> limbs() {
        long[] primes = {Primes.below(30, 8192, 1)[0], Primes.below(25, 8192, 1)[0], 536_903_681};
        return Stream.of(16, 64, 1024, 8192).flatMap(n -> Arrays.stream(primes).mapToObj(q -> Arguments.of(n, q)));
    }

    /** A kernel call on input segments {@code in}, writing {@code out}. */
    @FunctionalInterface
    private interface KernelOp {
        void run(Kernels k, MemorySegment[] in, MemorySegment out);
    }

    // ------------------------------------------------------------------------------------------ harness

    /** Residue vectors in [0, q): two random, zeros, all q - 1, and a cycle of edge values 0, 1, 2, q/2, q-2, q-1. */
    private static List<int[]> samples(int n, long q) {
        SplittableRandom rnd = new SplittableRandom(n * 31L + q);
        int[] cycle = {0, 1, 2, (int) (q / 2), (int) (q - 2), (int) (q - 1), 0};
        int[] edges = new int[n];
        for (int i = 0; i < n; i++) {
            edges[i] = cycle[i % cycle.length];
        }
        return List.of(random(rnd, n, q), random(rnd, n, q), new int[n], filled(n, (int) (q - 1)), edges);
    }

    /** Every ordered pair of samples. */
    private static void forEachPair(int n, long q, BiConsumer<int[], int[]> test) {
        List<int[]> samples = samples(n, q);
        for (int[] a : samples) {
            for (int[] b : samples) {
                test.accept(a, b);
            }
        }
    }

    private static int[] elementwise(int n, IntToLongFunction f) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = Math.toIntExact(f.applyAsLong(i));
        }
        return r;
    }

    /**
     * Runs op with kernels k on segment copies of the inputs. The output is a fresh segment filled with garbage, or
     * input number outIndex. Returns the output; asserts that the other inputs are left unchanged.
     */
    private static int[] run(String what, Kernels k, KernelOp op, int outIndex, int[]... inputs) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] in = new MemorySegment[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                in[i] = segment(arena, inputs[i]);
            }
            MemorySegment out = outIndex == FRESH ? segment(arena, filled(inputs[0].length, GARBAGE)) : in[outIndex];
            op.run(k, in, out);
            for (int i = 0; i < inputs.length; i++) {
                if (i != outIndex) {
                    assertArrayEquals(inputs[i], toArray(in[i]), what + ": " + k.name() + " changed input " + i);
                }
            }
            return toArray(out);
        }
    }

    /** Runs op with the vector and the scalar kernels; both must give exactly {@code expected}. */
    private static void check(String what, int[] expected, KernelOp op, int outIndex, int[]... inputs) {
        int[] vector = run(what, VECTOR, op, outIndex, inputs);
        int[] scalar = run(what, SCALAR, op, outIndex, inputs);
        assertArrayEquals(expected, scalar, what + ": scalar kernels");
        assertArrayEquals(expected, vector, what + ": " + VECTOR.name() + " kernels");
        assertArrayEquals(scalar, vector, what + ": vector and scalar differ");
    }

    private static String describe(String op, int n, long q) {
        return op + " (N = " + n + ", q = " + q + ")";
    }

    // ------------------------------------------------------------------------------------------ add, sub, negate

    @ParameterizedTest(name = "N = {0}, q = {1}")
    @MethodSource("limbs")
    void add(int n, long q) {
        Modulus m = Modulus.of(q);
        KernelOp op = (k, in, out) -> k.add(in[0], in[1], out, m);
        forEachPair(n, q, (a, b) -> {
            int[] expected = elementwise(n, i -> ((long) a[i] + b[i]) % q);
            check(describe("add", n, q), expected, op, FRESH, a, b);
            check(describe("add, out = a", n, q), expected, op, 0, a, b);
            check(describe("add, out = b", n, q), expected, op, 1, a, b);
        });
    }

    @ParameterizedTest(name = "N = {0}, q = {1}")
    @MethodSource("limbs")
    void sub(int n, long q) {
        Modulus m = Modulus.of(q);
        KernelOp op = (k, in, out) -> k.sub(in[0], in[1], out, m);
        forEachPair(n, q, (a, b) -> {
            int[] expected = elementwise(n, i -> Math.floorMod((long) a[i] - b[i], q));
            check(describe("sub", n, q), expected, op, FRESH, a, b);
            check(describe("sub, out = a", n, q), expected, op, 0, a, b);
            check(describe("sub, out = b", n, q), expected, op, 1, a, b);
        });
    }

    @ParameterizedTest(name = "N = {0}, q = {1}")
    @MethodSource("limbs")
    void negate(int n, long q) {
        Modulus m = Modulus.of(q);
        KernelOp op = (k, in, out) -> k.negate(in[0], out, m);
        for (int[] a : samples(n, q)) {
            int[] expected = elementwise(n, i -> Math.floorMod(-(long) a[i], q));
            check(describe("negate", n, q), expected, op, FRESH, a);
            check(describe("negate, out = a", n, q), expected, op, 0, a);
        }
    }

    // ------------------------------------------------------------------------------------------ Barrett products

    @ParameterizedTest(name = "N = {0}, q = {1}")
    @MethodSource("limbs")
    void mul(int n, long q) {
        Modulus m = Modulus.of(q);
        KernelOp op = (k, in, out) -> k.mul(in[0], in[1], out, m);
        forEachPair(n, q, (a, b) -> {
            int[] expected = elementwise(n, i -> (long) a[i] * b[i] % q);
            check(describe("mul", n, q), expected, op, FRESH, a, b);
            check(describe("mul, out = a", n, q), expected, op, 0, a, b);
            check(describe("mul, out = b", n, q), expected, op, 1, a, b);
        });
    }

    @ParameterizedTest(name = "N = {0}, q = {1}")
    @MethodSource("limbs")
    void mulAdd(int n, long q) {
        Modulus m = Modulus.of(q);
        KernelOp op = (k, in, out) -> k.mulAdd(in[0], in[1], out, m);
        forEachPair(n, q, (a, b) -> {
            for (int[] acc : samples(n, q)) {
                int[] expected = elementwise(n, i -> (acc[i] + (long) a[i] * b[i]) % q);
                check(describe("mulAdd", n, q), expected, op, 2, a, b, acc);
            }
            check(describe("mulAdd, acc = a", n, q), elementwise(n, i -> (a[i] + (long) a[i] * b[i]) % q), op, 0, a, b);
            check(describe("mulAdd, acc = b", n, q), elementwise(n, i -> (b[i] + (long) a[i] * b[i]) % q), op, 1, a, b);
        });
    }

    // ------------------------------------------------------------------------------------------ Shoup products

    @ParameterizedTest(name = "N = {0}, q = {1}")
    @MethodSource("limbs")
    void mulShoup(int n, long q) {
        Modulus m = Modulus.of(q);
        KernelOp op = (k, in, out) -> k.mulShoup(in[0], in[1], in[2], out, m);
        forEachPair(n, q, (a, w) -> {
            int[] ws = shoupReference(w, q);
            int[] expected = elementwise(n, i -> (long) a[i] * w[i] % q);
            check(describe("mulShoup", n, q), expected, op, FRESH, a, w, ws);
            check(describe("mulShoup, out = a", n, q), expected, op, 0, a, w, ws);
        });
    }

    @ParameterizedTest(name = "N = {0}, q = {1}")
    @MethodSource("limbs")
    void mulAddShoup(int n, long q) {
        Modulus m = Modulus.of(q);
        KernelOp op = (k, in, out) -> k.mulAddShoup(in[0], in[1], in[2], out, m);
        forEachPair(n, q, (a, w) -> {
            int[] ws = shoupReference(w, q);
            for (int[] acc : samples(n, q)) {
                int[] expected = elementwise(n, i -> (acc[i] + (long) a[i] * w[i]) % q);
                check(describe("mulAddShoup", n, q), expected, op, 3, a, w, ws, acc);
            }
            int[] expected = elementwise(n, i -> (a[i] + (long) a[i] * w[i]) % q);
            check(describe("mulAddShoup, acc = a", n, q), expected, op, 0, a, w, ws);
        });
    }

    @ParameterizedTest(name = "N = {0}, q = {1}")
    @MethodSource("limbs")
    void mulScalar(int n, long q) {
        Modulus m = Modulus.of(q);
        long[] constants = {0, 1, 2, q / 2, q - 2, q - 1, new SplittableRandom(q).nextLong(q)};
        for (long c : constants) {
            KernelOp op = (k, in, out) -> k.mulScalar(in[0], (int) c, out, m);
            for (int[] a : samples(n, q)) {
                int[] expected = elementwise(n, i -> a[i] * c % q);
                check(describe("mulScalar by " + c, n, q), expected, op, FRESH, a);
                check(describe("mulScalar by " + c + ", out = a", n, q), expected, op, 0, a);
            }
        }
    }

    @ParameterizedTest(name = "N = {0}, q = {1}")
    @MethodSource("limbs")
    void addScalar(int n, long q) {
        Modulus m = Modulus.of(q);
        long[] constants = {0, 1, 2, q / 2, q - 2, q - 1, new SplittableRandom(q).nextLong(q)};
        for (long c : constants) {
            KernelOp op = (k, in, out) -> k.addScalar(in[0], (int) c, out, m);
            for (int[] a : samples(n, q)) {
                int[] expected = elementwise(n, i -> (a[i] + c) % q);
                check(describe("addScalar " + c, n, q), expected, op, FRESH, a);
                check(describe("addScalar " + c + ", out = a", n, q), expected, op, 0, a);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ permutations

    /**
     * Where X -> X^k takes its output i from in the bit-reversed NTT domain: position j holds a(psi^(2 brv(j) + 1)),
     * so output i, a(psi^((2 brv(i) + 1) k)), is input brv(((2 brv(i) + 1) k mod 2N - 1) / 2).
     */
    static int[] nttAutomorphismSource(int n, int k) {
        int bits = Integer.numberOfTrailingZeros(n);
        int[] source = new int[n];
        for (int i = 0; i < n; i++) {
            long exponent = (2L * bitReverse(i, bits) + 1) * k % (2L * n);
            source[i] = bitReverse((int) (exponent - 1) / 2, bits);
        }
        return source;
    }

    private static int bitReverse(int x, int bits) {
        int r = 0;
        for (int b = 0; b < bits; b++) {
            r = (r << 1) | ((x >> b) & 1);
        }
        return r;
    }

    /** Odd exponents: the identity, small ones, powers of 5 (the rotations) and 2N - 1 (conjugation). */
    static int[] automorphismExponents(int n) {
        int twoN = 2 * n;
        return new int[] {1, 3, 5, 25, 125 % twoN, TestData.big(5).modPow(TestData.big(n / 2 - 1), TestData.big(twoN)).intValueExact(), twoN - 5, twoN - 1};
    }

    @ParameterizedTest(name = "N = {0}, q = {1}")
    @MethodSource("limbs")
    void automorphismNtt(int n, long q) {
        for (int k : automorphismExponents(n)) {
            int[] source = nttAutomorphismSource(n, k);
            KernelOp op = (kernels, in, out) -> kernels.automorphismNtt(in[0], k, out);
            for (int[] a : samples(n, q)) {
                int[] expected = elementwise(n, i -> a[source[i]]);
                check(describe("automorphismNtt k = " + k, n, q), expected, op, FRESH, a);
                check(describe("automorphismNtt k = " + k + ", out = a", n, q), expected, op, 0, a);
            }
        }
    }

    /** Identity, reversal and a random permutation. */
    private static List<int[]> permutations(int n) {
        int[] identity = new int[n], reversal = new int[n];
        for (int i = 0; i < n; i++) {
            identity[i] = i;
            reversal[i] = n - 1 - i;
        }
        return List.of(identity, reversal, randomPermutation(new SplittableRandom(n), n));
    }

    @ParameterizedTest(name = "N = {0}, q = {1}")
    @MethodSource("limbs")
    void permuteNegate(int n, long q) {
        Modulus m = Modulus.of(q);
        SplittableRandom rnd = new SplittableRandom(q + n);
        List<int[]> masks = new ArrayList<>(List.of(new int[n], filled(n, -1)));
        masks.add(elementwise(n, i -> -rnd.nextInt(2)));
        for (int[] index : permutations(n)) {
            for (int[] negate : masks) {
                KernelOp op = (k, in, out) -> k.permuteNegate(in[0], index, negate, out, m);
                for (int[] a : samples(n, q)) {
                    int[] expected = elementwise(n, i -> negate[i] == 0 ? a[index[i]] : Math.floorMod(-(long) a[index[i]], q));
                    check(describe("permuteNegate", n, q), expected, op, FRESH, a);
                    check(describe("permuteNegate, out = a", n, q), expected, op, 0, a);
                }
            }
        }
    }
}
