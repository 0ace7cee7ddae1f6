package dev.hyphenj.ckks;

import dev.hyphenj.ckks.io.Internals;
import dev.hyphenj.ntt.Kernels;
import dev.hyphenj.ntt.ModArith;
import dev.hyphenj.ntt.RnsBasis;
import dev.hyphenj.ntt.RnsPoly;
import java.lang.foreign.Arena;
import java.util.Map;

/**
 * A hybrid key-switching key from a key s' to the secret s: for each digit j of {@code digitPrimes} primes of Q,
 * (b_j, a_j) = (-a_j s + e_j + P [Q/Q_j]_{...} s', a_j) over Q_level and P, NTT domain. Because the gadget factor
 * is 1 modulo the primes of digit j and 0 modulo every other prime, the s' term sits only on digit j's limbs.
 * Relinearization keys have s' = s^2, Galois keys s' = s(X^k).
 *
 * <p>The uniform halves a_j come from a 32-byte seed, one AES-CTR stream per (digit, limb), so a key can be stored
 * as b and the seed, and cut to a lower level by dropping limbs. In memory both halves are held in Montgomery form
 * (each residue times 2^32 mod q), the form the key-switching inner product reads. Keys mapped from a file
 * ({@code dev.hyphenj.ckks.io.MappedKeys}) hold views into the mapping: closing such a key does nothing, closing its
 * {@link EvaluationKeys} unmaps the file.
 */
public final class SwitchingKey implements AutoCloseable {
    static {
        Internals.install(new SerializationBridge()); // lets dev.hyphenj.ckks.io reach key material, nobody else
    }

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

    /**
     * Digit {@code digit}'s uniform half a_j of a key at {@code level}, as sampled (NTT domain, not yet in stored
     * form): limb {@code limb} from the seed's stream (digit, global limb index), with global = limb for the limbs of
     * Q_level and qTop + (limb - qLimbs) for those of P, so that a key cut to a lower level has the same limbs.
     */
    static RnsPoly sampleA(Parameters params, int level, byte[] seed, int digit) {
        RnsBasis basis = params.basisQP(level);
        int qLimbs = params.primesAtLevel(level), qTop = params.primesAtLevel(params.maxLevel());
        RnsPoly a = RnsPoly.allocate(basis);
        for (int limb = 0; limb < basis.size(); limb++) {
            int global = limb < qLimbs ? limb : qTop + (limb - qLimbs);
            Sampler.seeded(seed, ((long) digit << 32) | global).uniformLimb(a, limb);
        }
        return a;
    }

    /** In place: permuted by X -> X^permutation (1: not), then each residue times 2^32 (Montgomery form). */
    static void toStoredForm(RnsPoly p, long permutation) {
        if (permutation != 1) {
            p.automorphismNtt(permutation, p);
        }
        Kernels kernels = Kernels.get();
        RnsBasis basis = p.basis();
        for (int limb = 0; limb < basis.size(); limb++) {
            var m = basis.modulus(limb);
            kernels.mulScalar(p.limb(limb), m.twoTo32(), p.limb(limb), m);
        }
    }

    /** The permutation Galois keys are stored under: X -> X^(k^-1 mod 2N) for element k, 1 (none) otherwise. */
    static long storagePermutation(Parameters params, long galoisElement) {
        if (galoisElement == 0) {
            return 1;
        }
        long twoN = 2L * params.n();
        return ModArith.powMod(Math.floorMod(galoisElement, twoN), params.n() - 1, twoN); // odd residues: order N
    }

    /** Digit {@code digit}'s a half of a key, regenerated from its seed exactly as key generation stored it. */
    static RnsPoly regenerateA(Parameters params, int level, long galoisElement, byte[] seed, int digit) {
        RnsPoly a = sampleA(params, level, seed, digit);
        toStoredForm(a, storagePermutation(params, galoisElement));
        return a;
    }

    /** The package-private parts that serialization ({@link Internals}) needs. */
    private static final class SerializationBridge implements Internals.Bridge {
        @Override
        public SwitchingKey newSwitchingKey(Parameters params, int level, long galoisElement, byte[] seed, RnsPoly[] b,
                RnsPoly[] a) {
            return new SwitchingKey(params, level, galoisElement, seed, b, a);
        }

        @Override
        public EvaluationKeys newEvaluationKeys(SwitchingKey relinearization, Map<Long, SwitchingKey> galois,
                Arena mapping) {
            return new EvaluationKeys(relinearization, galois, mapping);
        }

        @Override
        public RnsPoly[] b(SwitchingKey key) {
            return key.b.clone();
        }

        @Override
        public RnsPoly[] a(SwitchingKey key) {
            return key.a.clone();
        }

        @Override
        public byte[] seed(SwitchingKey key) {
            return key.seed();
        }

        @Override
        public RnsPoly regenerateA(Parameters params, int level, long galoisElement, byte[] seed, int digit) {
            return SwitchingKey.regenerateA(params, level, galoisElement, seed, digit);
        }

        @Override
        public SecretKey newSecretKey(Parameters params, RnsPoly s) {
            return new SecretKey(params, s);
        }

        @Override
        public RnsPoly secretPoly(SecretKey key) {
            return key.poly();
        }

        @Override
        public PublicKey newPublicKey(Parameters params, RnsPoly b, RnsPoly a) {
            return new PublicKey(params, b, a);
        }

        @Override
        public RnsPoly publicB(PublicKey key) {
            return key.b();
        }

        @Override
        public RnsPoly publicA(PublicKey key) {
            return key.a();
        }
    }
}
