package dev.hyphenj.ntt;

/**
 * Scalar modular arithmetic for word-size moduli q < 2^30 (residues held in {@code int}, products in {@code long}).
 *
 * <p>Three reduction forms, each for its use:
 * <ul>
 *   <li><b>Shoup</b> when one operand w is fixed: its companion {@code floor(w * 2^32 / q)} turns a product into two
 *       multiplies and a subtraction, result in [0, 2q). Twiddles, keys and plaintext weights use it.</li>
 *   <li><b>Barrett</b> for two varying operands in [0, q): no precomputation per operand.</li>
 *   <li><b>Montgomery</b> for long chains of products on one side (kept in Montgomery form).</li>
 * </ul>
 * These are the references the vector kernels are tested against; none of them is on a hot path.
 */
public final class ModArith {
    /** Moduli must stay below 2^30 so that lazy values in [0, 4q) fit an unsigned 32-bit word. */
    public static final int MAX_MODULUS_BITS = 30;

    private static final long M32 = 0xFFFF_FFFFL;

    private ModArith() {}

    /** Throws unless 2 < q < 2^30 and q is odd. */
    public static void checkModulus(long q) {
        if (q <= 2 || q >= (1L << MAX_MODULUS_BITS) || (q & 1) == 0) {
            throw new IllegalArgumentException("modulus " + q + " must be odd and in (2, 2^30)");
        }
    }

    /** (a * b) mod q for a, b in [0, q) and q < 2^32 (the product is exact as an unsigned 64-bit word). */
    public static long mulMod(long a, long b, long q) {
        return Long.remainderUnsigned(a * b, q);
    }

    /** a^e mod q for e >= 0 and q < 2^32. */
    public static long powMod(long a, long e, long q) {
        if (e < 0) {
            throw new IllegalArgumentException("negative exponent " + e);
        }
        long result = 1 % q;
        long base = a % q;
        while (e > 0) {
            if ((e & 1) != 0) {
                result = mulMod(result, base, q);
            }
            base = mulMod(base, base, q);
            e >>= 1;
        }
        return result;
    }

    /** a^-1 mod q for a prime q and a not divisible by q. */
    public static long invMod(long a, long q) {
        long r = a % q;
        if (r < 0) {
            r += q;
        }
        if (r == 0) {
            throw new ArithmeticException(a + " has no inverse modulo " + q);
        }
        return powMod(r, q - 2, q);
    }

    /** The Shoup companion floor(w * 2^32 / q) of a fixed operand w in [0, q), as an unsigned 32-bit int. */
    public static int shoup(long w, long q) {
        return (int) ((w << 32) / q);
    }

    /**
     * w * y mod q in [0, 2q), lazily, for y in [0, 2^32) as an unsigned int and w in [0, q) with its Shoup companion
     * ws. Exact because the true result is below 2^32, so computing it modulo 2^32 loses nothing.
     */
    public static int mulShoupLazy(int y, int w, int ws, int q) {
        long qh = ((ws & M32) * (y & M32)) >>> 32;
        return w * y - (int) qh * q;
    }

    /** w * y mod q in [0, q), see {@link #mulShoupLazy}. */
    public static int mulShoup(int y, int w, int ws, int q) {
        return csub(mulShoupLazy(y, w, ws, q), q);
    }

    /**
     * Conditional subtraction on unsigned 32-bit words, x >= m ? x - m : x, written as the unsigned minimum of x and
     * x - m (x - m wraps above x exactly when x < m): the same operation as the vector kernels' lanewise UMIN, and
     * branch-free (a data-dependent branch here mispredicts half the time).
     */
    public static int csub(int x, int m) {
        return umin(x, x - m);
    }

    /** Unsigned minimum of two 32-bit words. */
    public static int umin(int a, int b) {
        return Math.min(a + Integer.MIN_VALUE, b + Integer.MIN_VALUE) - Integer.MIN_VALUE;
    }

    /** Bit length of q; Barrett uses it to place its shifts. */
    public static int bitLength(long q) {
        return 64 - Long.numberOfLeadingZeros(q);
    }

    /** The Barrett constant floor(2^(2k) / q) for k = bitLength(q); below 2^(k+1) <= 2^31. */
    public static long barrettMu(long q) {
        return (1L << (2 * bitLength(q))) / q;
    }

    /**
     * a * b mod q in [0, q) for a, b in [0, q) by Barrett reduction: with k = bitLength(q), the quotient estimate
     * ((ab >> (k-1)) * mu) >> (k+1) is at most 2 short, so one product and two conditional subtractions suffice.
     * The vector kernel does the same steps lane by lane.
     */
    public static int mulBarrett(int a, int b, int q, long mu, int k) {
        long p = (a & M32) * (b & M32);
        long qe = ((p >>> (k - 1)) * mu) >>> (k + 1);
        int r = (int) p - (int) qe * q;
        return csub(csub(r, q), q);
    }

    /** -q^-1 mod 2^32, the Montgomery constant for R = 2^32. */
    public static int montgomeryNegInv(long q) {
        int inv = (int) q; // Newton iteration: each step doubles the correct low bits (q * q = 1 mod 8 for odd q)
        for (int i = 0; i < 5; i++) {
            inv *= 2 - (int) q * inv;
        }
        return -inv;
    }

    /** a * 2^32 mod q: the Montgomery form of a in [0, q). */
    public static int toMontgomery(long a, long q) {
        return (int) ((a << 32) % q);
    }

    /** a * b * 2^-32 mod q in [0, q) for a, b in [0, q), with qNegInv = -q^-1 mod 2^32. */
    public static int mulMontgomery(int a, int b, int q, int qNegInv) {
        long p = (a & M32) * (b & M32);
        long m = ((int) p * qNegInv) & M32;
        int t = (int) ((p + m * q) >>> 32);
        return csub(t, q);
    }
}
