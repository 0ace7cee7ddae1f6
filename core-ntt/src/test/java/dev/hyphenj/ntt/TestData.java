package dev.hyphenj.ntt;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Small helpers shared by the core-ntt tests: test data and independent (BigInteger) references. */
final class TestData {
    private TestData() {}

    /** A 64-byte-aligned segment of {@code arena} holding a copy of {@code values}. */
    static MemorySegment segment(Arena arena, int[] values) {
        MemorySegment s = arena.allocate((long) values.length * Integer.BYTES, 64);
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_INT, 0, values.length);
        return s;
    }

    static int[] toArray(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_INT);
    }

    /** n values drawn uniformly from [0, bound), bound <= 2^32 (values >= 2^31 come out as negative ints). */
    static int[] random(SplittableRandom rnd, int n, long bound) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = (int) rnd.nextLong(bound);
        }
        return a;
    }

    static int[] filled(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    /** A random permutation of 0..n-1 (Fisher-Yates). */
    static int[] randomPermutation(SplittableRandom rnd, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }

    /** The 32-bit word x read as unsigned. */
    static BigInteger unsigned(int x) {
        return big(Integer.toUnsignedLong(x));
    }

    /** The Shoup companion floor(w * 2^32 / q), computed with BigInteger. */
    static int shoupReference(long w, long q) {
        return (int) big(w).shiftLeft(32).divide(big(q)).longValueExact();
    }

    /** Shoup companions of every w[i]. */
    static int[] shoupReference(int[] w, long q) {
        int[] ws = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            ws[i] = shoupReference(w[i], q);
        }
        return ws;
    }

    /** The exact integer product of a and b in Z[X]/(X^N + 1) (schoolbook, BigInteger). */
    static BigInteger[] negacyclicProduct(int[] a, int[] b) {
        return negacyclicProduct(Arrays.stream(a).mapToObj(BigInteger::valueOf).toArray(BigInteger[]::new),
                Arrays.stream(b).mapToObj(BigInteger::valueOf).toArray(BigInteger[]::new));
    }

    /** The exact integer product of a and b in Z[X]/(X^N + 1) (schoolbook, BigInteger). */
    static BigInteger[] negacyclicProduct(BigInteger[] a, BigInteger[] b) {
        int n = a.length;
        BigInteger[] c = new BigInteger[n];
        Arrays.fill(c, BigInteger.ZERO);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                BigInteger p = a[i].multiply(b[j]);
                int k = i + j;
                c[k % n] = k < n ? c[k].add(p) : c[k - n].subtract(p);
            }
        }
        return c;
    }

    /** Every value reduced into [0, q), as ints. */
    static int[] mod(BigInteger[] values, long q) {
        BigInteger bq = big(q);
        int[] r = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            r[i] = values[i].mod(bq).intValueExact();
        }
        return r;
    }
}
