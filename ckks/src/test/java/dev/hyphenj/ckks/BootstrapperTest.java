package dev.hyphenj.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.boot.BootstrapParameters;
import dev.hyphenj.ckks.boot.Bootstrapper;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bootstrapping on an insecure N = 2^12 chain shaped like the ResNet profile (q0 of two primes, scale 2^30, one-prime
 * SlotToCoeff levels, two-prime EvalMod and CoeffToSlot levels, h = 192): the bootstrapped slots match the input's
 * real parts (plain double math) within the designed precision, the level is restored, the scale is the one asked
 * for, and the imaginary part is gone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BootstrapperTest {
    static final BootstrapParameters BOOT = new BootstrapParameters(3, 3, 24, 30, 4, 12);
    private static final int USER_LEVELS = 2;

    private final Parameters params = chain();
    private TestClient client;
    private final SplittableRandom rnd = new SplittableRandom(2718);

    static Parameters chain() {
        int[][] bits = new int[1 + USER_LEVELS + BOOT.depth()][];
        bits[0] = new int[] {30, 30};
        for (int l = 1; l < bits.length; l++) {
            boolean onePrime = l <= USER_LEVELS + BOOT.slotsToCoeffsDepth();
            bits[l] = onePrime ? new int[] {30} : new int[] {28, 28};
        }
        return Parameters.builder("test-boot").logN(12).levelBits(bits).specialBits(30, 30, 30, 30, 30, 30)
                .digitPrimes(5).logScale(30).secret(SecretDistribution.sparse(192)).insecure().build();
    }

    @BeforeAll
    void setUp() {
        client = new TestClient(params);
    }

    @AfterAll
    void tearDown() {
        client.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {11, 7})
    void bootstrapsToTheOutputLevelWithinPrecision(int logSlots) {
        Bootstrapper boot = new Bootstrapper(params, BOOT, logSlots);
        int slots = 1 << logSlots;
        double[] re = new double[slots], im = new double[slots];
        for (int i = 0; i < slots; i++) {
            re[i] = rnd.nextDouble(-1, 1);
            im[i] = rnd.nextDouble(-0.01, 0.01); // imaginary noise, as a network leaves it
        }
        try (EvaluationKeys keys = client.evaluationKeys(boot.rotationSteps(), true);
                Ciphertext in = client.encrypt(re, im, 0, logSlots)) {
            Evaluator ev = new Evaluator(params, keys);
            try (Ciphertext out = boot.bootstrap(ev, in, params.scale())) {
                assertEquals(USER_LEVELS, out.level());
                assertEquals(USER_LEVELS, boot.outputLevel());
                assertEquals(params.scale(), out.scale(), 0);
                double[][] got = client.decrypt(out);
                Precision p = Precision.of(got[0], got[1], re, new double[slots]);
                System.out.printf("bootstrap 2^%d slots: %s, %d key switches%n", logSlots, p, ev.keySwitchCount());
                assertTrue(p.meanBits() >= 20, p.toString());
                assertTrue(p.worstBits() >= 18, p.toString());
            }
        }
    }

    /** Keeping the DFT's encoded diagonals changes nothing but the time: bit-identical results, bytes reported. */
    @Test
    void keptEncodingsGiveIdenticalResults() {
        BootstrapParameters keep = new BootstrapParameters(3, 3, 24, 30, 4, 12, true);
        int logSlots = 6, slots = 1 << logSlots;
        double[] re = new double[slots];
        for (int i = 0; i < slots; i++) {
            re[i] = rnd.nextDouble(-1, 1);
        }
        Bootstrapper plain = new Bootstrapper(params, BOOT, logSlots);
        try (Bootstrapper kept = new Bootstrapper(params, keep, logSlots);
                EvaluationKeys keys = client.evaluationKeys(plain.rotationSteps(), true);
                Ciphertext in = client.encrypt(re, new double[slots], 0, logSlots)) {
            Evaluator ev = new Evaluator(params, keys);
            assertEquals(0, kept.encodedDiagonalBytes(), "nothing is encoded before the first bootstrap");
            try (Ciphertext want = plain.bootstrap(ev, in, params.scale());
                    Ciphertext first = kept.bootstrap(ev, in, params.scale());
                    Ciphertext second = kept.bootstrap(ev, in, params.scale())) {
                long bytes = kept.encodedDiagonalBytes();
                assertTrue(bytes > 0, "the first bootstrap keeps its diagonals");
                for (Ciphertext got : new Ciphertext[] {first, second}) {
                    assertEquals(want.level(), got.level());
                    for (int l = 0; l < want.c0().limbCount(); l++) {
                        assertTrue(java.util.Arrays.equals(want.c0().limbToArray(l), got.c0().limbToArray(l))
                                && java.util.Arrays.equals(want.c1().limbToArray(l), got.c1().limbToArray(l)),
                                "limb " + l + " differs");
                    }
                }
                assertEquals(bytes, kept.encodedDiagonalBytes(), "the second bootstrap reuses them");
            }
            kept.close();
            assertEquals(0, kept.encodedDiagonalBytes(), "close frees them");
        }
    }

    /**
     * A sparse bootstrap's DFT rotations accept any key congruent modulo their slot count: with every such key
     * generated for step + period instead (other Galois elements, none of the plain ones), the bootstrap keeps its
     * precision; SubSum's rotations need exactly theirs.
     */
    @Test
    void sparseRotationsShareCongruentKeys() {
        int logSlots = 7, slots = 1 << logSlots;
        Bootstrapper boot = new Bootstrapper(params, BOOT, logSlots);
        double[] re = new double[slots];
        for (int i = 0; i < slots; i++) {
            re[i] = rnd.nextDouble(-1, 1);
        }
        java.util.TreeSet<Integer> exact = new java.util.TreeSet<>(), shifted = new java.util.TreeSet<>();
        for (Bootstrapper.RotationKeyUse use : boot.rotationKeyUses()) {
            boolean subSum = use.period() == params.n() / 2;
            exact.add(use.step());
            shifted.add(subSum ? use.step() : use.step() + use.period());
        }
        assertTrue(!exact.equals(shifted), "the test must change some keys");
        try (EvaluationKeys plain = client.evaluationKeys(exact.stream().mapToInt(Integer::intValue).toArray(), true);
                EvaluationKeys other = client.evaluationKeys(
                        shifted.stream().mapToInt(Integer::intValue).toArray(), true);
                Ciphertext in = client.encrypt(re, new double[slots], 0, logSlots);
                Ciphertext want = boot.bootstrap(new Evaluator(params, plain), in, params.scale());
                Ciphertext got = boot.bootstrap(new Evaluator(params, other), in, params.scale())) {
            for (Ciphertext out : new Ciphertext[] {want, got}) {
                double[][] values = client.decrypt(out);
                Precision p = Precision.of(values[0], values[1], re, new double[slots]);
                assertTrue(p.meanBits() >= 20 && p.worstBits() >= 18, p.toString());
            }
        }
        int subSumStep = boot.rotationKeyUses().getFirst().step();
        java.util.TreeSet<Integer> wrongSubSum = new java.util.TreeSet<>(exact);
        wrongSubSum.remove(subSumStep);
        wrongSubSum.add(subSumStep + slots);
        try (EvaluationKeys keys = client.evaluationKeys(
                wrongSubSum.stream().mapToInt(Integer::intValue).toArray(), true);
                Ciphertext in = client.encrypt(re, new double[slots], 0, logSlots)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> boot.bootstrap(new Evaluator(params, keys), in, params.scale()));
            assertTrue(e.getMessage().contains("no Galois key") && e.getMessage().contains(
                    String.valueOf(subSumStep)), e.getMessage());
        }
    }

    /** The EvalMod composite in double: within 2^-35 of sin(2 pi K y) near every integer K y in (-K, K). */
    @Test
    void evalModApproximatesTheSine() {
        ChebyshevPolynomial cosine = BOOT.cosine();
        double worst = 0;
        for (int i = -BOOT.k() + 1; i < BOOT.k(); i++) {
            for (double e = -1e-3; e <= 1e-3; e += 1e-5) {
                double y = (i + e) / BOOT.k(), v = cosine.evaluate(y);
                for (int j = 0; j < BOOT.doubleAngles(); j++) {
                    v = 2 * v * v - 1;
                }
                worst = Math.max(worst, Math.abs(v - Math.sin(2 * Math.PI * BOOT.k() * y)));
            }
        }
        assertTrue(worst < 0x1p-35, "EvalMod error 2^" + Math.log(worst) / Math.log(2));
        assertEquals(9, BOOT.evalModDepth());
        assertEquals(15, BOOT.depth());
    }

    @Test
    void refusesWrongSlotCountsAndShortChains() {
        Bootstrapper boot = new Bootstrapper(params, BOOT, 7);
        try (Ciphertext in = client.encrypt(new double[256], new double[256], 0, 8)) {
            assertThrows(IllegalArgumentException.class, () -> boot.bootstrap(new Evaluator(params, null), in, 1));
        }
        assertThrows(IllegalArgumentException.class, () -> new Bootstrapper(TestParameters.SCALE_30, BOOT, 7));
        assertThrows(IllegalArgumentException.class, () -> new BootstrapParameters(3, 3, 0, 31, 4, 12));
    }
}
