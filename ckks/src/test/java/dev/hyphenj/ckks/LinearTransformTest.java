package dev.hyphenj.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Rotate-and-sum and baby-step giant-step linear transforms against plain double math; precision in bits.
 * Ciphertexts sit at a one-prime level of {@link TestParameters#SCALE_30}; the Galois keys are cut to that level
 * and generated for exactly the steps each operation lists.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LinearTransformTest {
    private static final int LEVEL = 4;

    private final Parameters params = TestParameters.SCALE_30;
    private TestClient client;
    private final SplittableRandom rnd = new SplittableRandom(2024);

    @BeforeAll
    void setUp() {
        client = new TestClient(params);
    }

    @AfterAll
    void tearDown() {
        client.close();
    }

    /** Galois keys for exactly these steps, cut to {@code level}, no relinearization key. */
    private EvaluationKeys keys(int[] steps, int level) {
        return client.galoisKeys(steps, level);
    }

    private double[] random(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextDouble(-1, 1);
        }
        return v;
    }

    private Ciphertext encrypt(double[] v, int level, int logSlots) {
        return client.encrypt(v, new double[v.length], level, logSlots);
    }

    private double[] decrypt(Ciphertext ct) {
        return client.decrypt(ct)[0];
    }

    private static Precision report(String what, double[] got, double[] want, double minBits) {
        Precision p = Precision.of(got, want);
        System.out.printf("%-58s %s%n", what + ":", p);
        assertTrue(p.worstBits() >= minBits, what + ": " + p + ", expected at least " + minBits + " bits worst");
        return p;
    }

    // ------------------------------------------------------------------------------------------------ rotate-and-sum

    @Test
    void rotateAndSumEqualsThePlainSum() {
        int[][] cases = {{1, 16, params.logSlots()}, {64, 32, params.logSlots()}, {1, 32, 5}, {3, 8, 6}};
        for (int[] c : cases) {
            int step = c[0], count = c[1], logSlots = c[2], slots = 1 << logSlots;
            double[] x = random(slots);
            double[] want = new double[slots];
            for (int i = 0; i < slots; i++) {
                for (int k = 0; k < count; k++) {
                    want[i] += x[Math.floorMod(i + k * step, slots)];
                }
            }
            int[] steps = RotateAndSum.rotationSteps(step, count, logSlots);
            assertEquals(Integer.numberOfTrailingZeros(count), steps.length, "log2(count) rotations");
            try (EvaluationKeys k = keys(steps, LEVEL); Ciphertext ct = encrypt(x, LEVEL, logSlots);
                    Ciphertext sum = RotateAndSum.apply(new Evaluator(params, k), ct, step, count)) {
                assertEquals(LEVEL, sum.level());
                assertEquals(ct.scale(), sum.scale());
                report(String.format("rotate-and-sum step %d x %d (%d slots, %d rotations)", step, count, slots,
                        steps.length), decrypt(sum), want, 13);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ transforms

    /** The diagonals of a dense s x s matrix: diag_d[i] = m[i][(i + d) mod s]. */
    private static Map<Integer, double[]> diagonalsOf(double[][] m) {
        int s = m.length;
        Map<Integer, double[]> diagonals = new TreeMap<>();
        for (int d = 0; d < s; d++) {
            double[] diag = new double[s];
            for (int i = 0; i < s; i++) {
                diag[i] = m[i][(i + d) % s];
            }
            diagonals.put(d, diag);
        }
        return diagonals;
    }

    private static double[] multiply(double[][] m, double[] x) {
        double[] y = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < x.length; j++) {
                y[i] += m[i][j] * x[j];
            }
        }
        return y;
    }

    @Test
    void bandMatrixByBabyStepGiantStep() {
        int logSlots = params.logSlots(), slots = 1 << logSlots;
        // 16 diagonals around the main one: indices -8..7, i.e. 0..7 and s-8..s-1
        Map<Integer, double[]> band = new TreeMap<>();
        double[][] m = new double[slots][slots];
        for (int d = -8; d < 8; d++) {
            double[] diag = random(slots);
            band.put(Math.floorMod(d, slots), diag);
            for (int i = 0; i < slots; i++) {
                m[i][Math.floorMod(i + d, slots)] = diag[i];
            }
        }
        LinearTransform lt = LinearTransform.of(band, logSlots);
        System.out.println(lt + ", keys " + Arrays.toString(lt.rotationSteps()));
        assertEquals(4, lt.babySteps(), "sqrt of the span of 16 diagonals");
        assertEquals(6, lt.rotationCount(), "3 baby + 3 giant rotations instead of 15");
        double[] x = random(slots);
        double[] want = multiply(m, x);
        assertArrayEquals(want, lt.applyPlain(x), 1e-12, "the diagonal convention");
        try (EvaluationKeys k = keys(lt.rotationSteps(), LEVEL); Ciphertext ct = encrypt(x, LEVEL, logSlots);
                Ciphertext y = lt.apply(new Evaluator(params, k), ct)) {
            assertEquals(LEVEL - 1, y.level());
            assertEquals(ct.scale(), y.scale(), ct.scale() * 1e-12, "the input's scale after the rescale");
            report("BSGS band of 16 diagonals, 2048 slots", decrypt(y), want, 12);
        }
    }

    /**
     * Diagonals encoded limb by limb as the products use them give the same residues as whole encodings kept from a
     * first application (made by the encoder's ordinary path), at full and at sparse slot counts (subring encodings).
     */
    @Test
    void encodingLimbByLimbEqualsKeptEncodings() {
        for (int logSlots : new int[] {params.logSlots(), 5}) {
            int slots = 1 << logSlots;
            Map<Integer, double[]> d = new TreeMap<>();
            for (int k : new int[] {0, 1, 2, 5, 9, slots - 3}) {
                d.put(k, random(slots));
            }
            LinearTransform fused = LinearTransform.of(d, logSlots), kept = fused.keepingEncodings();
            try (EvaluationKeys k = keys(fused.rotationSteps(), LEVEL);
                    Ciphertext ct = encrypt(random(slots), LEVEL, logSlots)) {
                Evaluator evaluator = new Evaluator(params, k);
                try (Ciphertext a = fused.applyWithoutRescale(evaluator, ct);
                        Ciphertext b = kept.applyWithoutRescale(evaluator, ct);
                        Ciphertext c = kept.applyWithoutRescale(evaluator, ct)) {
                    assertTrue(kept.encodingBytes() > 0, "the second transform keeps its encodings");
                    for (Ciphertext other : new Ciphertext[] {b, c}) {
                        assertTrue(a.c0().equalResidues(other.c0()) && a.c1().equalResidues(other.c1()),
                                "2^" + logSlots + " slots: limb-by-limb and whole encodings differ");
                    }
                } finally {
                    kept.releaseEncodings();
                }
            }
        }
    }

    @Test
    void fullMatrixAtSmallSlotCountsAndNaiveAgree() {
        for (int logSlots = 4; logSlots <= 6; logSlots++) {
            int slots = 1 << logSlots;
            double[][] m = new double[slots][];
            for (int i = 0; i < slots; i++) {
                m[i] = random(slots);
            }
            LinearTransform lt = LinearTransform.of(diagonalsOf(m), logSlots);
            int n1 = lt.babySteps();
            assertTrue(n1 * n1 == slots || n1 * n1 == 2 * slots || 2 * n1 * n1 == slots, "n1 about sqrt(s): " + n1);
            assertEquals(slots - 1, lt.naiveRotationSteps().length);
            System.out.println(lt);
            double[] x = random(slots);
            double[] want = multiply(m, x);
            int[] allSteps = lt.naiveRotationSteps(); // a superset of every split's steps
            try (EvaluationKeys k = keys(allSteps, LEVEL); Ciphertext ct = encrypt(x, LEVEL, logSlots)) {
                Evaluator ev = new Evaluator(params, k);
                double[] bsgs, naive;
                try (Ciphertext y = lt.apply(ev, ct)) {
                    bsgs = decrypt(y);
                }
                try (Ciphertext y = lt.applyNaive(ev, ct)) {
                    naive = decrypt(y);
                }
                report("BSGS full " + slots + "x" + slots + " (n1 = " + n1 + ", " + lt.rotationCount() + " rotations)",
                        bsgs, want, 11);
                report("naive full " + slots + "x" + slots + " (" + allSteps.length + " rotations)", naive, want, 11);
                report("BSGS vs naive, " + slots + " slots", bsgs, naive, 11);
                LinearTransform plain = lt.withBabySteps(slots); // n1 = s: the naive method's rotations exactly
                assertArrayEquals(lt.naiveRotationSteps(), plain.rotationSteps());
                assertEquals(0, plain.giantRotations().length);
                for (int override : new int[] {1, 2, slots / 2}) {
                    LinearTransform other = lt.withBabySteps(override);
                    try (Ciphertext y = other.apply(ev, ct)) {
                        report("  n1 = " + override + " (" + other.rotationCount() + " rotations) vs naive", decrypt(y),
                                naive, 11);
                    }
                }
            }
        }
    }

    @Test
    void rotationStepsListExactlyTheNeededKeys() {
        int logSlots = 6, slots = 64;
        Map<Integer, double[]> d = new TreeMap<>();
        for (int i : new int[] {0, 1, 2, 3, 9, 17, 40, 63}) {
            d.put(i, random(slots));
        }
        LinearTransform lt = LinearTransform.of(d, logSlots);
        int[] steps = lt.rotationSteps();
        double[] x = random(slots);
        try (EvaluationKeys k = keys(steps, LEVEL); Ciphertext ct = encrypt(x, LEVEL, logSlots);
                Ciphertext y = lt.apply(new Evaluator(params, k), ct)) {
            report("sparse diagonals " + d.keySet() + " " + lt, decrypt(y), lt.applyPlain(x), 12);
        }
        // dropping any one key makes the transform fail and name the step
        for (int drop : steps) {
            int[] fewer = Arrays.stream(steps).filter(s -> s != drop).toArray();
            try (EvaluationKeys k = keys(fewer, LEVEL); Ciphertext ct = encrypt(x, LEVEL, logSlots)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> lt.apply(new Evaluator(params, k), ct));
                assertTrue(e.getMessage().contains("no Galois key") && e.getMessage().contains("by " + drop + " slots")
                        && e.getMessage().contains("rotationSteps()"), e.getMessage());
            }
        }
    }

    @Test
    void misuseGivesClearErrors() {
        int logSlots = 5, slots = 32;
        Map<Integer, double[]> d = new TreeMap<>();
        d.put(0, random(slots));
        d.put(5, random(slots));
        LinearTransform lt = LinearTransform.of(d, logSlots);
        double[] x = random(slots);
        try (EvaluationKeys k = keys(lt.rotationSteps(), 2); Ciphertext ct = encrypt(x, LEVEL, logSlots);
                Ciphertext low = encrypt(x, 0, logSlots); Ciphertext wide = encrypt(random(64), 2, 6)) {
            Evaluator ev = new Evaluator(params, k);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lt.apply(ev, ct));
            assertTrue(e.getMessage().contains("cut to level 2"), "key cut below the ciphertext: " + e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> lt.apply(ev, low));
            assertTrue(e.getMessage().contains("level 0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> lt.apply(ev, wide));
            assertTrue(e.getMessage().contains("2^5 slots") && e.getMessage().contains("2^6 slots"), e.getMessage());
            Evaluator other = new Evaluator(TestParameters.SCALE_60, k);
            e = assertThrows(IllegalArgumentException.class, () -> lt.apply(other, ct));
            assertTrue(e.getMessage().contains("not over Q_4"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> RotateAndSum.apply(new Evaluator(params, k), low, 2, 16));
            assertTrue(e.getMessage().contains("rotate-and-sum") && e.getMessage().contains("no Galois key"),
                    e.getMessage());
        }
        Map<Integer, double[]> bad = new TreeMap<>();
        bad.put(32, random(slots));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinearTransform.of(bad, 5));
        assertTrue(e.getMessage().contains("outside 0..31"), e.getMessage());
        bad.clear();
        bad.put(1, random(16));
        e = assertThrows(IllegalArgumentException.class, () -> LinearTransform.of(bad, 5));
        assertTrue(e.getMessage().contains("16 values for 32 slots"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RotateAndSum.rotationSteps(1, 12, 5));
        assertTrue(e.getMessage().contains("power of two"), e.getMessage());
    }
}
