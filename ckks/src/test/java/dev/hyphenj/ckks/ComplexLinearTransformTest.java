package dev.hyphenj.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.boot.ComplexDiagonalMatrix;
import dev.hyphenj.ckks.boot.HomomorphicDft;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Complex-diagonal linear transforms ({@link LinearTransform#ofComplex}) on complex encrypted vectors against plain
 * complex math, and the homomorphic DFT of bootstrapping: CoeffToSlot then SlotToCoeff, one transform and one
 * level per group, returns the input. Precision in bits; an insecure set like {@link TestParameters#SCALE_30} with
 * seven one-prime levels of 2^30, enough for CtS and StC of depth 3 each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComplexLinearTransformTest {
    private static final int LEVEL = 4;

    private final Parameters params = Parameters.builder("test-2^30-deep").logN(12)
            .levelBits(new int[] {30, 30}, new int[] {30}, new int[] {30}, new int[] {30}, new int[] {30},
                    new int[] {30}, new int[] {30}, new int[] {30})
            .specialBits(30, 30, 30).digitPrimes(2).logScale(30).insecure().build();
    private TestClient client;
    private final SplittableRandom rnd = new SplittableRandom(4711);

    @BeforeAll
    void setUp() {
        client = new TestClient(params);
    }

    @AfterAll
    void tearDown() {
        client.close();
    }

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

    private Ciphertext encrypt(double[] re, double[] im, int level, int logSlots) {
        return client.encrypt(re, im, level, logSlots);
    }

    private double[][] decrypt(Ciphertext ct) {
        return client.decrypt(ct);
    }

    private static Precision report(String what, double[][] got, double[][] want, double minBits) {
        Precision p = Precision.of(got[0], got[1], want[0], want[1]);
        System.out.printf("%-62s %s%n", what + ":", p);
        assertTrue(p.worstBits() >= minBits, what + ": " + p + ", expected at least " + minBits + " bits worst");
        return p;
    }

    /** Dense complex product y = (mr + i mi) x. */
    private static double[][] multiply(double[][] mr, double[][] mi, double[] xr, double[] xi) {
        int s = xr.length;
        double[] yr = new double[s], yi = new double[s];
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < s; j++) {
                yr[i] += mr[i][j] * xr[j] - mi[i][j] * xi[j];
                yi[i] += mr[i][j] * xi[j] + mi[i][j] * xr[j];
            }
        }
        return new double[][] {yr, yi};
    }

    @Test
    void complexMatricesOnComplexVectors() {
        for (int logSlots = 4; logSlots <= 6; logSlots++) {
            int slots = 1 << logSlots;
            int[][] shapes = {{0, 1, 5, slots / 2 + 3, slots - 1}, null};
            for (int[] shape : shapes) {
                int[] indices = shape != null ? shape : java.util.stream.IntStream.range(0, slots).toArray();
                Map<Integer, double[]> re = new TreeMap<>(), im = new TreeMap<>();
                double[][] mr = new double[slots][slots], mi = new double[slots][slots];
                for (int k = 0; k < indices.length; k++) {
                    int d = indices[k];
                    double[] dr = random(slots), di = random(slots);
                    // in the sparse case: one diagonal purely real, one purely imaginary (the missing part is zero)
                    if (shape != null && k == 1) {
                        di = new double[slots];
                    } else {
                        im.put(d, di);
                    }
                    if (shape != null && k == 2) {
                        dr = new double[slots];
                    } else {
                        re.put(d, dr);
                    }
                    for (int i = 0; i < slots; i++) {
                        mr[i][(i + d) % slots] = dr[i];
                        mi[i][(i + d) % slots] = di[i];
                    }
                }
                LinearTransform lt = LinearTransform.ofComplex(re, im, logSlots);
                assertTrue(lt.isComplex());
                assertArrayEquals(indices, lt.diagonalIndices());
                // the plan depends only on the indices: the same as the real transform's
                Map<Integer, double[]> realOnly = new TreeMap<>();
                for (int d : indices) {
                    realOnly.put(d, new double[slots]);
                }
                LinearTransform real = LinearTransform.of(realOnly, logSlots);
                assertEquals(real.babySteps(), lt.babySteps());
                assertArrayEquals(real.rotationSteps(), lt.rotationSteps());

                double[] xr = random(slots), xi = random(slots);
                double[][] want = multiply(mr, mi, xr, xi);
                double[][] plain = lt.applyPlain(xr, xi);
                assertArrayEquals(want[0], plain[0], 1e-12);
                assertArrayEquals(want[1], plain[1], 1e-12);
                int[] allSteps = lt.naiveRotationSteps();
                try (EvaluationKeys k = keys(allSteps, LEVEL); Ciphertext ct = encrypt(xr, xi, LEVEL, logSlots)) {
                    Evaluator ev = new Evaluator(params, k);
                    String name = shape != null ? "sparse " + Arrays.toString(shape) : "full " + slots + "x" + slots;
                    LinearTransform one = lt.withBabySteps(1);
                    try (Ciphertext y = lt.apply(ev, ct)) {
                        assertEquals(LEVEL - 1, y.level());
                        assertEquals(ct.scale(), y.scale(), ct.scale() * 1e-12);
                        report("complex BSGS " + name + " (n1 = " + lt.babySteps() + ", " + lt.rotationCount()
                                + " rot)", decrypt(y), want, 11);
                    }
                    try (Ciphertext y = lt.applyNaive(ev, ct)) {
                        report("complex naive " + name + " (" + allSteps.length + " rot)", decrypt(y), want, 11);
                    }
                    try (Ciphertext y = one.apply(ev, ct)) {
                        report("complex " + name + " (n1 = 1, " + one.rotationCount() + " rot)", decrypt(y), want, 11);
                    }
                }
            }
        }
    }

    @Test
    void realApiUnchangedAndComplexMisuse() {
        int slots = 32;
        Map<Integer, double[]> re = new TreeMap<>();
        re.put(0, random(slots));
        re.put(3, random(slots));
        LinearTransform real = LinearTransform.of(re, 5);
        assertFalse(real.isComplex());
        double[] x = random(slots);
        double[][] viaComplex = real.applyPlain(x, new double[slots]);
        assertArrayEquals(real.applyPlain(x), viaComplex[0], 0);
        assertArrayEquals(new double[slots], viaComplex[1], 0);
        // real parts only through ofComplex: the same numbers
        LinearTransform same = LinearTransform.ofComplex(re, null, 5);
        assertArrayEquals(real.applyPlain(x), same.applyPlain(x, new double[slots])[0], 0);
        assertThrows(IllegalStateException.class, () -> same.applyPlain(x));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinearTransform.ofComplex(Map.of(), Map.of(), 5));
        assertTrue(e.getMessage().contains("no diagonal"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LinearTransform.ofComplex(re, Map.of(40, random(slots)), 5));
        assertTrue(e.getMessage().contains("outside 0..31"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LinearTransform.ofComplex(re, Map.of(3, random(16)), 5));
        assertTrue(e.getMessage().contains("imaginary part of diagonal 3") && e.getMessage().contains("16 values"),
                e.getMessage());
    }

    private static List<LinearTransform> transforms(List<ComplexDiagonalMatrix> groups, int logSlots) {
        List<LinearTransform> out = new ArrayList<>();
        for (ComplexDiagonalMatrix m : groups) {
            out.add(LinearTransform.ofComplex(m.realDiagonals(), m.imagDiagonals(), logSlots));
        }
        return out;
    }

    @Test
    void coeffToSlotThenSlotToCoeffIsTheIdentity() {
        int[][] cases = {{5, 2}, {6, 3}, {6, 2}};
        for (int[] c : cases) {
            int logSlots = c[0], depth = c[1], slots = 1 << logSlots;
            List<ComplexDiagonalMatrix> ctsGroups = HomomorphicDft.coeffToSlot(logSlots, depth);
            List<ComplexDiagonalMatrix> stcGroups = HomomorphicDft.slotToCoeff(logSlots, depth);
            List<LinearTransform> cts = transforms(ctsGroups, logSlots);
            List<LinearTransform> stc = transforms(stcGroups, logSlots);
            TreeSet<Integer> steps = new TreeSet<>();
            int rotations = 0;
            for (LinearTransform lt : cts) {
                Arrays.stream(lt.rotationSteps()).forEach(steps::add);
                rotations += lt.rotationCount();
            }
            for (LinearTransform lt : stc) {
                Arrays.stream(lt.rotationSteps()).forEach(steps::add);
                rotations += lt.rotationCount();
            }
            int top = params.maxLevel();
            assertTrue(top >= 2 * depth, "enough levels");
            double[] xr = random(slots), xi = random(slots);
            try (EvaluationKeys k = keys(steps.stream().mapToInt(Integer::intValue).toArray(), top)) {
                Evaluator ev = new Evaluator(params, k);
                Ciphertext ct = encrypt(xr, xi, top, logSlots);
                double inputScale = ct.scale();
                double[][] plain = {xr, xi};
                try {
                    for (int g = 0; g < cts.size(); g++) {
                        Ciphertext next = cts.get(g).apply(ev, ct);
                        assertEquals(ct.level() - 1, next.level(), "one level per group");
                        ct.close();
                        ct = next;
                        plain = ctsGroups.get(g).apply(plain[0], plain[1]);
                    }
                    report(String.format("CtS 2^%d slots, depth %d (level %d -> %d)", logSlots, depth, top,
                            ct.level()), decrypt(ct), plain, 10);
                    for (int g = 0; g < stc.size(); g++) {
                        Ciphertext next = stc.get(g).apply(ev, ct);
                        assertEquals(ct.level() - 1, next.level(), "one level per group");
                        ct.close();
                        ct = next;
                    }
                    int consumed = top - ct.level();
                    assertEquals(2 * depth, consumed);
                    assertEquals(inputScale, ct.scale(), inputScale * 1e-9);
                    Precision p = report(String.format("CtS+StC 2^%d slots, depth %d, %d levels consumed (%d -> %d), "
                            + "%d rotations", logSlots, depth, consumed, top, ct.level(), rotations), decrypt(ct),
                            new double[][] {xr, xi}, 10);
                    assertTrue(p.meanBits() >= 12, p.toString());
                } finally {
                    ct.close();
                }
            }
        }
    }
}
