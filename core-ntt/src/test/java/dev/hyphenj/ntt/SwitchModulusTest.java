package dev.hyphenj.ntt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Moving a limb to another prime, centered, against plain long arithmetic, in both kernel implementations; and the
 * same for the centered value of a pair of limbs ({@code pairDigits}, then {@code switchModulusPair}).
 */
class SwitchModulusTest {
    @Test
    void centeredResidueMovesToTheOtherPrime() {
        int n = 1 << 10;
        long[] big = Primes.below(30, n, 2);
        long[] small = Primes.below(20, n, 1);
        long[][] pairs = {{big[0], big[1]}, {big[1], big[0]}, {big[0], small[0]}, {small[0], big[0]}};
        SplittableRandom rnd = new SplittableRandom(5);
        for (long[] pair : pairs) {
            long p = pair[0], q = pair[1];
            int[] x = new int[n];
            for (int i = 0; i < n; i++) {
                x[i] = (int) rnd.nextLong(p);
            }
            x[0] = 0;
            x[1] = (int) (p - 1) / 2;      // largest value taken as non-negative
            x[2] = (int) (p + 1) / 2;      // smallest value taken as negative
            x[3] = (int) p - 1;            // -1
            int[] expected = new int[n];
            for (int i = 0; i < n; i++) {
                long centered = x[i] > (p - 1) / 2 ? x[i] - p : x[i];
                expected[i] = (int) Math.floorMod(centered, q);
            }
            for (Kernels k : new Kernels[] {Kernels.vector(), Kernels.scalar()}) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment a = arena.allocate(4L * n, 64), out = arena.allocate(4L * n, 64);
                    MemorySegment.copy(x, 0, a, ValueLayout.JAVA_INT, 0, n);
                    k.switchModulus(a, Modulus.of(p), out, Modulus.of(q));
                    assertArrayEquals(expected, out.toArray(ValueLayout.JAVA_INT), k.name() + " " + p + " -> " + q);
                }
            }
        }
    }

    /**
     * For every ordered pair (qa, qb) among 30-bit primes, 536903681 (just above 2^29) and a 20-bit prime, and every
     * other prime q: the digits d0, d1 of r + H (r the centered value of the pair modulo P = qa qb, H = (P - 1) / 2)
     * and r mod q, from both kernels, equal plain long arithmetic (P < 2^60). The pairs are random residues, values
     * near +-P/2 (where the centered value changes sign), 0, +-1, and residues 0 and q - 1 in every combination.
     * n = 16 and 48 are below the vector kernels' minimum (their scalar fallback).
     */
    @ParameterizedTest
    @ValueSource(ints = {16, 48, 64, 1024})
    void centeredPairMovesToAnotherPrime(int n) {
        long[] big = Primes.below(30, 1024, 2);
        long[] primes = {big[0], big[1], 536_903_681, Primes.below(20, 1024, 1)[0]};
        SplittableRandom rnd = new SplittableRandom(n);
        for (long qa : primes) {
            for (long qb : primes) {
                if (qa == qb) {
                    continue;
                }
                long p = qa * qb, h = (p - 1) / 2;
                long[] x = new long[n];
                long[] edges = {0, 1, p - 1, h, h + 1, h - 1, h + 2, p - h, 2, p - 2};
                for (int i = 0; i < n; i++) {
                    x[i] = i < edges.length ? edges[i] : rnd.nextLong(p);
                }
                // residue edge cases: (0, qb-1), (qa-1, 0), (qa-1, qb-1), (0, 0) as CRT values
                long[] residues = {0, qb - 1, qa - 1, 0, qa - 1, qb - 1};
                for (int e = 0; e < residues.length / 2 && edges.length + e < n; e++) {
                    x[edges.length + e] = crt(residues[2 * e], qa, residues[2 * e + 1], qb);
                }
                int[] a = new int[n], b = new int[n], d0 = new int[n], d1 = new int[n];
                long[] centered = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (int) (x[i] % qa);
                    b[i] = (int) (x[i] % qb);
                    centered[i] = x[i] > h ? x[i] - p : x[i];
                    d0[i] = (int) ((centered[i] + h) % qa);
                    d1[i] = (int) ((centered[i] + h) / qa);
                }
                Modulus ma = Modulus.of(qa), mb = Modulus.of(qb);
                for (Kernels k : new Kernels[] {Kernels.vector(), Kernels.scalar()}) {
                    String what = k.name() + " (" + qa + ", " + qb + ")";
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment sa = TestData.segment(arena, a), sb = TestData.segment(arena, b);
                        k.pairDigits(sa, ma, sb, mb);
                        assertArrayEquals(d0, TestData.toArray(sa), what + ": d0");
                        assertArrayEquals(d1, TestData.toArray(sb), what + ": d1");
                        for (long q : primes) {
                            int[] expected = new int[n];
                            for (int i = 0; i < n; i++) {
                                expected[i] = (int) Math.floorMod(centered[i], q);
                            }
                            MemorySegment out = TestData.segment(arena, TestData.filled(n, 0xDEAD_BEEF));
                            k.switchModulusPair(sa, sb, ma, mb, out, Modulus.of(q));
                            assertArrayEquals(expected, TestData.toArray(out), what + " -> " + q);
                            // the output may alias an input
                            MemorySegment alias = TestData.segment(arena, d1);
                            k.switchModulusPair(sa, alias, ma, mb, alias, Modulus.of(q));
                            assertArrayEquals(expected, TestData.toArray(alias), what + " -> " + q + ", aliased");
                        }
                    }
                }
            }
        }
    }

    /** The x in [0, qa qb) with x = a mod qa and x = b mod qb. */
    private static long crt(long a, long qa, long b, long qb) {
        long t = Math.floorMod((b - a) % qb * ModArith.invMod(qa, qb), qb);
        return a + qa * t;
    }
}
