package dev.hyphenj.ntt;

import static dev.hyphenj.ntt.TestData.random;
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
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The automorphisms X -> X^k against direct substitution a(X^k) mod X^N + 1, computed here with long arithmetic. */
class AutomorphismTest {
    private static final int N = 1 << 10;
    private static final RnsBasis BASIS = RnsBasis.of(N, Primes.below(30, N, 1)[0], Primes.below(25, N, 1)[0]);

    private final LimbAllocator allocator = new LimbAllocator("AutomorphismTest");

    @AfterEach
    void everyPolynomialWasClosed() {
        allocator.close(); // throws if a block is still live
    }

    /** Odd exponents: identity, small ones, powers of 5 mod 2N (rotations), 2N - 1 (conjugation) and unreduced ones. */
    static LongStream exponents() {
        BigInteger five = BigInteger.valueOf(5), twoN = BigInteger.valueOf(2L * N);
        LongStream powersOf5 = LongStream.of(2, 3, 7, N / 2 - 1).map(j -> five.modPow(BigInteger.valueOf(j), twoN).longValueExact());
        return LongStream.concat(LongStream.of(1, 3, 5, 2L * N - 5, 2L * N - 1, -1, -5, 2L * N + 3, 1L << 40 | 1), powersOf5);
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** a(X^k) mod (X^N + 1, q) by substitution: a_i X^i becomes a_i X^(ik mod 2N), and X^N = -1. */
    private static int[] substitute(int[] a, long k, long q) {
        int n = a.length;
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            long e = Math.floorMod(i * k, 2L * n);
            if (e < n) {
                r[(int) e] = (r[(int) e] + a[i]) % q;
            } else {
                r[(int) (e - n)] = Math.floorMod(r[(int) (e - n)] - a[i], q);
            }
        }
        return Arrays.stream(r).mapToInt(Math::toIntExact).toArray();
    }

