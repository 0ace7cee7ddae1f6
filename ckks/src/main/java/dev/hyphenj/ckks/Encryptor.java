package dev.hyphenj.ckks;

import dev.hyphenj.ntt.RnsBasis;
import dev.hyphenj.ntt.RnsPoly;

/**
 * Encrypts plaintexts with the secret key (c1 uniform, c0 = -c1 s + e + m: the smaller noise, which inputs at scale
 * 2^30 need) or with the public key (c = u (b, a) + (e0 + m, e1) for a ternary u).
 */
public final class Encryptor {
    private final Parameters params;
    private final SecretKey sk;
    private final PublicKey pk;

    /** An encryptor with the secret key (for the client's inputs). */
    public Encryptor(Parameters params, SecretKey sk) {
        this.params = params;
        this.sk = sk;
        this.pk = null;
        requireSame(sk.parameters());
    }

    /** An encryptor with the public key. */
    public Encryptor(Parameters params, PublicKey pk) {
        this.params = params;
        this.sk = null;
        this.pk = pk;
        requireSame(pk.parameters());
    }

    public Ciphertext encrypt(Plaintext pt) {
        int level = pt.level();
        RnsBasis basis = params.basisQ(level);
        if (!pt.poly().basis().equals(basis)) {
            throw new IllegalArgumentException("encrypt: plaintext is not over Q_" + level + " of '" + params.name() + "'");
        }
        Sampler rnd = Sampler.secure();
        RnsPoly c0 = noise(rnd, basis), c1;
        if (sk != null) {
            c1 = RnsPoly.zeros(basis);
            rnd.uniform(c1);
            try (RnsPoly s = sk.atLevelQ(level); RnsPoly t = RnsPoly.zeros(basis)) {
                c1.mul(s, t);
                c0.sub(t, c0);
            }
        } else {
            int limbs = params.primesAtLevel(level);
            c1 = noise(rnd, basis);
            try (RnsPoly u = RnsPoly.fromCoefficients(basis, rnd.ternary(params.n()));
                    RnsPoly b = RnsPoly.zeros(basis).copyLimbsFrom(pk.b(), 0, 0, limbs);
                    RnsPoly a = RnsPoly.zeros(basis).copyLimbsFrom(pk.a(), 0, 0, limbs)) {
                u.forwardNtt();
                u.mulAdd(b, c0);
                u.mulAdd(a, c1);
            }
        }
        c0.add(pt.poly(), c0);
        return new Ciphertext(c0, c1, level, pt.scale(), pt.logSlots());
    }

    private RnsPoly noise(Sampler rnd, RnsBasis basis) {
        RnsPoly e = RnsPoly.fromCoefficients(basis, rnd.gaussian(params.n(), KeyGenerator.SIGMA));
        e.forwardNtt();
        return e;
    }

    private void requireSame(Parameters other) {
        if (!java.util.Arrays.equals(other.hash(), params.hash())) {
            throw new IllegalArgumentException("key for parameters '" + other.name() + "' used with '" + params.name() + "'");
        }
    }
}
