package dev.hyphenj.ckks.io;

import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.PublicKey;
import dev.hyphenj.ckks.SecretKey;
import dev.hyphenj.ckks.SwitchingKey;
import dev.hyphenj.ntt.Kernels;
import dev.hyphenj.ntt.ModArith;
import dev.hyphenj.ntt.Modulus;
import dev.hyphenj.ntt.RnsBasis;
import dev.hyphenj.ntt.RnsPoly;
import java.util.Arrays;

/**
 * Checks, for a caller that holds the secret key (the client), that keys were made for it: a key read from a file
 * that belongs to another secret has the right parameters and a valid checksum, and only this test tells it apart.
 * A public key (b, a) must have b + a s small; a switching key's digit j (b_j, a_j), taken out of Montgomery form,
 * must have b_j + a_j s_k - P s' small on the limbs of digit j and b_j + a_j s_k small elsewhere (s_k = s for a
 * relinearization key, s' = s^2; s_k = s(X^(k^-1)), s' = s for a Galois key of X -> X^k, stored pre-permuted).
 * "Small" is within {@link #BOUND}: fresh key errors are rounded Gaussians cut at 6 sigma (at most 19), while a key
 * for another secret gives residues spread over the whole modulus.
 */
public final class KeyCheck {
    /** The largest error coefficient accepted, in absolute value. */
    public static final long BOUND = 64;

    private KeyCheck() {}

    /** Throws IllegalArgumentException if the public key was not made for this secret key. */
    public static void verify(PublicKey pk, SecretKey sk) {
        Parameters params = pk.parameters();
        requireSame("public key", params, sk);
        Internals.Bridge br = Internals.bridge();
        RnsBasis basis = params.basisQ(params.maxLevel());
        try (RnsPoly s = RnsPoly.zeros(basis).copyLimbsFrom(br.secretPoly(sk), 0, 0, basis.size());
                RnsPoly t = RnsPoly.copyOf(br.publicB(pk))) {
            br.publicA(pk).mulAdd(s, t);
            t.inverseNtt();
            check("public key", t);
        }
    }

    /** Throws IllegalArgumentException if the key-switching key was not made for this secret key. */
    public static void verify(SwitchingKey key, SecretKey sk) {
        Parameters params = key.parameters();
        requireSame(key.toString(), params, sk);
        Internals.Bridge br = Internals.bridge();
        Kernels kernels = Kernels.get();
        int level = key.level();
        RnsBasis basis = params.basisQP(level);
        int qLimbs = params.primesAtLevel(level), qTop = params.primesAtLevel(params.maxLevel());
        int pLimbs = params.pPrimes().length, alpha = params.digitPrimes();
        RnsPoly[] b = br.b(key), a = br.a(key);
        try (RnsPoly s = RnsPoly.zeros(basis); RnsPoly sk2 = RnsPoly.allocate(basis);
                RnsPoly target = RnsPoly.allocate(basis); RnsPoly t = RnsPoly.allocate(basis);
                RnsPoly u = RnsPoly.allocate(basis)) {
            s.copyLimbsFrom(br.secretPoly(sk), 0, 0, qLimbs).copyLimbsFrom(br.secretPoly(sk), qTop, qLimbs, pLimbs);
            if (key.galoisElement() == 0) {
                sk2.copyFrom(s);
                s.mul(s, target);
            } else {
                long twoN = 2L * params.n();
                s.automorphismNtt(ModArith.powMod(key.galoisElement(), params.n() - 1, twoN), sk2);
                target.copyFrom(s);
            }
            for (int j = 0; j < b.length; j++) {
                fromMontgomery(kernels, b[j], t);
                fromMontgomery(kernels, a[j], u);
                u.mulAdd(sk2, t);
                for (int limb = j * alpha; limb < Math.min(qLimbs, (j + 1) * alpha); limb++) {
                    Modulus m = basis.modulus(limb);
                    kernels.mulScalar(target.limb(limb), pModQ(params, basis.prime(limb)), u.limb(limb), m);
                    kernels.sub(t.limb(limb), u.limb(limb), t.limb(limb), m);
                }
                t.inverseNtt();
                check(key + " digit " + j, t);
            }
        }
    }

    /** Checks every key of the set. */
    public static void verify(EvaluationKeys keys, SecretKey sk) {
        try {
            verify(keys.relinearization(), sk);
        } catch (IllegalStateException noRelinearizationKey) {
            // nothing to check
        }
        for (SwitchingKey k : keys.galoisKeys().values()) {
            verify(k, sk);
        }
    }

    private static void fromMontgomery(Kernels kernels, RnsPoly in, RnsPoly out) {
        RnsBasis basis = in.basis();
        for (int l = 0; l < basis.size(); l++) {
            Modulus m = basis.modulus(l);
            int inv = (int) ModArith.invMod(Integer.toUnsignedLong(m.twoTo32()), basis.prime(l));
            kernels.mulScalar(in.limb(l), inv, out.limb(l), m);
        }
    }

    private static int pModQ(Parameters params, long q) {
        long r = 1;
        for (long p : params.pPrimes()) {
            r = r * (p % q) % q;
        }
        return (int) r;
    }

    /** Throws unless every coefficient of t (coefficient domain), taken centered, is within the bound. */
    private static void check(String what, RnsPoly t) {
        long worst = 0;
        for (int l = 0; l < t.limbCount(); l++) {
            long q = t.basis().prime(l);
            for (int v : t.limbToArray(l)) {
                long c = v > q / 2 ? v - q : v;
                worst = Math.max(worst, Math.abs(c));
            }
        }
        if (worst > BOUND) {
            throw new IllegalArgumentException(String.format("%s was not made for this secret key: its error has a "
                    + "coefficient of 2^%.1f, above the bound 2^%.0f", what, Math.log(worst) / Math.log(2),
                    Math.log(BOUND) / Math.log(2)));
        }
    }

    private static void requireSame(String what, Parameters params, SecretKey sk) {
        if (sk.parameters() != params && !Arrays.equals(sk.parameters().hash(), params.hash())) {
            throw new IllegalArgumentException(what + " is for parameters '" + params.name() + "', the secret key for '"
                    + sk.parameters().name() + "'");
        }
    }
}