    private static int[][] randomLimbs(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] limbs = new int[BASIS.size()][];
        for (int l = 0; l < limbs.length; l++) {
            limbs[l] = random(rnd, N, BASIS.prime(l));
        }
        return limbs;
    }

    private RnsPoly poly(int[][] limbs) {
        RnsPoly p = RnsPoly.zeros(BASIS, allocator);
        for (int l = 0; l < limbs.length; l++) {
            for (int i = 0; i < N; i++) {
                p.set(l, i, limbs[l][i]);
            }
        }
        return p;
    }

    private static void assertLimbs(int[][] expected, RnsPoly p, String what) {
        for (int l = 0; l < expected.length; l++) {
            assertArrayEquals(expected[l], p.limbToArray(l), what + ", limb " + l + " (q = " + BASIS.prime(l) + ")");
        }
    }

    private static int[][] substituteLimbs(int[][] limbs, long k) {
        int[][] r = new int[limbs.length][];
        for (int l = 0; l < limbs.length; l++) {
            r[l] = substitute(limbs[l], k, BASIS.prime(l));
        }
        return r;
    }

    // ------------------------------------------------------------------------------------------ against substitution

    @ParameterizedTest
    @MethodSource("exponents")
    void automorphismNttEqualsSubstitution(long k) {
        int[][] a = randomLimbs(k);
        int[][] expected = substituteLimbs(a, k);
        try (RnsPoly x = poly(a); RnsPoly out = RnsPoly.zeros(BASIS, allocator)) {
            x.forwardNtt();
            x.automorphismNtt(k, out);
            out.inverseNtt();
            assertLimbs(expected, out, "NTT(a) -> sigma_" + k + " -> inverse NTT");

            x.automorphismNtt(k, x); // in place
            x.inverseNtt();
            assertLimbs(expected, x, "in place, k = " + k);
        }
    }

    @ParameterizedTest
    @MethodSource("exponents")
    void automorphismCoefficientsEqualsSubstitution(long k) {
        int[][] a = randomLimbs(k + 1);
        int[][] expected = substituteLimbs(a, k);
        try (RnsPoly x = poly(a); RnsPoly out = RnsPoly.zeros(BASIS, allocator)) {
            x.automorphismCoefficients(k, out);
            assertLimbs(expected, out, "sigma_" + k + " on coefficients");
            x.automorphismCoefficients(k, x);
            assertLimbs(expected, x, "in place, k = " + k);
        }
    }

    @Test
    void substitutionOfEdgeValuesNegatesWrappedCoefficients() {
        int[][] a = new int[BASIS.size()][];
        for (int l = 0; l < a.length; l++) {
            int q = (int) BASIS.prime(l);
            a[l] = TestData.filled(N, q - 1);
            a[l][0] = 0;
            a[l][1] = 1;
        }
        for (long k : new long[] {3, 2L * N - 1}) {
            try (RnsPoly x = poly(a); RnsPoly y = poly(a)) {
                x.automorphismCoefficients(k, x);
                assertLimbs(substituteLimbs(a, k), x, "coefficients, k = " + k);
                y.forwardNtt();
                y.automorphismNtt(k, y);
                y.inverseNtt();
                assertLimbs(substituteLimbs(a, k), y, "NTT domain, k = " + k);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ group laws

    @Test
    void compositionMultipliesExponents() {
        long[] ks = {3, 5, 25, 2L * N - 1, 2L * N - 5};
        for (long a : ks) {
            for (long b : ks) {
                long ab = a * b % (2L * N);
                int[][] x = randomLimbs(a * 31 + b);
                try (RnsPoly ntt = poly(x); RnsPoly direct = poly(x); RnsPoly coeff = poly(x); RnsPoly coeffDirect = poly(x)) {
                    ntt.forwardNtt();
                    direct.forwardNtt();
                    ntt.automorphismNtt(b, ntt);
                    ntt.automorphismNtt(a, ntt);
                    direct.automorphismNtt(ab, direct);
                    String what = "sigma_" + a + "(sigma_" + b + "(x)) vs sigma_" + ab + "(x)";
                    for (int l = 0; l < BASIS.size(); l++) {
                        assertArrayEquals(direct.limbToArray(l), ntt.limbToArray(l), what + ", NTT domain, limb " + l);
                    }
                    coeff.automorphismCoefficients(b, coeff);
                    coeff.automorphismCoefficients(a, coeff);
                    coeffDirect.automorphismCoefficients(ab, coeffDirect);
                    assertLimbs(substituteLimbs(x, ab), coeffDirect, what + ", coefficient domain, reference");
                    for (int l = 0; l < BASIS.size(); l++) {
                        assertArrayEquals(coeffDirect.limbToArray(l), coeff.limbToArray(l), what + ", coefficient domain, limb " + l);
                    }
                }
            }
        }
    }

    @Test
    void exponentOneIsTheIdentity() {
        int[][] a = randomLimbs(1);
        try (RnsPoly x = poly(a); RnsPoly out = RnsPoly.zeros(BASIS, allocator)) {
            x.automorphismCoefficients(1, out);
            assertLimbs(a, out, "sigma_1 on coefficients");
            x.forwardNtt();
            int[][] ntt = new int[BASIS.size()][];
            for (int l = 0; l < ntt.length; l++) {
                ntt[l] = x.limbToArray(l);
            }
            x.automorphismNtt(1, out);
            assertLimbs(ntt, out, "sigma_1 in the NTT domain");
        }
        int[] identity = IntStream.range(0, N).toArray();
        assertArrayEquals(identity, Automorphism.nttIndex(N, 1));
        assertArrayEquals(identity, Automorphism.coefficientMap(N, 1).index());
        assertArrayEquals(new int[N], Automorphism.coefficientMap(N, 1).negate());
    }

    // ------------------------------------------------------------------------------------------ the maps

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 6, 10, 13})
    void mapsArePermutations(int logN) {
        int n = 1 << logN;
        for (long k : new long[] {1, 3, 5, 2L * n - 1, 2L * n + 5, -3}) {
            assertPermutation(Automorphism.nttIndex(n, k), "nttIndex(" + n + ", " + k + ")");
            Automorphism.CoefficientMap map = Automorphism.coefficientMap(n, k);
            assertPermutation(map.index(), "coefficientMap(" + n + ", " + k + ").index");
            for (int i = 0; i < n; i++) {
                // out[i] comes from in[j] with j k = i or i + N (mod 2N); negated exactly when it wrapped
                long j = map.index()[i], e = Math.floorMod(j * k, 2L * n);
                assertEquals(i, e % n, "coefficient map of " + k + " at " + i);
                assertEquals(e >= n ? -1 : 0, map.negate()[i], "negation of coefficient map of " + k + " at " + i);
            }
        }
    }

    private static void assertPermutation(int[] index, String what) {
        boolean[] seen = new boolean[index.length];
        for (int i : index) {
            assertTrue(i >= 0 && i < index.length && !seen[i], what + ": " + i + " out of range or repeated");
            seen[i] = true;
        }
    }

    @Test
    void mapsAreCopiesSoCallersCannotCorruptTheCache() {
        int[] first = Automorphism.nttIndex(N, 5);
        int[] expected = first.clone();
        Arrays.fill(first, 0);
        assertArrayEquals(expected, Automorphism.nttIndex(N, 5));
        Automorphism.CoefficientMap map = Automorphism.coefficientMap(N, 5);
        int[] index = map.index().clone(), negate = map.negate().clone();
        Arrays.fill(map.index(), 0);
        Arrays.fill(map.negate(), 0);
        assertArrayEquals(index, Automorphism.coefficientMap(N, 5).index());
        assertArrayEquals(negate, Automorphism.coefficientMap(N, 5).negate());
    }

    @Test
    void normalizeReducesIntoOneTo2N() {
        assertEquals(3, Automorphism.normalize(N, 3));
        assertEquals(3, Automorphism.normalize(N, 2L * N + 3));
        assertEquals(2 * N - 1, Automorphism.normalize(N, -1));
        assertEquals(2 * N - 3, Automorphism.normalize(N, -3 - 4L * N));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 2, 4, 2 * N, -2})
    void evenExponentsAreRejected(long k) {
        String message = "automorphism X -> X^" + k + " needs an odd exponent";
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Automorphism.nttIndex(N, k)).getMessage());
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Automorphism.coefficientMap(N, k)).getMessage());
        try (RnsPoly x = RnsPoly.zeros(BASIS, allocator)) {
            assertEquals(message, assertThrows(IllegalArgumentException.class, () -> x.automorphismNtt(k, x)).getMessage());
            assertEquals(message, assertThrows(IllegalArgumentException.class, () -> x.automorphismCoefficients(k, x)).getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------ vector vs scalar

    @ParameterizedTest
    @MethodSource("exponents")
    void vectorAndScalarKernelsAgree(long k) {
        int kk = Automorphism.normalize(N, k);
        long q = BASIS.prime(0);
        Modulus m = BASIS.modulus(0);
        int[] a = random(new SplittableRandom(k), N, q);
        int[] ntt = substituteIndex(a, Automorphism.nttIndex(N, k));
        Automorphism.CoefficientMap map = Automorphism.coefficientMap(N, k);
        try (Arena arena = Arena.ofConfined()) {
            for (Kernels kernels : new Kernels[] {Kernels.vector(), Kernels.scalar()}) {
                MemorySegment in = segment(arena, a), out = segment(arena, new int[N]);
                kernels.automorphismNtt(in, kk, out);
                assertArrayEquals(ntt, toArray(out), kernels.name() + " automorphismNtt, k = " + k);
                kernels.permuteNegate(in, map.index(), map.negate(), out, m);
                assertArrayEquals(substitute(a, k, q), toArray(out), kernels.name() + " permuteNegate, k = " + k);
            }
        }
    }

    private static int[] substituteIndex(int[] a, int[] index) {
        return Arrays.stream(index).map(i -> a[i]).toArray();
    }
}
