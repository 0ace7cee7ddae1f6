package dev.hyphenj.ckks;

import dev.hyphenj.ntt.RnsPoly;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Randomness for keys and encryption: an AES-256-CTR keystream. Keyed from {@link SecureRandom} for secrets and
 * errors, or from a 32-byte public seed for the uniform halves of keys, which can then be stored as the seed alone
 * and regenerated. The {@code stream} number separates independent streams under one seed (it is the IV).
 */
final class Sampler {
    /** Bytes of a seed. */
    static final int SEED_BYTES = 32;
    private static final SecureRandom SECURE = new SecureRandom();

    private final Cipher cipher;
    private final ByteBuffer block = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    private final byte[] zeros = new byte[4096];

    private Sampler(byte[] seed, long stream) {
        if (seed.length != SEED_BYTES) {
            throw new IllegalArgumentException("a seed has " + SEED_BYTES + " bytes, got " + seed.length);
        }
        try {
            cipher = Cipher.getInstance("AES/CTR/NoPadding");
            byte[] iv = ByteBuffer.allocate(16).putLong(stream).putLong(0).array();
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(iv));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CTR is not available in this JDK", e);
        }
        block.limit(0);
    }

    /** A deterministic stream for a public seed. */
    static Sampler seeded(byte[] seed, long stream) {
        return new Sampler(seed, stream);
    }

    /** A stream keyed by fresh secure randomness. */
    static Sampler secure() {
        return new Sampler(freshSeed(), 0);
    }

    static byte[] freshSeed() {
        byte[] seed = new byte[SEED_BYTES];
        SECURE.nextBytes(seed);
        return seed;
    }

    int nextInt() {
        if (block.remaining() < Integer.BYTES) {
            block.clear();
            try {
                cipher.update(zeros, 0, zeros.length, block.array(), 0);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            block.limit(zeros.length);
        }
        return block.getInt();
    }

    /** A uniform double in [0, 1) with 53 random bits. */
    double nextDouble() {
        long bits = ((long) nextInt() << 32) ^ (nextInt() & 0xFFFF_FFFFL);
        return (bits >>> 11) * 0x1.0p-53;
    }

    /** A uniform integer in [0, bound) for 0 < bound <= 2^31 - 1, by rejection. */
    int nextInt(int bound) {
        int mask = -1 >>> Integer.numberOfLeadingZeros(bound - 1 | 1);
        while (true) {
            int r = nextInt() & mask;
            if (r < bound) {
                return r;
            }
        }
    }

    /** Limb {@code limb} of p uniform modulo its prime. */
    void uniformLimb(RnsPoly p, int limb) {
        int q = (int) p.basis().prime(limb);
        for (int i = 0; i < p.n(); i++) {
            p.set(limb, i, nextInt(q));
        }
    }

    /** Every limb of p uniform modulo its prime: a uniform element of Z_Q[X]/(X^N + 1), in either domain. */
    void uniform(RnsPoly p) {
        for (int l = 0; l < p.limbCount(); l++) {
            uniformLimb(p, l);
        }
    }

    /** n coefficients from the uniform ternary distribution: -1 and 1 with probability 1/4 each, else 0. */
    long[] ternary(int n) {
        long[] s = new long[n];
        for (int i = 0; i < n; i++) {
            int r = nextInt() & 3;
            s[i] = r == 0 ? -1 : r == 1 ? 1 : 0;
        }
        return s;
    }

    /** n coefficients with exactly h non-zero ones, each +1 or -1, at uniformly random positions. */
    long[] sparseTernary(int n, int h) {
        if (h > n) {
            throw new IllegalArgumentException("Hamming weight " + h + " exceeds the ring degree " + n);
        }
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) {
            positions[i] = i;
        }
        long[] s = new long[n];
        for (int i = 0; i < h; i++) { // partial Fisher-Yates: the first h positions of a uniform shuffle
            int j = i + nextInt(n - i);
            int t = positions[i];
            positions[i] = positions[j];
            positions[j] = t;
            s[positions[i]] = (nextInt() & 1) == 0 ? 1 : -1;
        }
        return s;
    }

    /** n samples of the rounded Gaussian of standard deviation sigma, cut at 6 sigma (Box-Muller). */
    long[] gaussian(int n, double sigma) {
        long[] e = new long[n];
        double bound = 6 * sigma;
        for (int i = 0; i < n; ) {
            double u1 = 1 - nextDouble(), u2 = nextDouble();
            double r = Math.sqrt(-2 * Math.log(u1)) * sigma;
            for (double x : new double[] {r * Math.cos(2 * Math.PI * u2), r * Math.sin(2 * Math.PI * u2)}) {
                if (i < n && Math.abs(x) <= bound) {
                    e[i++] = Math.round(x);
                }
            }
        }
        return e;
    }
}
