package dev.hyphenj.ntt;

import java.math.BigInteger;

/**
 * Lifts coefficient-domain RNS polynomials back to integers: each coefficient x in [0, Q) is taken to its centered
 * representative in [-Q/2, Q/2), as a double (decryption and decoding) or exactly as a BigInteger (tests).
 *
 * <p>Uses Garner's mixed-radix form x = d_0 + d_1 q_0 + d_2 q_0 q_1 + ..., with 0 <= d_i < q_i computed in word-size
 * modular arithmetic. The centered value is x when x <= (Q-1)/2 (a digit-wise comparison from the top) and
 * -(Q - x) otherwise, where Q - 1 - x has the digits q_i - 1 - d_i: so no large cancellation happens in floating
 * point, and the double result is within a relative 2^-52 or so of the exact value.
 */
public final class CrtReconstructor {
    private final RnsBasis basis;
    private final int[] q;
    /** inv[i][j] = q_j^-1 mod q_i for j < i, with Shoup companions. */
    private final int[][] inv;
    private final int[][] invShoup;
    /** Mixed-radix digits of (Q-1)/2. */
    private final int[] halfDigits;

    public CrtReconstructor(RnsBasis basis) {
        this.basis = basis;
        int k = basis.size();
        q = new int[k];
        inv = new int[k][];
        invShoup = new int[k][];
        for (int i = 0; i < k; i++) {
            q[i] = (int) basis.prime(i);
            inv[i] = new int[i];
            invShoup[i] = new int[i];
            for (int j = 0; j < i; j++) {
                long v = ModArith.invMod(basis.prime(j) % q[i], q[i]);
                inv[i][j] = (int) v;
                invShoup[i][j] = ModArith.shoup(v, q[i]);
            }
        }
        BigInteger bigQ = BigInteger.ONE;
        for (int i = 0; i < k; i++) {
            bigQ = bigQ.multiply(BigInteger.valueOf(q[i]));
        }
        BigInteger half = bigQ.subtract(BigInteger.ONE).shiftRight(1);
        int[] residues = new int[k];
        for (int i = 0; i < k; i++) {
            residues[i] = half.mod(BigInteger.valueOf(q[i])).intValue();
        }
        halfDigits = new int[k];
        mixedRadix(residues, halfDigits);
    }

    public RnsBasis basis() {
        return basis;
    }

    /** The centered value of every coefficient of p (coefficient domain) as a double, into out[0..N). */
    public void toCenteredDoubles(RnsPoly p, double[] out) {
        checkBasis(p);
        int k = q.length, n = p.n();
        int[][] limbs = limbs(p);
        int[] residues = new int[k], digits = new int[k];
        for (int c = 0; c < n; c++) {
            for (int i = 0; i < k; i++) {
                residues[i] = limbs[i][c];
            }
            mixedRadix(residues, digits);
            boolean negative = compareDigits(digits, halfDigits) > 0;
            double acc = 0;
            for (int i = k - 1; i >= 0; i--) {
                int d = negative ? q[i] - 1 - digits[i] : digits[i];
                acc = acc * q[i] + d;
            }
            out[c] = negative ? -(acc + 1) : acc;
        }
    }

    /** The exact centered value of every coefficient of p (coefficient domain). */
    public BigInteger[] toCenteredBigIntegers(RnsPoly p) {
        checkBasis(p);
        int k = q.length, n = p.n();
        int[][] limbs = limbs(p);
        int[] residues = new int[k], digits = new int[k];
        BigInteger[] out = new BigInteger[n];
        for (int c = 0; c < n; c++) {
            for (int i = 0; i < k; i++) {
                residues[i] = limbs[i][c];
            }
            mixedRadix(residues, digits);
            boolean negative = compareDigits(digits, halfDigits) > 0;
            BigInteger acc = BigInteger.ZERO;
            for (int i = k - 1; i >= 0; i--) {
                int d = negative ? q[i] - 1 - digits[i] : digits[i];
                acc = acc.multiply(BigInteger.valueOf(q[i])).add(BigInteger.valueOf(d));
            }
            out[c] = negative ? acc.add(BigInteger.ONE).negate() : acc;
        }
        return out;
    }

    /** Garner: digits[i] = ((x_i - d_0) q_0^-1 - d_1) q_1^-1 ... mod q_i. */
    private void mixedRadix(int[] residues, int[] digits) {
        for (int i = 0; i < q.length; i++) {
            int qi = q[i], t = residues[i];
            for (int j = 0; j < i; j++) {
                int dj = digits[j] % qi;
                t = ModArith.mulShoup(ModArith.csub(t - dj + qi, qi), inv[i][j], invShoup[i][j], qi);
            }
            digits[i] = t;
        }
    }

    /** Compares two mixed-radix numbers digit by digit from the most significant. */
    private static int compareDigits(int[] a, int[] b) {
        for (int i = a.length - 1; i >= 0; i--) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return 0;
    }

    private int[][] limbs(RnsPoly p) {
        int[][] limbs = new int[q.length][];
        for (int i = 0; i < q.length; i++) {
            limbs[i] = p.limbToArray(i);
        }
        return limbs;
    }

    private void checkBasis(RnsPoly p) {
        if (!p.basis().equals(basis)) {
            throw new IllegalArgumentException("CRT reconstruction for " + basis + " given a polynomial over " + p.basis());
        }
    }
}
