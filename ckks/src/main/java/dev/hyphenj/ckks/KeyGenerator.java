package dev.hyphenj.ckks;

import dev.hyphenj.ntt.Kernels;
import dev.hyphenj.ntt.RnsBasis;
import dev.hyphenj.ntt.RnsPoly;
import java.util.HashMap;
import java.util.Map;

/** Generates the secret key and the keys derived from it. Secrets and errors come from SecureRandom. */
public final class KeyGenerator {
    /** Standard deviation of the error distribution. */
    public static final double SIGMA = 3.2;

    private final Parameters params;
    private final Kernels kernels = Kernels.get();

    public KeyGenerator(Parameters params) {
        this.params = params;
    }

    /** A fresh secret key from the parameters' secret distribution. */
    public SecretKey secretKey() {
        Sampler rnd = Sampler.secure();
        int n = params.n();
        long[] s = params.secret().isSparse() ? rnd.sparseTernary(n, params.secret().hammingWeight()) : rnd.ternary(n);
        RnsPoly poly = RnsPoly.fromCoefficients(params.basisQP(params.maxLevel()), s);
        poly.forwardNtt();
        return new SecretKey(params, poly);
    }

    /** The public key (-a s + e, a) modulo Q at the top level. */
    public PublicKey publicKey(SecretKey sk) {
        check(sk);
        int top = params.maxLevel();
        RnsBasis basis = params.basisQ(top);
        RnsPoly a = RnsPoly.zeros(basis);
        Sampler.secure().uniform(a);
        RnsPoly b = error(basis);
        try (RnsPoly s = sk.atLevelQ(top); RnsPoly as = RnsPoly.zeros(basis)) {
            a.mul(s, as);
            b.sub(as, b);
        }
        return new PublicKey(params, b, a);
    }

    /** The relinearization key: switches s^2 to s, at the top level. */
    public SwitchingKey relinearizationKey(SecretKey sk) {
        return relinearizationKey(sk, params.maxLevel());
    }

    /** The relinearization key cut to ciphertexts at levels up to {@code level}. */
    public SwitchingKey relinearizationKey(SecretKey sk, int level) {
        check(sk);
        try (RnsPoly s2 = RnsPoly.zeros(sk.poly().basis())) {
            sk.poly().mul(sk.poly(), s2);
            return switchingKey(sk, s2, level, 0, 1);
        }
    }

    /** The Galois key for X -> X^k at the top level. */
    public SwitchingKey galoisKey(SecretKey sk, long k) {
        return galoisKey(sk, k, params.maxLevel());
    }

    /**
     * The Galois key for X -> X^k, cut to ciphertexts at levels up to {@code level} (fewer limbs, fewer bytes).
     *
     * <p>It is stored pre-permuted by s = X -> X^(k^-1): digit j is (s(b_j), s(a_j)) for the key (b_j, a_j) =
     * (-a_j s + e_j + P T_j s(X^k), a_j) that switches s(X^k) to s. Then the inner product of X^k(d)'s raised digits
     * with (b_j, a_j) is X^k applied to the inner product of d's own raised digits with the stored key, so the
     * evaluator permutes two results per rotation instead of every raised digit. The stored key is itself an
     * ordinary switching key (from s to s(X^(k^-1)), with uniform s(a_j)), so nothing about its security changes.
     * The seeded form regenerates the a_j and applies the same permutation.
     */
    public SwitchingKey galoisKey(SecretKey sk, long k, int level) {
        check(sk);
        long kk = Math.floorMod(k, 2L * params.n());
        try (RnsPoly sk2 = RnsPoly.allocate(sk.poly().basis())) {
            sk.poly().automorphismNtt(kk, sk2);
            return switchingKey(sk, sk2, level, kk, SwitchingKey.storagePermutation(params, kk));
        }
    }

    /** Keys for relinearization and for rotations by the given slot steps (and conjugation if asked). */
    public EvaluationKeys evaluationKeys(SecretKey sk, int[] rotations, boolean conjugation) {
        Map<Long, SwitchingKey> galois = new HashMap<>();
        for (int r : rotations) {
            long k = Encoder.galoisElement(r, params.n());
            if (k != 1 && !galois.containsKey(k)) {
                galois.put(k, galoisKey(sk, k));
            }
        }
        if (conjugation) {
            long k = Encoder.conjugationElement(params.n());
            galois.put(k, galoisKey(sk, k));
        }
        return new EvaluationKeys(relinearizationKey(sk), galois);
    }

    /**
     * The key switching sIn (over QP at the top level, NTT) to s, for ciphertexts up to {@code level}: digit j is
     * (-a_j s + e_j + [P]_{q_i} sIn on the limbs of digit j, a_j) over Q_level and P, then permuted by
     * X -> X^permutation (1: not permuted).
     */
    SwitchingKey switchingKey(SecretKey sk, RnsPoly sIn, int level, long galoisElement, long permutation) {
        RnsBasis basis = params.basisQP(level);
        int qLimbs = params.primesAtLevel(level), digits = params.dnum(level), alpha = params.digitPrimes();
        byte[] seed = Sampler.freshSeed();
        RnsPoly[] bs = new RnsPoly[digits], as = new RnsPoly[digits];
        try (RnsPoly s = restrict(sk.poly(), level); RnsPoly sInL = restrict(sIn, level);
                RnsPoly tmp = RnsPoly.zeros(basis)) {
            for (int j = 0; j < digits; j++) {
                RnsPoly a = SwitchingKey.sampleA(params, level, seed, j);
                RnsPoly b = error(basis);
                a.mul(s, tmp);
                b.sub(tmp, b);
                for (int limb = j * alpha; limb < Math.min(qLimbs, (j + 1) * alpha); limb++) {
                    kernels.mulScalar(sInL.limb(limb), pModQ(basis.prime(limb)), tmp.limb(limb), basis.modulus(limb));
                    kernels.add(b.limb(limb), tmp.limb(limb), b.limb(limb), basis.modulus(limb));
                }
                SwitchingKey.toStoredForm(b, permutation);
                SwitchingKey.toStoredForm(a, permutation);
                bs[j] = b;
                as[j] = a;
            }
        }
        return new SwitchingKey(params, level, galoisElement, seed, bs, as);
    }

    /** P mod q. */
    private int pModQ(long q) {
        long r = 1;
        for (long p : params.pPrimes()) {
            r = r * (p % q) % q;
        }
        return (int) r;
    }

    /** A fresh Gaussian error polynomial over the basis, NTT domain. */
    private RnsPoly error(RnsBasis basis) {
        RnsPoly e = RnsPoly.fromCoefficients(basis, Sampler.secure().gaussian(params.n(), SIGMA));
        e.forwardNtt();
        return e;
    }

    /** A polynomial over QP(top) restricted to the limbs of QP(level). */
    private RnsPoly restrict(RnsPoly full, int level) {
        int qLimbs = params.primesAtLevel(level), qTop = params.primesAtLevel(params.maxLevel());
        int pLimbs = params.pPrimes().length;
        RnsPoly r = RnsPoly.zeros(params.basisQP(level));
        r.copyLimbsFrom(full, 0, 0, qLimbs);
        r.copyLimbsFrom(full, qTop, qLimbs, pLimbs);
        return r;
    }

    private void check(SecretKey sk) {
        if (sk.parameters() != params && !java.util.Arrays.equals(sk.parameters().hash(), params.hash())) {
            throw new IllegalArgumentException("secret key for parameters '" + sk.parameters().name()
                    + "' used with '" + params.name() + "'");
        }
    }
}
