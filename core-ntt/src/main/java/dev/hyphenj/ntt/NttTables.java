package dev.hyphenj.ntt;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Twiddle factors of the negacyclic NTT of degree n modulo one prime, in the order the kernels read them.
 *
 * <p>The forward transform is Cooley-Tukey with bit-reversed output: position i of the result holds
 * a(psi^(2 brv(i) + 1)), brv reversing log2(n) bits. Layer m (m = 1, 2, ..., n/2 groups) uses {@code psiRev[m + i]}
 * = psi^brv(m + i) for group i. The inverse is Gentleman-Sande with the inverse powers, and N^-1 folded into its last
 * layer. Every twiddle carries its Shoup companion floor(w * 2^32 / q). Tables are shared: {@link #of} caches them.
 */
public final class NttTables {
    private static final Map<Long, NttTables> CACHE = new ConcurrentHashMap<>();

    public final int n;
    public final int logN;
    public final Modulus modulus;
    public final int q;
    /** psi^brv(i), i = 0..n-1, and Shoup companions. */
    final int[] psiRev;
    final int[] psiRevShoup;
    /** psi^-brv(i), i = 0..n-1, and Shoup companions. */
    final int[] psiInvRev;
    final int[] psiInvRevShoup;
    /** n^-1 and psi^-brv(1) * n^-1: the two factors of the inverse's last layer. */
    final int nInv;
    final int nInvShoup;
    final int nInvPsiInv;
    final int nInvPsiInvShoup;

    /** {@link #subring} tables by degree, built on first use. */
    private final Map<Integer, NttTables> subrings = new ConcurrentHashMap<>();

    /** Tables of degree n for the primitive 2n-th root of unity psi modulo q. */
    private NttTables(int n, long q, long psi) {
        this.logN = Primes.checkRingDegree(n);
        Primes.checkNttFriendly(q, n);
        this.n = n;
        this.modulus = Modulus.of(q);
        this.q = (int) q;
        long psiInv = ModArith.invMod(psi, q);
        long[] pow = new long[n];
        long[] powInv = new long[n];
        pow[0] = 1;
        powInv[0] = 1;
        for (int i = 1; i < n; i++) {
            pow[i] = pow[i - 1] * psi % q;
            powInv[i] = powInv[i - 1] * psiInv % q;
        }
        psiRev = new int[n];
        psiRevShoup = new int[n];
        psiInvRev = new int[n];
        psiInvRevShoup = new int[n];
        for (int i = 0; i < n; i++) {
            int r = bitReverse(i, logN);
            psiRev[i] = (int) pow[r];
            psiRevShoup[i] = ModArith.shoup(pow[r], q);
            psiInvRev[i] = (int) powInv[r];
            psiInvRevShoup[i] = ModArith.shoup(powInv[r], q);
        }
        long ni = ModArith.invMod(n, q);
        nInv = (int) ni;
        nInvShoup = ModArith.shoup(ni, q);
        long w = ni * psiInvRev[n > 1 ? 1 : 0] % q;
        nInvPsiInv = (int) w;
        nInvPsiInvShoup = ModArith.shoup(w, q);
    }

    /** The (cached) tables for degree n and prime q; throws if q is not NTT-friendly for n. */
    public static NttTables of(int n, long q) {
        Primes.checkRingDegree(n);
        return CACHE.computeIfAbsent(q * 64 + Integer.numberOfTrailingZeros(n),
                k -> new NttTables(n, q, Primes.primitiveRoot2N(q, n)));
    }

    /**
     * The tables of degree m (a power of two dividing n) for the root psi^(n/m). For a polynomial in X^(n/m) with
     * coefficients c_0..c_{m-1} (at X^0, X^(n/m), ...), this transform's position i holds c(psi^(n/m (2 brv_m(i) + 1)))
     * and the full transform's position i holds the value at position i / (n/m): each of the m values repeated n/m
     * times. So a sparse polynomial (a message of fewer slots) transforms at the cost of its m coefficients.
     */
    public NttTables subring(int m) {
        if (m == n) {
            return this;
        }
        if (Integer.bitCount(m) != 1 || m > n || m < 2) {
            throw new IllegalArgumentException("subring of degree " + m + " in a ring of degree " + n);
        }
        return subrings.computeIfAbsent(m, d -> {
            long psi = psiRev[n / 2]; // psi^brv(n/2) = psi
            return new NttTables(d, q, ModArith.powMod(psi, n / d, q));
        });
    }

    /** x with its lowest {@code bits} bits reversed. */
    public static int bitReverse(int x, int bits) {
        return bits == 0 ? 0 : Integer.reverse(x) >>> (32 - bits);
    }

    /** psi^brv(i): the twiddle of index i (for tests and for the automorphism maps). */
    public int psiRev(int i) {
        return psiRev[i];
    }

    @Override
    public String toString() {
        return "NttTables[N=" + n + ", q=" + q + "]";
    }
}
