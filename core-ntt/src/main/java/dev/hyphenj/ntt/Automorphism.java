package dev.hyphenj.ntt;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ring automorphisms a(X) -> a(X^k) of Z_q[X]/(X^N + 1), for odd k, as index maps.
 *
 * <p>In the coefficient domain, a_i moves to position i k mod 2N, negated when that wraps past N (X^N = -1).
 * In the NTT domain (bit-reversed evaluation order, position i holding a(psi^(2 brv(i) + 1))), the automorphism only
 * permutes: position i of the result is a(psi^((2 brv(i) + 1) k)), found at position brv(((2 brv(i) + 1) k mod 2N - 1) / 2).
 * Maps are cached; the public methods return copies.
 */
public final class Automorphism {
    private static final Map<Long, int[]> NTT_MAPS = new ConcurrentHashMap<>();
    private static final Map<Long, CoefficientMap> COEFF_MAPS = new ConcurrentHashMap<>();

    private Automorphism() {}

    /** out[i] = in[index[i]] with negation where {@code negate[i] == -1}: the coefficient-domain map. */
    public record CoefficientMap(int[] index, int[] negate) {}

    /** out[i] = in[result[i]] applies X -> X^k to an NTT-domain limb of degree n. */
    public static int[] nttIndex(int n, long k) {
        return cachedNttIndex(n, k).clone();
    }

    /** The coefficient-domain map of X -> X^k for degree n. */
    public static CoefficientMap coefficientMap(int n, long k) {
        CoefficientMap m = cachedCoefficientMap(n, k);
        return new CoefficientMap(m.index.clone(), m.negate.clone());
    }

    /** k reduced into [1, 2n); throws unless k is odd (only odd k give automorphisms of X^N + 1). */
    public static int normalize(int n, long k) {
        Primes.checkRingDegree(n);
        long r = Math.floorMod(k, 2L * n);
        if ((r & 1) == 0) {
            throw new IllegalArgumentException("automorphism X -> X^" + k + " needs an odd exponent");
        }
        return (int) r;
    }

    static int[] cachedNttIndex(int n, long k) {
        int kk = normalize(n, k);
        return NTT_MAPS.computeIfAbsent(key(n, kk), x -> buildNttIndex(n, kk));
    }

    static CoefficientMap cachedCoefficientMap(int n, long k) {
        int kk = normalize(n, k);
        return COEFF_MAPS.computeIfAbsent(key(n, kk), x -> buildCoefficientMap(n, kk));
    }

    private static long key(int n, int k) {
        return ((long) n << 32) | k;
    }

    private static int[] buildNttIndex(int n, int k) {
        int logN = Integer.numberOfTrailingZeros(n);
        long twoN = 2L * n;
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            long e = (2L * NttTables.bitReverse(i, logN) + 1) * k % twoN;
            index[i] = NttTables.bitReverse((int) ((e - 1) / 2), logN);
        }
        return index;
    }

    private static CoefficientMap buildCoefficientMap(int n, int k) {
        int[] index = new int[n];
        int[] negate = new int[n];
        long twoN = 2L * n;
        for (int i = 0; i < n; i++) {
            int r = (int) ((long) i * k % twoN);
            if (r < n) {
                index[r] = i;
            } else {
                index[r - n] = i;
                negate[r - n] = -1;
            }
        }
        return new CoefficientMap(index, negate);
    }
}
