package dev.hyphenj.ntt;

import java.util.ArrayList;
import java.util.List;

/** NTT-friendly primes: q prime, q < 2^30, q = 1 mod 2N, so that Z_q holds a primitive 2N-th root of unity. */
public final class Primes {
    /** Smallest and largest supported ring degrees (log2). */
    public static final int MIN_LOG_N = 1;
    public static final int MAX_LOG_N = 17;

    private Primes() {}

    /** Deterministic Miller-Rabin for n < 2^32 (the bases 2, 7 and 61 have no common strong pseudoprime below it). */
    public static boolean isPrime(long n) {
        if (n < 2 || n >= (1L << 32)) {
            if (n >= (1L << 32)) {
                throw new IllegalArgumentException("isPrime is exact only below 2^32, got " + n);
            }
            return false;
        }
        for (long p : new long[] {2, 3, 5, 7, 11, 13, 61}) {
            if (n % p == 0) {
                return n == p;
            }
        }
        long d = n - 1;
        int s = Long.numberOfTrailingZeros(d);
        d >>= s;
        for (long a : new long[] {2, 7, 61}) {
            long x = ModArith.powMod(a, d, n);
            if (x == 1 || x == n - 1) {
                continue;
            }
            boolean composite = true;
            for (int r = 1; r < s && composite; r++) {
                x = ModArith.mulMod(x, x, n);
                composite = x != n - 1;
            }
            if (composite) {
                return false;
            }
        }
        return true;
    }

    /** Whether q can carry a negacyclic NTT of degree n: an odd prime below 2^30 with q = 1 mod 2n. */
    public static boolean isNttFriendly(long q, int n) {
        return q > 2 && q < (1L << ModArith.MAX_MODULUS_BITS) && q % (2L * n) == 1 && isPrime(q);
    }

    /** Throws with a clear message unless n is a power of two with log2(n) in [MIN_LOG_N, MAX_LOG_N]. */
    public static int checkRingDegree(int n) {
        if (n <= 0 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("ring degree N = " + n + " is not a power of two");
        }
        int logN = Integer.numberOfTrailingZeros(n);
        if (logN < MIN_LOG_N || logN > MAX_LOG_N) {
            throw new IllegalArgumentException("ring degree N = 2^" + logN + " is outside 2^" + MIN_LOG_N + "..2^" + MAX_LOG_N);
        }
        return logN;
    }

    /** Throws with a clear message unless q is NTT-friendly for degree n. */
    public static void checkNttFriendly(long q, int n) {
        checkRingDegree(n);
        if (!isNttFriendly(q, n)) {
            throw new IllegalArgumentException("modulus " + q + " is not NTT-friendly for N = " + n
                    + ": it must be a prime below 2^30 with q = 1 mod 2N = " + (2L * n));
        }
    }

    /**
     * The {@code count} largest NTT-friendly primes below 2^bits for ring degree n, in descending order, skipping
     * those in {@code exclude}. Deterministic: the same arguments always give the same primes.
     */
    public static long[] below(int bits, int n, int count, long... exclude) {
        checkRingDegree(n);
        if (bits < 2 || bits > ModArith.MAX_MODULUS_BITS) {
            throw new IllegalArgumentException("prime size " + bits + " bits is outside 2..30");
        }
        long step = 2L * n;
        List<Long> found = new ArrayList<>(count);
        for (long q = ((1L << bits) - 1) / step * step + 1; q > step && found.size() < count; q -= step) {
            if (isPrime(q) && !contains(exclude, q)) {
                found.add(q);
            }
        }
        if (found.size() < count) {
            throw new IllegalArgumentException("only " + found.size() + " NTT-friendly primes below 2^" + bits
                    + " for N = " + n + ", " + count + " requested");
        }
        return found.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * The {@code count} NTT-friendly primes closest to 2^bits (alternately just above and just below it, nearest
     * first), for levels whose rescaling should divide by about 2^bits. Descending order is not implied.
     */
    public static long[] near(int bits, int n, int count, long... exclude) {
        checkRingDegree(n);
        if (bits < 2 || bits >= ModArith.MAX_MODULUS_BITS) {
            throw new IllegalArgumentException("prime size " + bits + " bits is outside 2..29 for primes near 2^bits");
        }
        long step = 2L * n, center = 1L << bits;
        long up = (center + step - 1) / step * step + 1, down = up - step; // the values 1 mod 2N around 2^bits
        List<Long> found = new ArrayList<>(count);
        while (found.size() < count && (up < (1L << ModArith.MAX_MODULUS_BITS) || down > step)) {
            boolean takeUp = up < (1L << ModArith.MAX_MODULUS_BITS) && (down <= step || up - center <= center - down);
            long q = takeUp ? up : down;
            if (takeUp) {
                up += step;
            } else {
                down -= step;
            }
            if (isPrime(q) && !contains(exclude, q)) {
                found.add(q);
            }
        }
        if (found.size() < count) {
            throw new IllegalArgumentException("only " + found.size() + " NTT-friendly primes near 2^" + bits
                    + " for N = " + n + ", " + count + " requested");
        }
        return found.stream().mapToLong(Long::longValue).toArray();
    }

    /** A primitive 2n-th root of unity modulo the NTT-friendly prime q: the smallest psi with psi^n = -1. */
    public static long primitiveRoot2N(long q, int n) {
        checkNttFriendly(q, n);
        long exponent = (q - 1) / (2L * n);
        for (long g = 2; g < q; g++) {
            long psi = ModArith.powMod(g, exponent, q);
            if (ModArith.powMod(psi, n, q) == q - 1) {
                long best = psi; // every primitive 2n-th root is psi^odd; take the smallest for a canonical choice
                long psi2 = psi * psi % q;
                for (long r = psi * psi2 % q, i = 3; i < 2L * n; i += 2, r = r * psi2 % q) {
                    best = Math.min(best, r);
                }
                return best;
            }
        }
        throw new IllegalStateException("no primitive 2N-th root modulo " + q);
    }

    private static boolean contains(long[] values, long v) {
        for (long x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
