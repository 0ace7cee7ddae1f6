package dev.hyphenj.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Chebyshev-basis polynomial evaluation against the same series in double; precision in bits, depth checked. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChebyshevEvaluatorTest {
    /**
     * Insecure test set with a deep chain: q0 of two primes, 14 one-prime levels at scale 2^30, P of 3 primes,
     * digits of 2 primes (one fewer than P, as DESIGN section 4 asks at scale 2^30). log2 QP is about 540, far over
     * the bound for N = 2^12: marked insecure, for tests only.
     */
    static final Parameters DEEP_30 = Parameters.builder("test-deep-2^30").logN(12)
            .levelBits(new int[] {30, 30}, new int[] {30}, new int[] {30}, new int[] {30}, new int[] {30},
                    new int[] {30}, new int[] {30}, new int[] {30}, new int[] {30}, new int[] {30}, new int[] {30},
                    new int[] {30}, new int[] {30}, new int[] {30}, new int[] {30})
            .specialBits(30, 30, 30).digitPrimes(2).logScale(30).insecure().build();

    /** The reference composite minimax sign {15, 15, 27} (DESIGN section 5, data/appRelu): coefficients on [-hi, hi]. */
    static final double[][] SIGN_STAGES = {
        {0.0, 1.2742444448388393, 0.0, -0.4274610149956494, 0.0, 0.25984175887586414, 0.0, -0.18941603284874559, 0.0,
            0.15161579191172303, 0.0, -0.12894717917913226, 0.0, 0.11483895847325981, 0.0, -1.006755033482553},
        {0.0, 1.2736346876479048, 0.0, -0.4256207779327746, 0.0, 0.25673712875606736, 0.0, -0.1849870511791506, 0.0,
            0.14577062214620476, 0.0, -0.12155228460956989, 0.0, 0.10570299419729415, 0.0, -0.6074337088908702},
        {0.0, 1.2673773804541413, 0.0, -0.40710943565971247, 0.0, 0.22672419603908586, 0.0, -0.1446317843265118, 0.0,
            0.09650599256397496, 0.0, -0.06491388716870514, 0.0, 0.04312765828243548, 0.0, -0.027898015479886136, 0.0,
            0.01735004874515992, 0.0, -0.010233402947588588, 0.0, 0.005625101804981977, 0.0,
            -0.0028066514034350014, 0.0, 0.0012124225167721911, 0.0, -0.0004290299180589005}};
    static final double[] SIGN_HI = {1.0, 1.9520383064063944, 1.5577483898648947};

    private final Parameters params = DEEP_30;
    private Encoder encoder;
    private SecretKey sk;
    private EvaluationKeys keys;
    private Encryptor encryptor;
    private Decryptor decryptor;
    private Evaluator evaluator;
    private ChebyshevEvaluator chebyshev;
    private final SplittableRandom rnd = new SplittableRandom(7);

    @BeforeAll
    void setUp() {
        encoder = new Encoder(params);
        KeyGenerator kg = new KeyGenerator(params);
        sk = kg.secretKey();
        keys = kg.evaluationKeys(sk, new int[0], false);
        encryptor = new Encryptor(params, sk);
        decryptor = new Decryptor(params, sk);
        evaluator = new Evaluator(params, keys);
        chebyshev = new ChebyshevEvaluator(evaluator);
    }

    @AfterAll
    void tearDown() {
        keys.close();
        sk.close();
    }

    private double[] uniform(double a, double b) {
        double[] v = new double[params.slots()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextDouble(a, b);
        }
        return v;
    }

    /** Coefficients decaying like a smooth function's: c_i uniform in [-1, 1] / (1 + i). */
    private double[] coefficients(int degree) {
        double[] c = new double[degree + 1];
        for (int i = 0; i <= degree; i++) {
            c[i] = rnd.nextDouble(-1, 1) / (1 + i);
        }
        return c;
    }

    private Ciphertext encrypt(double[] v, int level) {
        try (Plaintext pt = encoder.encode(v, level, params.scale())) {
            return encryptor.encrypt(pt);
        }
    }

    private double[] decrypt(Ciphertext ct) {
        try (Plaintext pt = decryptor.decrypt(ct)) {
            return encoder.decodeReal(pt);
        }
    }

    private static Precision report(String what, double[] got, double[] want, double minBits) {
        Precision p = Precision.of(got, want);
        System.out.printf("%-62s %s%n", what + ":", p);
        assertTrue(p.worstBits() >= minBits, what + ": " + p + ", expected at least " + minBits + " bits worst");
        return p;
    }

    /** Evaluates p at the top level; checks depth and scale; returns the decrypted slots. */
    private double[] run(String what, ChebyshevPolynomial p, double[] x, int babySteps, double minBits) {
        int top = params.maxLevel();
        try (Ciphertext ct = encrypt(x, top);
                Ciphertext y = chebyshev.evaluate(ct, p, ct.scale(), babySteps)) {
            int consumed = top - y.level();
            assertEquals(p.depth(), consumed, what + ": consumed depth");
            assertEquals(ct.scale(), y.scale(), ct.scale() * 1e-9, what + ": output scale");
            double[] got = decrypt(y);
            report(String.format("%s (depth %d, %d products)", what, consumed,
                    ChebyshevEvaluator.multiplications(p, babySteps)), got, p.evaluate(x), minBits);
            return got;
        }
    }

    @Test
    void polynomialsOnTheUnitIntervalConsumeOptimalDepth() {
        double[] x = uniform(-1, 1);
        int[][] expected = {{7, 3}, {15, 4}, {27, 5}, {63, 6}};
        for (int[] e : expected) {
            int degree = e[0];
            ChebyshevPolynomial p = ChebyshevPolynomial.onUnitInterval(coefficients(degree));
            assertEquals(e[1], p.depth(), "ceil(log2(d + 1)) for degree " + degree);
            run("degree " + degree + " on [-1, 1], n1 = " + ChebyshevEvaluator.optimalBabySteps(p), p, x, 0, 12);
        }
    }

    @Test
    void everyBabyStepCountGivesTheSameResultAtTheSameDepth() {
        double[] x = uniform(-1, 1);
        ChebyshevPolynomial p = ChebyshevPolynomial.onUnitInterval(coefficients(27));
        double[] reference = null;
        for (int n1 : new int[] {2, 4, 8, 16, 32}) {
            double[] got = run("degree 27, n1 = " + n1, p, x, n1, 12);
            if (reference == null) {
                reference = got;
            } else {
                report("  n1 = " + n1 + " vs n1 = 2", got, reference, 12);
            }
        }
    }

    @Test
    void changeOfVariableCostsOneLevelUnlessTheIntervalHasWidthTwo() {
        ChebyshevPolynomial wide = new ChebyshevPolynomial(-4, 3, coefficients(15));
        assertEquals(5, wide.depth());
        run("degree 15 on [-4, 3] (1 level for the change of variable)", wide, uniform(-4, 3), 0, 12);
        ChebyshevPolynomial shifted = new ChebyshevPolynomial(0, 2, coefficients(15));
        assertEquals(4, shifted.depth());
        run("degree 15 on [0, 2] (free change of variable)", shifted, uniform(0, 2), 0, 12);
        ChebyshevPolynomial odd = ChebyshevPolynomial.onUnitInterval(SIGN_STAGES[2]).onInterval(-SIGN_HI[2],
                SIGN_HI[2]);
        run("odd degree 27 on [-1.56, 1.56]", odd, uniform(-SIGN_HI[2], SIGN_HI[2]), 0, 12);
    }

    @Test
    void outputLandsOnTheRequestedScale() {
        double[] x = uniform(-1, 1);
        ChebyshevPolynomial p = ChebyshevPolynomial.onUnitInterval(coefficients(15));
        for (double logScale : new double[] {26, 30, 34.5}) {
            double target = Math.pow(2, logScale);
            try (Ciphertext ct = encrypt(x, params.maxLevel()); Ciphertext y = chebyshev.evaluate(ct, p, target, 0)) {
                assertEquals(target, y.scale(), target * 1e-9);
                report("degree 15, output at scale 2^" + logScale, decrypt(y), p.evaluate(x), 10);
            }
        }
    }

    @Test
    void compositeSignMatchesTheDoubleCompositeAndSign() {
        List<ChebyshevPolynomial> stages = List.of(
                new ChebyshevPolynomial(-SIGN_HI[0], SIGN_HI[0], SIGN_STAGES[0]),
                new ChebyshevPolynomial(-SIGN_HI[1], SIGN_HI[1], SIGN_STAGES[1]),
                new ChebyshevPolynomial(-SIGN_HI[2], SIGN_HI[2], SIGN_STAGES[2]));
        assertEquals(4 + 4 + 5, ChebyshevEvaluator.depth(stages));
        int products = 0;
        for (ChebyshevPolynomial p : stages) {
            products += ChebyshevEvaluator.multiplications(p, 0);
        }
        double[] x = uniform(-1, 1);
        for (int i = 0; i < x.length; i++) { // |x| >= 2^-9, the minimax domain; every 7th input near the gap
            if (i % 7 == 0 || Math.abs(x[i]) < 0x1p-9) {
                x[i] = Math.copySign(0x1p-9 * (1 + rnd.nextDouble()), x[i]);
            }
        }
        double[] want = new double[x.length], sign = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            for (ChebyshevPolynomial p : stages) {
                v = p.evaluate(v);
            }
            want[i] = v;
            sign[i] = Math.signum(x[i]);
        }
        int top = params.maxLevel();
        try (Ciphertext ct = encrypt(x, top); Ciphertext y = chebyshev.evaluateComposite(ct, stages)) {
            assertEquals(13, top - y.level(), "composite depth");
            assertEquals(ct.scale(), y.scale(), ct.scale() * 1e-9);
            double[] got = decrypt(y);
            report("composite sign {15, 15, 27} vs double composite (depth 13, " + products + " products)", got,
                    want, 12);
            report("composite sign {15, 15, 27} vs sign(x), |x| >= 2^-9", got, sign, 12);
        }
    }

    @Test
    void twoPrimeLevelsAtScale60WithLargeCoefficients() {
        // three two-prime levels: rescales divide by about 2^60; a product needs Q_l > 2^120, so levels 3 and 2 only
        Parameters p60 = TestParameters.SCALE_60;
        Encoder enc = new Encoder(p60);
        KeyGenerator kg = new KeyGenerator(p60);
        double[] c = coefficients(3);
        for (int i = 0; i < c.length; i++) {
            c[i] *= 40; // constants times 2^60 overflow a long: the encoded-constant path
        }
        ChebyshevPolynomial p = new ChebyshevPolynomial(-2, 0, c);
        double[] x = uniform(-2, 0);
        try (SecretKey s = kg.secretKey(); EvaluationKeys k = kg.evaluationKeys(s, new int[0], false)) {
            int top = p60.maxLevel();
            try (Plaintext pt = enc.encode(x, top, p60.scale()); Ciphertext ct = new Encryptor(p60, s).encrypt(pt);
                    Ciphertext y = new ChebyshevEvaluator(new Evaluator(p60, k)).evaluate(ct, p);
                    Plaintext out = new Decryptor(p60, s).decrypt(y)) {
                assertEquals(2, top - y.level());
                assertEquals(ct.scale(), y.scale(), ct.scale() * 1e-9);
                report("degree 3 on [-2, 0], scale 2^60, |c_i| up to 40 (depth 2)", enc.decodeReal(out),
                        p.evaluate(x), 30);
            }
        }
    }

    @Test
    void misuseGivesClearErrors() {
        ChebyshevPolynomial p63 = ChebyshevPolynomial.onUnitInterval(coefficients(63));
        try (Ciphertext low = encrypt(uniform(-1, 1), 5)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> chebyshev.evaluate(low, p63));
            assertTrue(e.getMessage().contains("consumes 6 levels") && e.getMessage().contains("level 5"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> chebyshev.evaluate(low, ChebyshevPolynomial.onUnitInterval(1, 2, 3), low.scale(), 3));
            assertTrue(e.getMessage().contains("power of two"), e.getMessage());
            ChebyshevEvaluator noRelin = new ChebyshevEvaluator(new Evaluator(params, null));
            IllegalStateException s = assertThrows(IllegalStateException.class,
                    () -> noRelin.evaluate(low, ChebyshevPolynomial.onUnitInterval(1, 2, 3)));
            assertTrue(s.getMessage().contains("no evaluation keys"), s.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new ChebyshevPolynomial(1, 1, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new ChebyshevPolynomial(-1, 1, Double.NaN));
    }

    @Test
    void doubleReferenceMatchesTheDefinition() {
        double[] c = coefficients(9);
        ChebyshevPolynomial p = new ChebyshevPolynomial(-3, 5, c);
        for (double x = -3; x <= 5; x += 0.37) {
            double t = (2 * x + 3 - 5) / 8.0, want = 0;
            for (int i = 0; i < c.length; i++) {
                want += c[i] * Math.cos(i * Math.acos(t));
            }
            assertEquals(want, p.evaluate(x), 1e-12);
        }
    }
}
