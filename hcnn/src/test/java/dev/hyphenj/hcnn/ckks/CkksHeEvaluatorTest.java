package dev.hyphenj.hcnn.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.ChebyshevEvaluator;
import dev.hyphenj.ckks.ChebyshevPolynomial;
import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Each operation of the CKKS evaluator against the slot simulator on the same inputs (small insecure set, N = 2^12,
 * 5 one-prime levels at 2^30), with the scale and level bookkeeping: rescaled results land on 2^30, levels and
 * pending rescales match the simulator's, and the operation counts are the simulator's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CkksHeEvaluatorTest {
    private static final int LEVELS = 5;
    private static final int[] STEPS = {1, -1, 5, 100, -300};
    private CkksTestKit kit;
    private EvaluationKeys keys;
    private final Random rnd = new Random(42);

    @BeforeAll
    void setUp() {
        kit = new CkksTestKit(LEVELS);
        List<Integer> steps = new ArrayList<>();
        for (int s : STEPS) {
            steps.add(s);
        }
        keys = kit.keys(steps);
    }

    @AfterAll
    void tearDown() {
        keys.close();
        kit.close();
    }

    private double[] random(double bound) {
        double[] v = new double[kit.params.slots()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextDouble(-bound, bound);
        }
        return v;
    }

    /** A sequence of operations written once, run on both evaluators. */
    private interface Program {
        <C> List<C> run(HeEvaluator<C> ev, List<C> inputs);
    }

    /**
     * Runs the program on the simulator and on CKKS with the same inputs; checks every output slot to 2^-15 relative
     * to the values' range, and levels, pending rescales and counts alike; returns the CKKS outputs' handles.
     */
    private List<CkksCiphertext> compare(Program p, CkksHeEvaluator ckks, double[]... inputs) {
        SlotSimulator sim = new SlotSimulator(kit.params.slots());
        List<SimCiphertext> simIn = new ArrayList<>();
        List<CkksCiphertext> ckksIn = new ArrayList<>();
        for (double[] v : inputs) {
            simIn.add(sim.encrypt(v));
            ckksIn.add(ckks.wrap(kit.encrypt(v)));
        }
        OpCounts before = ckks.counts();
        List<SimCiphertext> want = p.run(sim, simIn);
        List<CkksCiphertext> got = p.run(ckks, ckksIn);
        OpCounts c = ckks.counts().since(before), s = sim.counts();
        for (int k = 0; k < want.size(); k++) {
            double[] w = sim.decrypt(want.get(k)), g = kit.decrypt(ckks.ciphertext(got.get(k)));
            double range = 0, err = 0;
            for (int i = 0; i < w.length; i++) {
                range = Math.max(range, Math.abs(w[i]));
                err = Math.max(err, Math.abs(w[i] - g[i]));
            }
            assertTrue(err <= Math.max(range, 1) * 0x1p-15, "output " + k + ": error " + err + " for values up to "
                    + range);
            assertEquals(want.get(k).levelsUsed(), got.get(k).levelsUsed(), "levels used, output " + k);
            assertEquals(want.get(k).pendingRescales(), got.get(k).pendingRescales(), "pending, output " + k);
            assertEquals(kit.params.maxLevel() - got.get(k).levelsUsed(), got.get(k).level(), "level, output " + k);
        }
        assertEquals(s.rotations(), c.rotations());
        assertEquals(s.hoistedRotations(), c.hoistedRotations());
        assertEquals(s.decompositions(), c.decompositions());
        assertEquals(s.keySwitches(), c.keySwitches());
        assertEquals(s.plaintextMultiplies(), c.plaintextMultiplies());
        assertEquals(s.constantMultiplies(), c.constantMultiplies());
        assertEquals(s.ciphertextMultiplies(), c.ciphertextMultiplies());
        assertEquals(s.additions(), c.additions());
        assertEquals(s.plaintextAdditions(), c.plaintextAdditions());
        assertEquals(s.rescales(), c.rescales());
        assertEquals(s.rotationSteps(), c.rotationSteps());
        assertEquals(s.liveCiphertexts(), c.liveCiphertexts(), "live handles");
        ckksIn.forEach(ckks::release);
        return got;
    }

    private CkksHeEvaluator evaluator() {
        return new CkksHeEvaluator(kit.params, keys, new PlaintextCache(16L << 20));
    }

    @Test
    void rotationsAdditionsAndPlaintextProducts() {
        CkksHeEvaluator ev = evaluator();
        double[] w = random(1), bias = random(1);
        List<CkksCiphertext> out = compare(new Program() {
            @Override
            public <C> List<C> run(HeEvaluator<C> e, List<C> in) {
                C x = in.get(0), y = in.get(1);
                C r = e.rotate(x, -1);
                List<C> h = e.rotateHoisted(y, new int[] {0, 5, 100, -300, 2 * e.slots()});
                C sum = e.add(r, h.get(2));
                C diff = e.sub(sum, h.get(3));
                C p1 = e.multiplyPlain(diff, w);
                C p2 = e.multiplyPlain(h.get(1), w);
                C pending = e.add(p1, p2);
                C withBias = e.addPlain(pending, bias); // at the pending scale Delta * q_l
                C turned = e.rotate(withBias, 1); // a rotation before the rescale
                C rescaled = e.rescale(turned);
                C c = e.multiplyConstant(rescaled, -0.375);
                C c2 = e.rescale(c);
                return List.of(rescaled, c2, h.get(0), h.get(4), pending);
            }
        }, ev, random(1), random(1));
        assertEquals(0x1p30, out.get(0).scale(), 0x1p30 * 0x1p-40, "exactly back at 2^30");
        assertEquals(0x1p30, out.get(1).scale(), 0x1p30 * 0x1p-40);
        assertEquals(LEVELS - 2, out.get(1).level());
        // (w is used twice at the same level and scale: one encoding)
        assertEquals(1, ev.cache().stats().hits());
    }

    /**
     * A sum of plaintext products over more terms than are encoded at a time (the later chunks add to the first's sum)
     * against the simulator, with a cache that keeps the plaintexts and with one that keeps nothing.
     */
    @Test
    void plaintextProductSumsWithAndWithoutKeptEncodings() {
        int terms = 11;
        List<double[]> weights = new ArrayList<>();
        for (int i = 0; i < terms; i++) {
            weights.add(random(1));
        }
        Program sum = new Program() {
            @Override
            public <C> List<C> run(HeEvaluator<C> e, List<C> in) {
                List<C> xs = new ArrayList<>();
                for (int i = 0; i < terms; i++) {
                    xs.add(in.get(i % in.size()));
                }
                return List.of(e.multiplyPlainSum(xs, weights));
            }
        };
        double[] x = random(1), y = random(1);
        CkksHeEvaluator cached = evaluator(), unkept = new CkksHeEvaluator(kit.params, keys, new PlaintextCache(0));
        compare(sum, cached, x, y);
        compare(sum, unkept, x, y);
        assertEquals(terms, cached.cache().stats().misses());
        assertEquals(terms, unkept.cache().stats().misses());
        assertEquals(terms, unkept.cache().stats().uncached());
    }

    @Test
    void ciphertextProductsAtDifferentLevelsLandOnTheNominalScale() {
        CkksHeEvaluator ev = evaluator();
        ChebyshevPolynomial square = new ChebyshevPolynomial(-2, 2, 1, 0, 1); // T0 + T2 of x/2: x^2 / 2
        List<CkksCiphertext> out = compare(new Program() {
            @Override
            public <C> List<C> run(HeEvaluator<C> e, List<C> in) {
                C x = in.get(0);
                C p = e.evaluatePolynomial(x, List.of(square)); // two levels below x
                C xp = e.multiply(x, p); // x brought down to p's level at a matching scale
                C r = e.rescale(xp);
                C lower = e.rescale(e.multiplyConstant(p, 1.5));
                C both = e.add(r, lower); // different levels, both at Delta
                C same = e.rescale(e.multiply(x, x)); // equal levels: the scale drifts to Delta^2 / q
                C renormalized = e.rescale(e.multiplyPlain(same, filled(e.slots(), 0.5)));
                return List.of(p, r, both, renormalized);
            }
        }, ev, random(2));
        assertEquals(LEVELS - ChebyshevEvaluator.depth(List.of(square)), out.get(0).level());
        assertEquals(0x1p30, out.get(0).scale(), 0x1p30 * 0x1p-30);
        assertEquals(0x1p30, out.get(1).scale(), 0x1p30 * 0x1p-28, "x p(x) lands on 2^30");
        assertEquals(0x1p30, out.get(3).scale(), 0x1p30 * 0x1p-28, "a plaintext product renormalizes");
        assertEquals(1, ev.scaleAdjustments());
    }

    @Test
    void additionsAlignScalesAcrossLevels() {
        CkksHeEvaluator ev = evaluator();
        CkksCiphertext x = ev.wrap(kit.encrypt(random(1)));
        CkksCiphertext drifted = ev.rescale(ev.multiply(x, x)); // level 4 at Delta^2 / q_5
        assertTrue(Math.abs(drifted.scale() / 0x1p30 - 1) > 0x1p-20, "the test needs a drifted scale");
        CkksCiphertext y = ev.wrap(kit.encrypt(random(1)));
        CkksCiphertext lower = ev.rescale(ev.multiplyConstant(ev.rescale(ev.multiplyConstant(y, 2)), 0.5));
        CkksCiphertext sum = ev.add(drifted, lower); // drifted brought down to level 3 at 2^30
        assertEquals(lower.level(), sum.level());
        assertEquals(1, ev.scaleAdjustments());
        double[] xs = kit.decrypt(ev.ciphertext(x)), ys = kit.decrypt(ev.ciphertext(y));
        double[] got = kit.decrypt(ev.ciphertext(sum));
        for (int i = 0; i < got.length; i++) {
            assertEquals(xs[i] * xs[i] + ys[i], got[i], 1e-4, "slot " + i);
        }
        CkksCiphertext sameLevel = ev.rescale(ev.multiplyConstant(y, 1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ev.add(drifted, sameLevel));
        assertTrue(e.getMessage().contains("without a level"), e.getMessage());
    }

    @Test
    void misuseIsReported() {
        CkksHeEvaluator ev = evaluator();
        CkksCiphertext x = ev.wrap(kit.encrypt(random(1)));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> ev.rotate(x, 7));
        assertTrue(missing.getMessage().contains("7"), missing.getMessage());
        assertThrows(IllegalStateException.class, () -> ev.rescale(x));
        CkksCiphertext p = ev.multiplyConstant(x, 2);
        assertThrows(IllegalStateException.class, () -> ev.add(x, p));
        assertThrows(IllegalStateException.class, () -> ev.evaluatePolynomial(p, List.of(
                ChebyshevPolynomial.onUnitInterval(0, 1))));
        assertThrows(IllegalArgumentException.class, () -> ev.multiplyPlain(x, new double[3]));
        ev.release(p);
        assertThrows(IllegalStateException.class, () -> ev.add(x, p));
        assertThrows(IllegalStateException.class, () -> ev.release(p));
        // down to level 0: no product can be rescaled any more
        CkksCiphertext c = x;
        for (int l = 0; l < LEVELS; l++) {
            c = ev.rescale(ev.multiplyConstant(c, 1));
        }
        assertEquals(0, c.level());
        CkksCiphertext bottom = c;
        assertThrows(IllegalStateException.class, () -> ev.multiplyPlain(bottom, new double[ev.slots()]));
        assertEquals(0, ev.lowestLevel());
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
