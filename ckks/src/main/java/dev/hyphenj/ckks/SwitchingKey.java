package dev.hyphenj.ckks;

import dev.hyphenj.ntt.RnsPoly;

/**
 * A hybrid key-switching key from a key s' to the secret s: for each digit j of {@code digitPrimes} primes of Q,
 * (b_j, a_j) = (-a_j s + e_j + P [Q/Q_j]_{...} s', a_j) over Q_level and P, NTT domain. Because the gadget factor
 * is 1 modulo the primes of digit j and 0 modulo every other prime, the s' term sits only on digit j's limbs.
 * Relinearization keys have s' = s^2, Galois keys s' = s(X^k).
 *
 * <p>The uniform halves a_j come from a 32-byte seed, one AES-CTR stream per (digit, limb), so a key can be stored
 * as b and the seed, and cut to a lower level by dropping limbs. Both halves carry Shoup companions for the
 * multiply-accumulate of key switching.
 */
public final class SwitchingKey implements AutoCloseable {
    private final Parameters params;
    private final int level;
    private final long galoisElement;
    private final byte[] seed;
    final RnsPoly[] b;
    final RnsPoly[] a;
    final RnsPoly[] bShoup;
    final RnsPoly[] aShoup;

    SwitchingKey(Parameters params, int level, long galoisElement, byte[] seed, RnsPoly[] b, RnsPoly[] a) {
        this.params = params;
        this.level = level;
        this.galoisElement = galoisElement;
        this.seed = seed.clone();
        this.b = b;
        this.a = a;
        this.bShoup = companions(b);
        this.aShoup = companions(a);
    }

    private static RnsPoly[] companions(RnsPoly[] polys) {
        RnsPoly[] c = new RnsPoly[polys.length];
        for (int j = 0; j < polys.length; j++) {
            c[j] = RnsPoly.zeros(polys[j].basis());
            polys[j].shoupCompanions(c[j]);
        }
        return c;
    }

    public Parameters parameters() {
        return params;
    }

    /** The highest ciphertext level this key can switch. */
    public int level() {
        return level;
    }

    /** The Galois element k of a Galois key (X -> X^k), or 0 for a relinearization key. */
    public long galoisElement() {
        return galoisElement;
    }

    /** Number of digits. */
    public int digits() {
        return b.length;
    }

    byte[] seed() {
        return seed.clone();
    }

    /** Bytes of the key as stored plainly: both halves of every digit, 4 bytes per residue. */
    public long plainBytes() {
        return 2L * b.length * b[0].limbCount() * params.n() * Integer.BYTES;
    }

    /** Bytes of the key stored seeded: the b halves and the 32-byte seed. */
    public long seededBytes() {
        return plainBytes() / 2 + Sampler.SEED_BYTES;
    }

    /** Bytes this key occupies in memory: both halves and their Shoup companions. */
    public long memoryBytes() {
        return 2 * plainBytes();
    }

    @Override
    public void close() {
        for (RnsPoly[] polys : new RnsPoly[][] {b, a, bShoup, aShoup}) {
            for (RnsPoly p : polys) {
                p.close();
            }
        }
    }

    @Override
    public String toString() {
        return (galoisElement == 0 ? "RelinearizationKey" : "GaloisKey[X -> X^" + galoisElement + "]") + "[level "
                + level + ", " + b.length + " digits]";
    }
}
