package dev.hyphenj.ckks;

import dev.hyphenj.ntt.RnsPoly;

/**
 * A hybrid key-switching key from a key s' to the secret s: for each digit j of {@code digitPrimes} primes of Q,
 * (b_j, a_j) = (-a_j s + e_j + P [Q/Q_j]_{...} s', a_j) over Q_level and P, NTT domain. Because the gadget factor
 * is 1 modulo the primes of digit j and 0 modulo every other prime, the s' term sits only on digit j's limbs.
 * Relinearization keys have s' = s^2, Galois keys s' = s(X^k).
 *
 * <p>The uniform halves a_j come from a 32-byte seed, one AES-CTR stream per (digit, limb), so a key can be stored
 * as b and the seed, and cut to a lower level by dropping limbs. In memory both halves are held in Montgomery form
 * (each residue times 2^32 mod q), the form the key-switching inner product reads.
 */
public final class SwitchingKey implements AutoCloseable {
    private final Parameters params;
    private final int level;
    private final long galoisElement;
    private final byte[] seed;
    /** Digit j's halves in Montgomery form. */
    final RnsPoly[] b;
    final RnsPoly[] a;

    SwitchingKey(Parameters params, int level, long galoisElement, byte[] seed, RnsPoly[] b, RnsPoly[] a) {
        this.params = params;
        this.level = level;
        this.galoisElement = galoisElement;
        this.seed = seed.clone();
        this.b = b;
        this.a = a;
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

    /** Bytes this key occupies in memory: both halves. */
    public long memoryBytes() {
        return plainBytes();
    }

    @Override
    public void close() {
        for (RnsPoly[] polys : new RnsPoly[][] {b, a}) {
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
