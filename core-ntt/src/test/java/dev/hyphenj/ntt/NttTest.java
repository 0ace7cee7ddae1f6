package dev.hyphenj.ntt;

import static dev.hyphenj.ntt.TestData.filled;
import static dev.hyphenj.ntt.TestData.random;
import static dev.hyphenj.ntt.TestData.segment;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class NttTest {
    private static final Kernels VECTOR = Kernels.vector();
    private static final Kernels SCALAR = Kernels.scalar();

    /** Direct evaluation: position i of the forward NTT is a(psi^(2 brv(i) + 1)). */
    @Test
    void forwardMatchesDirectEvaluation() {
        int n = 64;
        long q = Primes.below(30, n, 1)[0];
        NttTables tb = NttTables.of(n, q);
        int[] a = random(new SplittableRandom(1), n, q);
        int[] f = a.clone();
        ScalarKernels.forwardNtt(f, tb);
        long psi = tb.psiRev(NttTables.bitReverse(1, tb.logN)); // psi^brv(brv(1)) = psi
        for (int i = 0; i < n; i++) {
            long x = ModArith.powMod(psi, 2L * NttTables.bitReverse(i, tb.logN) + 1, q), acc = 0, pw = 1;
            for (int j = 0; j < n; j++) {
                acc = (acc + a[j] * pw) % q;
                pw = pw * x % q;
            }
            assertEquals(acc, f[i], "position " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {6, 7, 10, 12, 13, 16})
    void vectorAndScalarAgreeBitForBit(int logN) {
        int n = 1 << logN;
        SplittableRandom rnd = new SplittableRandom(logN);
        for (long q : new long[] {Primes.below(30, n, 1)[0], Primes.below(25, n, 1)[0]}) {
            NttTables tb = NttTables.of(n, q);
            for (int[] a : new int[][] {random(rnd, n, 4 * q), filled(n, (int) (q - 1)), filled(n, (int) (4 * q - 1))}) {
                try (Arena arena = Arena.ofConfined()) {
                    int[] ref = a.clone();
                    ScalarKernels.forwardNtt(ref, tb);
                    MemorySegment s = segment(arena, a);
                    VECTOR.forwardNtt(s, tb);
                    assertArrayEquals(ref, s.toArray(ValueLayout.JAVA_INT), "forward, q = " + q);

                    int[] in = random(rnd, n, 2 * q);
                    int[] refInv = in.clone();
                    ScalarKernels.inverseNtt(refInv, tb);
                    MemorySegment si = segment(arena, in);
                    VECTOR.inverseNtt(si, tb);
                    assertArrayEquals(refInv, si.toArray(ValueLayout.JAVA_INT), "inverse, q = " + q);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 10, 13})
    void inverseUndoesForward(int logN) {
        int n = 1 << logN;
        long q = Primes.below(30, n, 1)[0];
        NttTables tb = NttTables.of(n, q);
        int[] a = random(new SplittableRandom(7), n, q);
        for (Kernels k : new Kernels[] {VECTOR, SCALAR}) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment s = segment(arena, a);
                k.forwardNtt(s, tb);
                k.inverseNtt(s, tb);
                assertArrayEquals(a, s.toArray(ValueLayout.JAVA_INT), k.name());
            }
        }
    }

    /** The NTT-based negacyclic product equals the BigInteger schoolbook product modulo X^N + 1. */
    @Test
    void productMatchesSchoolbook() {
        int n = 1 << 10;
        SplittableRandom rnd = new SplittableRandom(3);
        for (long q : Primes.below(30, n, 2)) {
            NttTables tb = NttTables.of(n, q);
            Modulus m = tb.modulus;
            int[] a = random(rnd, n, q), b = random(rnd, n, q);
            int[] expected = TestData.mod(TestData.negacyclicProduct(a, b), q);
            for (Kernels k : new Kernels[] {VECTOR, SCALAR}) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment sa = segment(arena, a), sb = segment(arena, b);
                    k.forwardNtt(sa, tb);
                    k.forwardNtt(sb, tb);
                    k.mul(sa, sb, sa, m);
                    k.inverseNtt(sa, tb);
                    assertArrayEquals(expected, sa.toArray(ValueLayout.JAVA_INT), k.name() + ", q = " + q);
                }
            }
        }
    }

    /**
     * A polynomial in X^g transforms in its subring: the degree-(n/g) transform of its n/g coefficients, each value
     * repeated g times, is the full transform, vector and scalar alike.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8, 64})
    void aSparsePolynomialTransformsInItsSubring(int g) {
        int n = 1 << 12, m = n / g;
        SplittableRandom rnd = new SplittableRandom(g);
        long q = Primes.below(30, n, 1)[0];
        NttTables full = NttTables.of(n, q), sub = full.subring(m);
        assertEquals(m, sub.n);
        int[] c = random(rnd, m, q), sparse = new int[n];
        for (int k = 0; k < m; k++) {
            sparse[k * g] = c[k];
        }
        ScalarKernels.forwardNtt(sparse, full);
        for (Kernels k : new Kernels[] {VECTOR, SCALAR}) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment s = segment(arena, c);
                k.forwardNtt(s, sub);
                int[] small = s.toArray(ValueLayout.JAVA_INT);
                for (int i = 0; i < n; i++) {
                    assertEquals(sparse[i], small[i / g], k.name() + ", g = " + g + ", position " + i);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> full.subring(3));
        assertThrows(IllegalArgumentException.class, () -> full.subring(2 * n));
    }

    @Test
    void badArgumentsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NttTables.of(1000, 12289));
        assertEquals("ring degree N = 1000 is not a power of two", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NttTables.of(1024, 12289 + 2048));
        assertEquals("modulus 14337 is not NTT-friendly for N = 1024: it must be a prime below 2^30 with q = 1 mod 2N = 2048",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NttTables.of(1024, (1L << 31) - 1));
    }
}
