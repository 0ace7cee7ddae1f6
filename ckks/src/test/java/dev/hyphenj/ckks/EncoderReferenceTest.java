package dev.hyphenj.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hyphenj.ntt.Parallel;
import dev.hyphenj.ntt.RnsPoly;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The encoder against {@link ReferenceEncoder}, the scalar code it replaced: the same coefficients bit for bit and
 * the same residues, for full, sparse, short and periodic vectors at every slot count.
 */
class EncoderReferenceTest {
    /** The kinds of vectors an encoder meets. */
    private enum Kind { FULL, SPARSE, SHORT, PERIODIC, REAL }

    /** {re, im} of the kind, for 2^logSlots slots. */
    private static double[][] vector(Kind kind, int logSlots, SplittableRandom rnd) {
        int slots = 1 << logSlots;
        int length = kind == Kind.SHORT ? 1 + rnd.nextInt(slots) : slots;
        int period = kind == Kind.PERIODIC ? 1 << rnd.nextInt(logSlots + 1) : slots;
        double[] re = new double[length], im = new double[length];
        for (int i = 0; i < Math.min(length, period); i++) {
            boolean zero = kind == Kind.SPARSE && rnd.nextInt(16) != 0;
            re[i] = zero ? 0 : rnd.nextDouble(-4, 4);
            im[i] = zero || kind == Kind.REAL ? 0 : rnd.nextDouble(-4, 4);
        }
        for (int i = period; i < length; i++) {
            re[i] = re[i - period];
            im[i] = im[i - period];
        }
        return new double[][] {re, im};
    }

    @Test
    void coefficientsAreTheReferenceOnesBitForBit() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int logSlots = 0; logSlots <= 15; logSlots++) {
            for (Kind kind : Kind.values()) {
                for (double scale : new double[] {0x1p30, 0x1p40 / 3}) {
                    double[][] v = vector(kind, logSlots, rnd);
                    int slots = 1 << logSlots;
                    int period = v[0].length == slots ? Encoder.period(v[0], v[1]) : slots;
                    double[] want = ReferenceEncoder.coefficients(v[0], v[1], scale, logSlots);
                    double[] got = Encoder.coefficients(v[0], kind == Kind.REAL ? null : v[1], scale, period);
                    String what = kind + " vector of 2^" + logSlots + " slots, period " + period + ", scale " + scale;
                    assertEquals(want.length, got.length, what);
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]),
                                what + ", coefficient " + i + ": " + want[i] + " vs " + got[i]);
                    }
                }
            }
        }
    }

    /** Every limb of the encoding equals the reference's, including scales that make coefficients beyond 2^62. */
    @Test
    void polynomialsAreTheReferenceOnes() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (Parameters params : new Parameters[] {TestParameters.SCALE_30, TestParameters.SCALE_60}) {
            Encoder encoder = new Encoder(params);
            for (int logSlots : new int[] {0, 1, 2, 3, 5, 8, params.logSlots()}) {
                for (Kind kind : Kind.values()) {
                    for (double scale : new double[] {0x1p30, 0x1p40 / 3, 0x1p70}) {
                        int level = rnd.nextInt(params.maxLevel() + 1);
                        double[][] v = vector(kind, logSlots, rnd);
                        try (Plaintext pt = encoder.encode(v[0], v[1], level, scale, logSlots);
                                RnsPoly want = ReferenceEncoder.encode(v[0], v[1], params.basisQ(level), scale,
                                        logSlots)) {
                            for (int l = 0; l < want.limbCount(); l++) {
                                assertArrayEquals(want.limbToArray(l), pt.poly().limbToArray(l), params.name() + ", "
                                        + kind + " vector of 2^" + logSlots + " slots at level " + level + ", scale "
                                        + scale + ", limb " + l);
                            }
                        }
                        if (kind == Kind.REAL && logSlots == params.logSlots()) { // encode(values): no imaginary array
                            try (Plaintext pt = encoder.encode(v[0], level, scale);
                                    RnsPoly want = ReferenceEncoder.encode(v[0], v[1], params.basisQ(level), scale,
                                            logSlots)) {
                                for (int l = 0; l < want.limbCount(); l++) {
                                    assertArrayEquals(want.limbToArray(l), pt.poly().limbToArray(l),
                                            "real values at level " + level + ", scale " + scale + ", limb " + l);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Encodes run inside Parallel.forEach tasks with two threads, each running its own Parallel.forEach over the limbs
     * (concurrent encodes, and nested ones should a waiting pool thread run another task): each uses its own
     * per-thread arrays, and every result is still the reference's.
     */
    @Test
    void nestedParallelEncodesAreTheReferenceOnes() {
        Parameters params = TestParameters.SCALE_30;
        Encoder encoder = new Encoder(params);
        int count = 24, level = params.maxLevel();
        double[][][] vectors = new double[count][][];
        SplittableRandom rnd = new SplittableRandom(13);
        for (int t = 0; t < count; t++) {
            vectors[t] = vector(Kind.values()[t % Kind.values().length], params.logSlots(), rnd);
        }
        int[][][] got = new int[count][][];
        String saved = System.getProperty(Parallel.PROPERTY);
        try {
            System.setProperty(Parallel.PROPERTY, "2");
            Parallel.forEach(count, t -> {
                try (Plaintext pt = encoder.encode(vectors[t][0], vectors[t][1], level, 0x1p40, params.logSlots())) {
                    got[t] = new int[pt.poly().limbCount()][];
                    for (int l = 0; l < got[t].length; l++) {
                        got[t][l] = pt.poly().limbToArray(l);
                    }
                }
            });
        } finally {
            if (saved == null) {
                System.clearProperty(Parallel.PROPERTY);
            } else {
                System.setProperty(Parallel.PROPERTY, saved);
            }
        }
        for (int t = 0; t < count; t++) {
            try (RnsPoly want = ReferenceEncoder.encode(vectors[t][0], vectors[t][1], params.basisQ(level), 0x1p40,
                    params.logSlots())) {
                for (int l = 0; l < want.limbCount(); l++) {
                    assertArrayEquals(want.limbToArray(l), got[t][l], "vector " + t + ", limb " + l);
                }
            }
        }
    }
}
