package dev.hyphenj.ntt;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * Fast RNS base conversion (basis extension) from primes q_0..q_{k-1} (product Q) to primes p_0..p_{m-1}, as hybrid
 * key switching needs for ModUp and ModDown.
 *
 * <p>For x given by its residues x_i and y_i = [x_i (Q/q_i)^-1]_{q_i}, the fast conversion gives, modulo each p_j,
 * sum_i y_i (Q/q_i) = x + u Q with an integer 0 <= u < k: a small modular matrix product, a k x m matrix of
 * constants applied to every coefficient. The {@link #exact} converter also removes u Q: it computes
 * v = round(sum_i y_i / q_i) in double precision and subtracts v Q, which leaves the centered representative of x,
 * in [-Q/2, Q/2) (exact unless sum_i y_i / q_i falls within about k 2^-53 of a half-integer). Dividing by P in key
 * switching needs that: the u of the fast conversion is biased (its mean is about k/2), and a bias multiplied by
 * the secret concentrates in a few slots.
 */
public final class BaseConverter {
    /**
     * Products y_i * c_ij are below 2^60; sixteen of them plus a remainder below 2^30 stay below 2^64, so the
     * scalar kernel reduces its 64-bit accumulators every sixteen terms (the vector kernel, in Montgomery form, every
     * eight: {@code VectorKernels.MONT_TERMS}).
     */
    static final int LAZY_TERMS = 16;
    /** Conversions of fewer coefficients run in one piece. */
    private static final int MIN_PARALLEL_N = 1 << 12;

    final Modulus[] from;
    final Modulus[] to;
    /** (Q/q_i)^-1 mod q_i and its Shoup companion. */
    final int[] qHatInv;
    final int[] qHatInvShoup;
    /** (Q/q_i) mod p_j at [j * k + i]. */
    final long[] qHatModP;
    /** The same in Montgomery form, (Q/q_i) 2^32 mod p_j, for the vector kernel's one reduction per 8 terms. */
    final long[] qHatModPMont;
    /** Whether the result is corrected to the centered representative. */
    final boolean exact;
    /** 1 / q_i, for the correction. */
    final double[] invQ;
    /** -Q mod p_j and its Shoup companion, for the correction. */
    final int[] negQModP;
    final int[] negQModPShoup;
    /** -Q 2^32 mod p_j (Montgomery form). */
    final long[] negQModPMont;

    /** A fast converter between two sets of distinct primes below 2^30: the result is x + u Q, 0 <= u < k. */
    public BaseConverter(long[] fromPrimes, long[] toPrimes) {
        this(fromPrimes, toPrimes, false);
    }

    /** A converter whose result is the centered representative of x (at most 31 source primes). */
    public static BaseConverter exact(long[] fromPrimes, long[] toPrimes) {
        return new BaseConverter(fromPrimes, toPrimes, true);
    }

    private BaseConverter(long[] fromPrimes, long[] toPrimes, boolean exact) {
        if (fromPrimes.length == 0 || toPrimes.length == 0) {
            throw new IllegalArgumentException("base conversion needs at least one source and one target prime");
        }
        checkDistinct(fromPrimes, toPrimes);
        int k = fromPrimes.length, m = toPrimes.length;
        from = new Modulus[k];
        to = new Modulus[m];
        for (int i = 0; i < k; i++) {
            from[i] = Modulus.of(fromPrimes[i]);
        }
        for (int j = 0; j < m; j++) {
            to[j] = Modulus.of(toPrimes[j]);
        }
        if (exact && k > 31) {
            throw new IllegalArgumentException("exact base conversion supports at most 31 source primes, got " + k);
        }
        this.exact = exact;
        invQ = new double[k];
        for (int i = 0; i < k; i++) {
            invQ[i] = 1.0 / fromPrimes[i];
        }
        negQModP = new int[m];
        negQModPShoup = new int[m];
        negQModPMont = new long[m];
        for (int j = 0; j < m; j++) {
            long pj = toPrimes[j], qModP = 1;
            for (long q : fromPrimes) {
                qModP = qModP * (q % pj) % pj;
            }
            negQModP[j] = (int) ((pj - qModP) % pj);
            negQModPShoup[j] = ModArith.shoup(negQModP[j], pj);
            negQModPMont[j] = ModArith.toMontgomery(negQModP[j], pj);
        }
        qHatInv = new int[k];
        qHatInvShoup = new int[k];
        qHatModP = new long[m * k];
        qHatModPMont = new long[m * k];
        for (int i = 0; i < k; i++) {
            long qi = fromPrimes[i];
            long hat = 1;
            for (int l = 0; l < k; l++) {
                if (l != i) {
                    hat = hat * (fromPrimes[l] % qi) % qi;
                }
            }
            long inv = ModArith.invMod(hat, qi);
            qHatInv[i] = (int) inv;
            qHatInvShoup[i] = ModArith.shoup(inv, qi);
            for (int j = 0; j < m; j++) {
                long pj = toPrimes[j];
                long hp = 1;
                for (int l = 0; l < k; l++) {
                    if (l != i) {
                        hp = hp * (fromPrimes[l] % pj) % pj;
                    }
                }
                qHatModP[j * k + i] = hp;
                qHatModPMont[j * k + i] = ModArith.toMontgomery(hp, pj);
            }
        }
    }

    /** Whether results are centered representatives rather than x + u Q. */
    public boolean isExact() {
        return exact;
    }

    /** The correction v = round(sum_i y_i / q_i) for one coefficient's y_0..y_{k-1} (0 for a fast converter). */
    int correction(int[] y, int offset, int stride) {
        if (!exact) {
            return 0;
        }
        double v = 0.5;
        for (int i = 0; i < invQ.length; i++) {
            v += y[offset + i * stride] * invQ[i];
        }
        return (int) v;
    }

    /** Number of source primes k. */
    public int sourceCount() {
        return from.length;
    }

    /** Number of target primes m. */
    public int targetCount() {
        return to.length;
    }

    /**
     * Converts the k limbs of n residues {@code in} to the m limbs {@code out} with the given kernels.
     * Inputs in [0, q_i), outputs in [0, p_j). Large conversions are split into coefficient ranges that run on the
     * {@link Parallel} threads (a conversion is a pass over all coefficients with no dependence between them, and
     * ModDown has no other work to run beside it).
     */
    public void convert(Kernels kernels, MemorySegment[] in, MemorySegment[] out, int n) {
        long limbBytes = (long) n * Integer.BYTES;
        if (in.length != from.length || out.length != to.length
                || Stream.concat(Arrays.stream(in), Arrays.stream(out)).anyMatch(l -> l.byteSize() != limbBytes)) {
            throw new IllegalArgumentException("base conversion of " + from.length + " to " + to.length
                    + " limbs of N = " + n + " got " + in.length + " and " + out.length
                    + " limbs, or limbs of another size than " + limbBytes + " bytes");
        }
        int ranges = n >= MIN_PARALLEL_N ? Parallel.threads() : 1;
        int step = (n / ranges + 63) & ~63;
        Parallel.forEach(ranges, r -> kernels.baseConvert(this, in, out, n, Math.min(n, r * step),
                Math.min(n, (r + 1) * step)));
    }

    private static void checkDistinct(long[] a, long[] b) {
        long[] all = new long[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        for (int i = 0; i < all.length; i++) {
            for (int j = i + 1; j < all.length; j++) {
                if (all[i] == all[j]) {
                    throw new IllegalArgumentException("base conversion primes must be distinct; " + all[i] + " repeats");
                }
            }
        }
    }
}
