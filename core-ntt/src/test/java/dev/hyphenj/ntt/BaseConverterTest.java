package dev.hyphenj.ntt;

import static dev.hyphenj.ntt.TestData.big;
import static dev.hyphenj.ntt.TestData.segment;
import static dev.hyphenj.ntt.TestData.toArray;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntBinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fast base conversion against BigInteger: for x with residues x_i modulo q_0..q_{k-1} (product Q), output j must be
 * S mod p_j for S = sum_i [x_i (Q/q_i)^-1 mod q_i] (Q/q_i), which is x + u Q with 0 <= u < k, x found by CRT.
 * Source counts 1..33 cross the kernels' reduction of their 64-bit accumulators every 16 terms.
 */
class BaseConverterTest {
    private static final int N = 1 << 10;
    /** 41 distinct primes just below 2^30: the largest residues and constants, the worst case for the accumulators. */
    private static final long[] PRIMES = Primes.below(30, N, 41);

    static Stream<Arguments> sizes() {
        return Stream.of(1, 2, 5, 16, 17, 33).flatMap(k -> Stream.of(1, 4, 8).map(m -> Arguments.of(k, m)));
    }

    // ------------------------------------------------------------------------------------------ reference

    /** CRT constants of a source basis, computed once with BigInteger. */
    private record Basis(long[] q, BigInteger product, BigInteger[] hat, BigInteger[] hatInv, BigInteger[] radix,
            BigInteger[] radixInv) {
        static Basis of(long[] q) {
            int k = q.length;
            BigInteger product = Arrays.stream(q).mapToObj(BigInteger::valueOf).reduce(BigInteger.ONE, BigInteger::multiply);
            BigInteger[] hat = new BigInteger[k], hatInv = new BigInteger[k], radix = new BigInteger[k], radixInv = new BigInteger[k];
            BigInteger r = BigInteger.ONE;
            for (int i = 0; i < k; i++) {
                BigInteger qi = big(q[i]);
                hat[i] = product.divide(qi);
                hatInv[i] = hat[i].modInverse(qi);
                radix[i] = r;
                radixInv[i] = r.modInverse(qi);
                r = r.multiply(qi);
            }
            return new Basis(q, product, hat, hatInv, radix, radixInv);
        }

        /** The exact sum S = sum_i [x_i (Q/q_i)^-1 mod q_i] (Q/q_i) that the fast conversion reduces modulo each target. */
        BigInteger fastSum(int[] x) {
            BigInteger s = BigInteger.ZERO;
            for (int i = 0; i < q.length; i++) {
                s = s.add(big(x[i]).multiply(hatInv[i]).mod(big(q[i])).multiply(hat[i]));
            }
            return s;
        }

        /** x in [0, Q) with x = x_i mod q_i, by Garner's mixed-radix recombination (not the formula above). */
        BigInteger crt(int[] x) {
            BigInteger value = BigInteger.ZERO;
            for (int i = 0; i < q.length; i++) {
                BigInteger digit = big(x[i]).subtract(value).multiply(radixInv[i]).mod(big(q[i]));
                value = value.add(radix[i].multiply(digit));
            }
            return value;
        }
    }

    /**
     * The expected output limbs (limb-major) for the input limbs {@code in}; checks along the way that S - x is u Q
     * with an integer 0 <= u < k.
     */
    private static int[] expected(long[] from, long[] to, int[] in, int n) {
        Basis basis = Basis.of(from);
        int[] out = new int[to.length * n];
        int[] x = new int[from.length];
        for (int c = 0; c < n; c++) {
            for (int i = 0; i < from.length; i++) {
                x[i] = in[i * n + c];
            }
            BigInteger value = basis.crt(x), s = basis.fastSum(x);
            for (int i = 0; i < from.length; i++) {
                assertEquals(big(x[i]), value.mod(big(from[i])), "CRT reference, residue " + i);
            }
            BigInteger[] u = s.subtract(value).divideAndRemainder(basis.product());
            int coefficient = c;
            assertEquals(BigInteger.ZERO, u[1], () -> "S - x is not a multiple of Q at coefficient " + coefficient);
            assertTrue(u[0].signum() >= 0 && u[0].compareTo(big(from.length)) < 0,
                    () -> "u = " + u[0] + " is outside [0, " + from.length + ") at coefficient " + coefficient);
            for (int j = 0; j < to.length; j++) {
                out[j * n + c] = s.mod(big(to[j])).intValueExact();
            }
        }
        return out;
    }

