package dev.hyphenj.ntt;

/**
 * One word-size prime modulus q < 2^30 and the constants its kernels need, computed once.
 *
 * @param q           the modulus
 * @param bits        bit length k of q (Barrett's shifts are k - 1 and k + 1)
 * @param barrettMu   floor(2^(2k) / q)
 * @param twoTo32     2^32 mod q (folds the high word of a 64-bit accumulator)
 * @param twoTo32Shoup Shoup companion of twoTo32
 * @param oneShoup    Shoup companion of 1, floor(2^32 / q): reduces any 32-bit word to [0, 2q)
 * @param montgomeryNegInv -q^-1 mod 2^32, for products with operands in Montgomery form (times 2^32 mod q)
 */
public record Modulus(int q, int bits, long barrettMu, int twoTo32, int twoTo32Shoup, int oneShoup,
        int montgomeryNegInv) {

    public static Modulus of(long q) {
        ModArith.checkModulus(q);
        int r = (int) ((1L << 32) % q);
        return new Modulus((int) q, ModArith.bitLength(q), ModArith.barrettMu(q), r, ModArith.shoup(r, q),
                ModArith.shoup(1, q), ModArith.montgomeryNegInv(q));
    }

    @Override
    public String toString() {
        return "Modulus[" + q + "]";
    }
}
