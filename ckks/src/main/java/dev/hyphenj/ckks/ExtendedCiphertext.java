package dev.hyphenj.ckks;

import dev.hyphenj.ntt.RnsPoly;

/**
 * A ciphertext times P over Q_level and the special primes P: the form a key switch has before its ModDown. Sums of
 * rotated ciphertexts and their plaintext products can stay in this form and share one ModDown at the end (double
 * hoisting, {@link LinearTransform}); {@link Evaluator#modDown} brings it back to an ordinary ciphertext.
 */
final class ExtendedCiphertext implements AutoCloseable {
    final RnsPoly c0;
    final RnsPoly c1;
    final int level;

    ExtendedCiphertext(RnsPoly c0, RnsPoly c1, int level) {
        this.c0 = c0;
        this.c1 = c1;
        this.level = level;
    }

    @Override
    public void close() {
        c0.close();
        c1.close();
    }
}