    /** Input limbs (limb-major) with residue {@code value(i, c)} for limb i, coefficient c. */
    private static int[] limbs(int k, int n, IntBinaryOperator value) {
        int[] in = new int[k * n];
        for (int i = 0; i < k; i++) {
            for (int c = 0; c < n; c++) {
                in[i * n + c] = value.applyAsInt(i, c);
            }
        }
        return in;
    }

    /** The limbs of n ints each of a limb-major segment. */
    private static MemorySegment[] limbs(MemorySegment s, int n) {
        MemorySegment[] limbs = new MemorySegment[(int) (s.byteSize() / (4L * n))];
        for (int i = 0; i < limbs.length; i++) {
            limbs[i] = s.asSlice(4L * n * i, 4L * n);
        }
        return limbs;
    }

    /** bc.convert on copies of in (in a shared arena: large conversions run on several threads). */
    private static int[] convert(Kernels kernels, BaseConverter bc, int[] in, int n) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment src = segment(arena, in);
            MemorySegment out = segment(arena, TestData.filled(bc.targetCount() * n, 0xDEAD_BEEF));
            bc.convert(kernels, limbs(src, n), limbs(out, n), n);
            assertArrayEquals(in, toArray(src), kernels.name() + " changed its input");
            return toArray(out);
        }
    }

    /** Vector and scalar conversions both equal the BigInteger reference, and each other bit for bit. */
    private static void assertConversion(long[] from, long[] to, int[] in, int n, String what) {
        BaseConverter bc = new BaseConverter(from, to);
        int[] expected = expected(from, to, in, n);
        int[] scalar = convert(Kernels.scalar(), bc, in, n);
        int[] vector = convert(Kernels.vector(), bc, in, n);
        assertArrayEquals(expected, scalar, what + ": scalar");
        assertArrayEquals(expected, vector, what + ": vector");
        assertArrayEquals(scalar, vector, what + ": vector and scalar differ");
    }

    // ------------------------------------------------------------------------------------------ conversions

    @ParameterizedTest(name = "{0} source primes to {1} targets")
    @MethodSource("sizes")
    void randomResidues(int k, int m) {
        long[] from = Arrays.copyOfRange(PRIMES, 0, k), to = Arrays.copyOfRange(PRIMES, PRIMES.length - m, PRIMES.length);
        SplittableRandom rnd = new SplittableRandom(k * 100L + m);
        int[] in = limbs(k, N, (i, c) -> (int) rnd.nextLong(from[i]));
        assertConversion(from, to, in, N, k + " -> " + m + ", random residues");
    }

    @ParameterizedTest(name = "{0} source primes to {1} targets")
    @MethodSource("sizes")
    void largestResidues(int k, int m) {
        long[] from = Arrays.copyOfRange(PRIMES, 0, k), to = Arrays.copyOfRange(PRIMES, PRIMES.length - m, PRIMES.length);
        assertConversion(from, to, limbs(k, N, (i, c) -> (int) from[i] - 1), N, k + " -> " + m + ", all q_i - 1");
    }

    /**
     * x_i = -(Q/q_i) mod q_i makes every y_i = [x_i (Q/q_i)^-1]_{q_i} = q_i - 1, the largest term: the kernels'
     * 64-bit accumulators come closest to overflowing.
     */
    @ParameterizedTest(name = "{0} source primes to {1} targets")
    @MethodSource("sizes")
    void largestTerms(int k, int m) {
        long[] from = Arrays.copyOfRange(PRIMES, 0, k), to = Arrays.copyOfRange(PRIMES, PRIMES.length - m, PRIMES.length);
        Basis basis = Basis.of(from);
        int[] x = new int[k];
        for (int i = 0; i < k; i++) {
            x[i] = basis.hat()[i].negate().mod(big(from[i])).intValueExact();
        }
        assertConversion(from, to, limbs(k, 64, (i, c) -> x[i]), 64, k + " -> " + m + ", all y_i = q_i - 1");
    }

    /** The exact converter returns the centered representative of x modulo each target, vector and scalar alike. */
    @ParameterizedTest(name = "exact, {0} source primes")
    @ValueSource(ints = {1, 3, 11, 16, 31})
    void exactConversionGivesTheCenteredValue(int k) {
        long[] from = Arrays.copyOfRange(PRIMES, 0, k), to = Arrays.copyOfRange(PRIMES, k, k + 8);
        SplittableRandom rnd = new SplittableRandom(k);
        int[] in = limbs(k, N, (i, c) -> (int) rnd.nextLong(from[i]));
        in[0] = 0; // x = 0 (every limb's first coefficient)
        for (int i = 0; i < k; i++) {
            in[i * N + 1] = (int) from[i] - 1; // x = -1
        }
        Basis basis = Basis.of(from);
        BigInteger half = basis.product().shiftRight(1);
        int[] expected = new int[to.length * N], x = new int[k];
        for (int c = 0; c < N; c++) {
            for (int i = 0; i < k; i++) {
                x[i] = in[i * N + c];
            }
            BigInteger v = basis.crt(x);
            BigInteger centered = v.compareTo(half) >= 0 ? v.subtract(basis.product()) : v;
            for (int j = 0; j < to.length; j++) {
                expected[j * N + c] = centered.mod(big(to[j])).intValueExact();
            }
        }
        BaseConverter bc = BaseConverter.exact(from, to);
        assertTrue(bc.isExact());
        assertArrayEquals(expected, convert(Kernels.scalar(), bc, in, N), "scalar");
        assertArrayEquals(expected, convert(Kernels.vector(), bc, in, N), "vector");
    }

    /**
     * A conversion split into coefficient ranges (as {@link BaseConverter#convert} splits large ones over threads)
     * gives the whole conversion's residues, and a range leaves the coefficients outside it untouched: 1, 2 and 3
     * threads at N = 2^13, vector and scalar, against the BigInteger reference.
     */
    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2, 3})
    void rangesOnThreadsGiveTheWholeConversion(int threads) {
        int n = 1 << 13;
        long[] from = Arrays.copyOfRange(PRIMES, 0, 11), to = Arrays.copyOfRange(PRIMES, 11, 19);
        SplittableRandom rnd = new SplittableRandom(threads);
        int[] in = limbs(from.length, n, (i, c) -> (int) rnd.nextLong(from[i]));
        String saved = System.getProperty(Parallel.PROPERTY);
        System.setProperty(Parallel.PROPERTY, String.valueOf(threads));
        try {
            BaseConverter bc = new BaseConverter(from, to);
            int[] scalar = convert(Kernels.scalar(), bc, in, n);
            assertArrayEquals(scalar, convert(Kernels.vector(), bc, in, n), "vector and scalar differ");
            assertArrayEquals(expected(from, to, in, n), scalar, "against BigInteger");
        } finally {
            if (saved == null) {
                System.clearProperty(Parallel.PROPERTY);
            } else {
                System.setProperty(Parallel.PROPERTY, saved);
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            BaseConverter bc = new BaseConverter(from, to);
            for (Kernels kernels : new Kernels[] {Kernels.scalar(), Kernels.vector()}) {
                MemorySegment out = segment(arena, TestData.filled(to.length * n, 7));
                kernels.baseConvert(bc, limbs(segment(arena, in), n), limbs(out, n), n, 64, 192);
                int[] got = toArray(out), whole = convert(kernels, bc, in, n);
                for (int j = 0; j < to.length; j++) {
                    for (int c = 0; c < n; c++) {
                        int want = c >= 64 && c < 192 ? whole[j * n + c] : 7;
                        assertEquals(want, got[j * n + c], kernels.name() + ": target " + j + ", coefficient " + c);
                    }
                }
            }
        }
    }

    @Test
    void zerosAndEdgeResidues() {
        long[] from = Arrays.copyOfRange(PRIMES, 0, 17), to = Arrays.copyOfRange(PRIMES, 33, 41);
        assertConversion(from, to, new int[17 * 64], 64, "zeros");
        int[] edges = {0, 1, 2};
        assertConversion(from, to, limbs(17, 64, (i, c) -> c % 4 == 3 ? (int) from[i] - 1 : edges[(c + i) % 3]), 64,
                "0, 1, 2 and q_i - 1");
    }

    @Test
    void smallRingUsesTheScalarFallback() {
        long[] from = Arrays.copyOfRange(PRIMES, 0, 17), to = Arrays.copyOfRange(PRIMES, 17, 21);
        SplittableRandom rnd = new SplittableRandom(16);
        assertConversion(from, to, limbs(17, 16, (i, c) -> (int) rnd.nextLong(from[i])), 16, "N = 16");
    }

    @Test
    void mixedSizesAndTinyTargets() {
        long[] from = {PRIMES[0], Primes.below(20, N, 1)[0], 12289, PRIMES[1], 40961};
        long[] to = {3, 17, 97, 786433, PRIMES[2], (1L << 30) - 1}; // any odd moduli work as targets
        SplittableRandom rnd = new SplittableRandom(5);
        assertConversion(from, to, limbs(from.length, N, (i, c) -> (int) rnd.nextLong(from[i])), N, "mixed sizes");
    }

    @Test
    void countsAreReported() {
        BaseConverter bc = new BaseConverter(Arrays.copyOfRange(PRIMES, 0, 5), Arrays.copyOfRange(PRIMES, 5, 8));
        assertEquals(5, bc.sourceCount());
        assertEquals(3, bc.targetCount());
    }

    // ------------------------------------------------------------------------------------------ bad arguments

    @Test
    void repeatedPrimesAreRejected() {
        long a = PRIMES[0], b = PRIMES[1], c = PRIMES[2];
        assertEquals("base conversion primes must be distinct; " + a + " repeats",
                assertThrows(IllegalArgumentException.class, () -> new BaseConverter(new long[] {a, b, a}, new long[] {c}))
                        .getMessage());
        assertEquals("base conversion primes must be distinct; " + c + " repeats",
                assertThrows(IllegalArgumentException.class, () -> new BaseConverter(new long[] {a, c}, new long[] {b, c}))
                        .getMessage(), "a prime in both lists");
        assertEquals("base conversion primes must be distinct; " + b + " repeats",
                assertThrows(IllegalArgumentException.class, () -> new BaseConverter(new long[] {a}, new long[] {b, b}))
                        .getMessage());
    }

    @Test
    void emptyListsAreRejected() {
        String message = "base conversion needs at least one source and one target prime";
        assertEquals(message, assertThrows(IllegalArgumentException.class,
                () -> new BaseConverter(new long[0], new long[] {PRIMES[0]})).getMessage());
        assertEquals(message, assertThrows(IllegalArgumentException.class,
                () -> new BaseConverter(new long[] {PRIMES[0]}, new long[0])).getMessage());
    }

    @Test
    void invalidModuliAreRejected() {
        assertEquals("modulus 1073741824 must be odd and in (2, 2^30)", assertThrows(IllegalArgumentException.class,
                () -> new BaseConverter(new long[] {PRIMES[0]}, new long[] {1L << 30})).getMessage());
    }

    @Test
    void wrongLimbCountsAndSizesAreRejected() {
        BaseConverter bc = new BaseConverter(Arrays.copyOfRange(PRIMES, 0, 2), new long[] {PRIMES[2]});
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment twoLimbs = arena.allocate(2 * 64 * 4, 64), oneLimb = arena.allocate(64 * 4, 64);
            MemorySegment[] two = limbs(twoLimbs, 64), one = limbs(oneLimb, 64);
            for (Kernels kernels : new Kernels[] {Kernels.vector(), Kernels.scalar()}) {
                assertEquals("base conversion of 2 to 1 limbs of N = 64 got 1 and 1 limbs, or limbs of another size"
                        + " than 256 bytes",
                        assertThrows(IllegalArgumentException.class, () -> bc.convert(kernels, one, one, 64)).getMessage());
                assertEquals("base conversion of 2 to 1 limbs of N = 64 got 2 and 2 limbs, or limbs of another size"
                        + " than 256 bytes",
                        assertThrows(IllegalArgumentException.class, () -> bc.convert(kernels, two, two, 64)).getMessage());
                assertEquals("base conversion of 2 to 1 limbs of N = 32 got 2 and 1 limbs, or limbs of another size"
                        + " than 128 bytes",
                        assertThrows(IllegalArgumentException.class, () -> bc.convert(kernels, two, one, 32)).getMessage());
            }
        }
    }
}
