package dev.hyphenj.ckks.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.LinearTransform;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.Plaintext;
import dev.hyphenj.ntt.RnsPoly;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The factored homomorphic DFT matrices against the encoding matrix and the encoder, in plain double math. */
class HomomorphicDftTest {
    /** Insecure test parameters (N = 2^12), for the encoder only. */
    private static final Parameters PARAMS = Parameters.builder("test-dft").logN(12)
            .levelBits(new int[] {30, 30}, new int[] {30, 30})
            .specialBits(30, 30).digitPrimes(2).logScale(30).insecure().build();

    /** E as {re, im} rows: E[j][k] = w^(k 5^j), w = exp(2 pi i / 4s), the exponent reduced mod 4s. */
    private static double[][][] encodingMatrix(int slots) {
        long m = 4L * slots, g = 1;
        double[][][] e = new double[2][slots][slots];
        for (int j = 0; j < slots; j++) {
            for (int k = 0; k < slots; k++) {
                double angle = 2 * Math.PI * (g * k % m) / m;
                e[0][j][k] = Math.cos(angle);
                e[1][j][k] = Math.sin(angle);
            }
            g = g * 5 % m;
        }
        return e;
    }

    @Test
    void stagesHaveThreeDiagonals() {
        for (int log = 1; log <= 11; log++) {
            int s = 1 << log;
            List<ComplexDiagonalMatrix> stc = HomomorphicDft.slotToCoeffStages(log);
            List<ComplexDiagonalMatrix> cts = HomomorphicDft.coeffToSlotStages(log);
            assertEquals(log, stc.size());
            for (int t = 0; t < log; t++) {
                int h = 1 << t;
                int[] want = new TreeSet<>(List.of(0, h, (s - h) % s)).stream().mapToInt(Integer::intValue)
                        .toArray();
                assertArrayEquals(want, stc.get(t).diagonalIndices(), "StC stage " + t + ", s = " + s);
                // CtS applies the inverse stages in reverse order; the indices are negated, the same set
                assertArrayEquals(want, cts.get(log - 1 - t).diagonalIndices(), "CtS stage, s = " + s);
            }
        }
    }

    /** The product of all stages is E P (StC) and P E^-1 (CtS), entry by entry, for s = 4 .. 2^11. */
    @Test
    void stageProductIsTheEncodingMatrix() {
        for (int log = 2; log <= 11; log++) {
            int s = 1 << log;
            // cache E as rows: E[j][k] = exp(2 pi i (5^j k mod 4s) / 4s)
            long m = 4L * s;
            long[] five = new long[s];
            five[0] = 1;
            for (int j = 1; j < s; j++) {
                five[j] = five[j - 1] * 5 % m;
            }
            double[] cos = new double[(int) m], sin = new double[(int) m];
            for (int e = 0; e < m; e++) {
                cos[e] = Math.cos(2 * Math.PI * e / m);
                sin[e] = Math.sin(2 * Math.PI * e / m);
            }
            ComplexDiagonalMatrix stc = HomomorphicDft.slotToCoeff(log, 1).get(0);
            ComplexDiagonalMatrix cts = HomomorphicDft.coeffToSlot(log, 1).get(0);
            assertEquals(s, stc.diagonalCount(), "the product is dense");
            assertEquals(s, cts.diagonalCount(), "the product is dense");
            double maxStc = 0, maxCts = 0;
            for (int d = 0; d < s; d++) {
                double[] ar = stc.realDiagonals().get(d), ai = stc.imagDiagonals().get(d);
                double[] br = cts.realDiagonals().get(d), bi = cts.imagDiagonals().get(d);
                for (int i = 0; i < s; i++) {
                    int c = (i + d) & (s - 1);
                    // (E P)[i][c] = E[i][rev(c)]
                    int e = (int) (five[i] * HomomorphicDft.bitReverse(c, log) % m);
                    maxStc = Math.max(maxStc, Math.hypot(ar[i] - cos[e], ai[i] - sin[e]));
                    // (P E^-1)[i][c] = E^-1[rev(i)][c] = conj(E[c][rev(i)]) / s
                    int f = (int) (five[c] * HomomorphicDft.bitReverse(i, log) % m);
                    maxCts = Math.max(maxCts, Math.hypot(br[i] - cos[f] / s, bi[i] + sin[f] / s));
                }
            }
            assertTrue(maxStc < 1e-12, "StC product vs E P, s = " + s + ": " + maxStc);
            assertTrue(maxCts < 1e-12, "CtS product vs P E^-1, s = " + s + ": " + maxCts);
        }
    }

