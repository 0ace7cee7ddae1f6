package dev.hyphenj.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ntt.RnsBasis;
import dev.hyphenj.ntt.RnsPoly;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EncoderTest {
    private final Parameters params = TestParameters.SCALE_30;
    private final Encoder encoder = new Encoder(params);

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 7, 11})
    void complexRoundTripAtEverySlotCount(int logSlots) {
        int slots = 1 << logSlots;
        SplittableRandom rnd = new SplittableRandom(logSlots);
        double[] re = new double[slots], im = new double[slots];
        for (int i = 0; i < slots; i++) {
            re[i] = rnd.nextDouble(-1, 1);
            im[i] = rnd.nextDouble(-1, 1);
        }
        try (Plaintext pt = encoder.encode(re, im, params.maxLevel(), Math.pow(2, 40), logSlots)) {
            double[][] back = encoder.decode(pt);
            Precision p = Precision.of(back[0], back[1], re, im);
            assertTrue(p.worstBits() > 30, "round trip at 2^40: " + p);
        }
    }

    /** The slots are the values at w^(5^j), w = exp(2 pi i / 4s): encoding those of Y = X^(N/2s) gives Y. */
    @Test
    void slotsAreEvaluationsAtTheRotationGroupRoots() {
        int n = params.n(), slots = 8, gap = n / (2 * slots);
        double scale = Math.pow(2, 20);
        double[] re = new double[slots], im = new double[slots];
        for (int j = 0, g = 1; j < slots; j++, g = g * 5 % (4 * slots)) {
            double angle = 2 * Math.PI * g / (4.0 * slots);
            re[j] = Math.cos(angle);
            im[j] = Math.sin(angle);
        }
        try (Plaintext pt = encoder.encode(re, im, 0, scale, 3)) {
            pt.poly().inverseNtt();
            long q = params.qPrimes()[0];
            for (int i = 0; i < n; i++) {
                int r = pt.poly().get(0, i);
                long centered = r > q / 2 ? r - q : r;
                assertEquals(i == gap ? scale : 0, centered, 1, "coefficient " + i);
            }
        }
    }

    @Test
    void sparseSlotsRepeatAcrossTheFullRing() {
        double[] re = {1, 2, 3, 4};
        try (Plaintext pt = encoder.encode(re, new double[4], 1, Math.pow(2, 30), 2)) {
            Plaintext full = new Plaintext(pt.poly(), pt.level(), pt.scale(), params.logSlots());
            double[] slots = encoder.decodeReal(full);
            for (int i = 0; i < slots.length; i++) {
                assertEquals(re[i % 4], slots[i], 1e-6, "slot " + i);
            }
        }
    }

    @Test
    void galoisElementsAreFivePowers() {
        int n = params.n();
        assertEquals(1, Encoder.galoisElement(0, n));
        assertEquals(5, Encoder.galoisElement(1, n));
        assertEquals(25, Encoder.galoisElement(2, n));
        assertEquals(Encoder.galoisElement(n / 2 - 1, n), Encoder.galoisElement(-1, n));
        assertEquals(2L * n - 1, Encoder.conjugationElement(n));
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(new double[params.slots() + 1], 0, 1e9));
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(new double[] {Double.NaN}, 0, 1e9));
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(new double[] {1}, 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(new double[] {1}, params.maxLevel() + 1, 1e9));
    }

    /** A constant's encoding is the NTT of the constant polynomial (computed here by transforming it), any size. */
    @ParameterizedTest
    @ValueSource(doubles = {0.75, -0.3, 1e-9, -123.456})
    void constantsEncodeAsTheTransformedConstantPolynomial(double c) {
        for (double scale : new double[] {0x1p30, 0x1p59, 0x1p85}) {
            int level = params.maxLevel();
            double[] coefficients = new double[params.n()];
            coefficients[0] = c * scale;
            try (Plaintext pt = encoder.encodeConstant(c, level, scale);
                    RnsPoly want = Encoder.toNttPoly(coefficients, params.basisQ(level))) {
                for (int l = 0; l < want.limbCount(); l++) {
                    assertTrue(java.util.Arrays.equals(want.limbToArray(l), pt.poly().limbToArray(l)),
                            "constant " + c + " at scale " + scale + ", limb " + l);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> encoder.encodeConstant(Double.NaN, 0, 0x1p30));
    }

    /**
     * A vector that repeats encodes as the message of its period: the same polynomial as encoding one period at that
     * slot count, and the same as placing the coefficients of that subring in the whole ring.
     */
    @Test
    void periodicVectorsEncodeInTheirSubring() {
        int slots = params.slots(), level = params.maxLevel();
        SplittableRandom rnd = new SplittableRandom(17);
        for (int period : new int[] {1, 2, 64, slots / 2, slots}) {
            double[] re = new double[slots], im = new double[slots];
            for (int i = 0; i < period; i++) {
                re[i] = rnd.nextDouble(-1, 1);
                im[i] = rnd.nextDouble(-1, 1);
            }
            for (int i = period; i < slots; i++) {
                re[i] = re[i - period];
                im[i] = im[i - period];
            }
            assertEquals(period, Encoder.period(re, im));
            int logPeriod = Integer.numberOfTrailingZeros(period);
            try (Plaintext whole = encoder.encode(re, im, level, 0x1p40, params.logSlots());
                    Plaintext one = encoder.encode(java.util.Arrays.copyOf(re, period),
                            java.util.Arrays.copyOf(im, period), level, 0x1p40, logPeriod)) {
                assertEquals(params.logSlots(), whole.logSlots());
                for (int l = 0; l < whole.poly().limbCount(); l++) {
                    assertTrue(java.util.Arrays.equals(one.poly().limbToArray(l), whole.poly().limbToArray(l)),
                            "period " + period + ", limb " + l);
                }
            }
        }
        RnsBasis basis = params.basisQ(level);
        double[] compact = rnd.doubles(64, -0x1p40, 0x1p40).toArray(), spread = new double[params.n()];
        for (int k = 0; k < compact.length; k++) {
            spread[k * (params.n() / compact.length)] = compact[k];
        }
        try (RnsPoly sub = Encoder.toNttPoly(compact, basis); RnsPoly full = Encoder.toNttPoly(spread, basis)) {
            for (int l = 0; l < basis.size(); l++) {
                assertTrue(java.util.Arrays.equals(full.limbToArray(l), sub.limbToArray(l)), "limb " + l);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Encoder.toNttPoly(new double[3], basis));
    }

    /** Coefficients below 2^62, of every magnitude and sign, round and reduce exactly: against BigInteger. */
    @Test
    void coefficientsReduceExactly() {
        RnsBasis basis = params.basisQ(params.maxLevel());
        SplittableRandom rnd = new SplittableRandom(98);
        double[] coefficients = new double[params.n()];
        for (int i = 0; i < coefficients.length; i++) {
            coefficients[i] = Math.scalb(rnd.nextDouble(-1, 1), rnd.nextInt(63));
        }
        coefficients[0] = basis.prime(0); // exact multiples and neighbours of a prime
        coefficients[1] = -basis.prime(0);
        coefficients[2] = basis.prime(0) - 0.5;
        coefficients[3] = 0x1p62 - 1024;
        try (RnsPoly p = Encoder.toNttPoly(coefficients, basis)) {
            p.inverseNtt();
            for (int i = 0; i < coefficients.length; i++) {
                java.math.BigInteger v = java.math.BigInteger.valueOf(Math.round(coefficients[i]));
                for (int l = 0; l < basis.size(); l++) {
                    long want = v.mod(java.math.BigInteger.valueOf(basis.prime(l))).longValue();
                    assertEquals(want, p.get(l, i), "coefficient " + coefficients[i] + " mod " + basis.prime(l));
                }
            }
        }
    }

    /** Coefficients beyond 2^62 (constants at scales near 2^80) reduce exactly: against BigInteger residues. */
    @Test
    void hugeCoefficientsReduceExactly() {
        RnsBasis basis = params.basisQ(params.maxLevel());
        SplittableRandom rnd = new SplittableRandom(99);
        for (int t = 0; t < 200; t++) {
            double x = Math.scalb(rnd.nextDouble(-1, 1), 62 + rnd.nextInt(40));
            double[] coefficients = new double[params.n()];
            coefficients[t] = x;
            try (RnsPoly p = Encoder.toNttPoly(coefficients, basis)) {
                p.inverseNtt();
                java.math.BigInteger v = new java.math.BigDecimal(x).toBigIntegerExact();
                for (int l = 0; l < basis.size(); l++) {
                    long want = v.mod(java.math.BigInteger.valueOf(basis.prime(l))).longValue();
                    assertEquals(want, p.get(l, t), "coefficient " + x + " mod " + basis.prime(l));
                }
            }
        }
    }
}