    /** Collapsed groups (depth 1 .. 5) equal the stage-by-stage transform and E on random vectors. */
    @Test
    void collapsedGroupsMatchEncodingMatrix() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int log = 2; log <= 11; log++) {
            int s = 1 << log;
            double[] ur = rnd.doubles(s, -1, 1).toArray(), ui = rnd.doubles(s, -1, 1).toArray();
            double[] zr = new double[s], zi = new double[s];
            double[][][] e = encodingMatrix(s);
            for (int j = 0; j < s; j++) {
                for (int k = 0; k < s; k++) {
                    zr[j] += e[0][j][k] * ur[k] - e[1][j][k] * ui[k];
                    zi[j] += e[0][j][k] * ui[k] + e[1][j][k] * ur[k];
                }
            }
            double[] pr = HomomorphicDft.bitReversed(ur), pi = HomomorphicDft.bitReversed(ui);
            for (int depth = 1; depth <= 5; depth++) {
                List<ComplexDiagonalMatrix> stc = HomomorphicDft.slotToCoeff(log, depth);
                List<ComplexDiagonalMatrix> cts = HomomorphicDft.coeffToSlot(log, depth);
                assertEquals(Math.min(depth, log), stc.size());
                double[][] z = HomomorphicDft.apply(stc, pr, pi);
                assertClose(zr, z[0], 1e-11, "StC re, s = " + s + ", depth " + depth);
                assertClose(zi, z[1], 1e-11, "StC im, s = " + s + ", depth " + depth);
                double[][] u = HomomorphicDft.apply(cts, zr, zi);
                assertClose(pr, u[0], 1e-11, "CtS re, s = " + s + ", depth " + depth);
                assertClose(pi, u[1], 1e-11, "CtS im, s = " + s + ", depth " + depth);
            }
        }
    }

    /**
     * Against the encoder itself: a plaintext with random integer coefficients decodes to z; StC of the bit-reversed
     * u (u_k = c_k + i c_(k+s), divided by the scale) is z, and CtS of z is the bit-reversed u.
     */
    @Test
    void matchesEncoderDecode() {
        Encoder encoder = new Encoder(PARAMS);
        SplittableRandom rnd = new SplittableRandom(11);
        int n = PARAMS.n(), level = 0;
        double scale = 0x1p20;
        for (int log = 1; log <= PARAMS.logN() - 1; log++) {
            int s = 1 << log, gap = n / (2 * s);
            long[] coefficients = new long[n];
            double[] ur = new double[s], ui = new double[s];
            for (int k = 0; k < s; k++) {
                coefficients[k * gap] = rnd.nextLong(-(1L << 20), 1L << 20);
                coefficients[(k + s) * gap] = rnd.nextLong(-(1L << 20), 1L << 20);
                ur[k] = coefficients[k * gap] / scale;
                ui[k] = coefficients[(k + s) * gap] / scale;
            }
            RnsPoly poly = RnsPoly.fromCoefficients(PARAMS.basisQ(level), coefficients);
            poly.forwardNtt();
            double[][] z;
            try (Plaintext pt = new Plaintext(poly, level, scale, log)) {
                z = encoder.decode(pt);
            }
            double[] pr = HomomorphicDft.bitReversed(ur), pi = HomomorphicDft.bitReversed(ui);
            for (int depth : new int[] {1, 3, 4, log}) {
                double[][] got = HomomorphicDft.apply(HomomorphicDft.slotToCoeff(log, depth), pr, pi);
                assertClose(z[0], got[0], 1e-9, "StC vs decode re, s = " + s);
                assertClose(z[1], got[1], 1e-9, "StC vs decode im, s = " + s);
                double[][] back = HomomorphicDft.apply(HomomorphicDft.coeffToSlot(log, depth), z[0], z[1]);
                assertClose(pr, back[0], 1e-9, "CtS of decode re, s = " + s);
                assertClose(pi, back[1], 1e-9, "CtS of decode im, s = " + s);
            }
        }
    }

    /** s = 2^15 at depth 3 and 4: diagonals per group and the BSGS rotation steps (Galois keys) each group needs. */
    @Test
    void reportCostAt32768Slots() {
        int log = 15, s = 1 << log;
        for (int depth : new int[] {3, 4}) {
            for (boolean cts : new boolean[] {false, true}) {
                List<ComplexDiagonalMatrix> groups = cts ? HomomorphicDft.coeffToSlot(log, depth)
                        : HomomorphicDft.slotToCoeff(log, depth);
                int[] sizes = HomomorphicDft.groupSizes(log, depth, cts);
                TreeSet<Integer> keys = new TreeSet<>();
                int rotations = 0;
                StringBuilder report = new StringBuilder((cts ? "CtS" : "StC") + " s=2^15 depth " + depth + ":");
                int stage = 0;
                for (int g = 0; g < groups.size(); g++) {
                    ComplexDiagonalMatrix m = groups.get(g);
                    // stages of StC in application order have half-widths 2^0 .. 2^(L-1); CtS the reverse
                    int lo = cts ? log - stage - sizes[g] : stage, hi = lo + sizes[g] - 1;
                    stage += sizes[g];
                    int expected = Math.min((1 << (hi - lo + 2)) - 1, s >> lo);
                    assertEquals(expected, m.diagonalCount(), "group " + g);
                    for (int d : m.diagonalIndices()) {
                        assertEquals(0, d % (1 << lo), "diagonal " + d + " is a multiple of 2^" + lo);
                    }
                    LinearTransform lt = LinearTransform.of(m.realDiagonals(), log);
                    Arrays.stream(lt.rotationSteps()).forEach(keys::add);
                    rotations += lt.rotationCount();
                    report.append(String.format("%n  group %d: %d stages (half-widths 2^%d..2^%d), %d diagonals,"
                            + " n1=%d, %d rotations (%d baby + %d giant), steps %s", g, sizes[g], lo, hi,
                            m.diagonalCount(), lt.babySteps(), lt.rotationCount(), lt.babyRotations().length,
                            lt.giantRotations().length, centered(lt.rotationSteps(), s)));
                }
                report.append(String.format("%n  total %d rotations, %d distinct keys", rotations, keys.size()));
                System.out.println(report);
            }
        }
    }

    private static String centered(int[] steps, int s) {
        return Arrays.toString(Arrays.stream(steps).map(x -> x > s / 2 ? x - s : x).sorted().toArray());
    }

    /** [x, x] -> [M x, c M x] and [r, m] -> [M (r + i m), M (r + i m)], in double, for a dense random M. */
    @Test
    void packedForms() {
        int s = 16;
        SplittableRandom rnd = new SplittableRandom(7);
        java.util.Map<Integer, double[][]> diagonals = new java.util.TreeMap<>();
        for (int d = 0; d < s; d++) {
            diagonals.put(d, new double[][] {rnd.doubles(s, -1, 1).toArray(), rnd.doubles(s, -1, 1).toArray()});
        }
        ComplexDiagonalMatrix m = ComplexDiagonalMatrix.of(s, diagonals);
        double[] xr = rnd.doubles(s, -1, 1).toArray(), xi = rnd.doubles(s, -1, 1).toArray();
        double[][] mx = m.apply(xr, xi);

        double[][] stacked = m.stackedOnRepeatedInput(0, -1).apply(twice(xr), twice(xi));
        assertClose(mx[0], Arrays.copyOfRange(stacked[0], 0, s), 1e-12, "top real");
        assertClose(mx[1], Arrays.copyOfRange(stacked[1], 0, s), 1e-12, "top imaginary");
        assertClose(mx[1], Arrays.copyOfRange(stacked[0], s, 2 * s), 1e-12, "bottom real: Re(-i M x) = Im(M x)");
        assertClose(Arrays.stream(mx[0]).map(v -> -v).toArray(), Arrays.copyOfRange(stacked[1], s, 2 * s), 1e-12,
                "bottom imaginary");

        double[] packed = new double[2 * s];
        System.arraycopy(xr, 0, packed, 0, s);
        System.arraycopy(xi, 0, packed, s, s);
        double[][] out = m.onPackedRealAndImaginary().apply(packed, new double[2 * s]);
        assertClose(twice(mx[0]), out[0], 1e-12, "packed real");
        assertClose(twice(mx[1]), out[1], 1e-12, "packed imaginary");
    }

    private static double[] twice(double[] x) {
        double[] y = Arrays.copyOf(x, 2 * x.length);
        System.arraycopy(x, 0, y, x.length, x.length);
        return y;
    }

    private static void assertClose(double[] want, double[] got, double tol, String what) {
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            max = Math.max(max, Math.abs(want[i] - got[i]));
        }
        assertTrue(max < tol, what + ": max error " + max);
    }
}
