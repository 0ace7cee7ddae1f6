package dev.hyphenj.hcnn.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hyphenj.ckks.ChebyshevEvaluator;
import dev.hyphenj.ckks.ChebyshevPolynomial;
import dev.hyphenj.hcnn.eval.OpCounts;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SlotSimulatorTest {
    private static final int S = 16;

    private static double[] iota() {
        double[] v = new double[S];
        for (int i = 0; i < S; i++) {
            v[i] = i;
        }
        return v;
    }

    @Test
    void rotationsAreCyclicLeftShifts() {
        SlotSimulator sim = new SlotSimulator(S);
        SimCiphertext a = sim.encrypt(iota());
        double[] left3 = sim.decrypt(sim.rotate(a, 3));
        double[] right2 = sim.decrypt(sim.rotate(a, -2));
        for (int i = 0; i < S; i++) {
            assertEquals((i + 3) % S, left3[i]);
            assertEquals((i - 2 + S) % S, right2[i]);
        }
        List<SimCiphertext> h = sim.rotateHoisted(a, new int[] {3, -2, 0, S});
        assertArrayEquals(left3, sim.decrypt(h.get(0)));
        assertArrayEquals(right2, sim.decrypt(h.get(1)));
        assertArrayEquals(iota(), sim.decrypt(h.get(2)));
        assertArrayEquals(iota(), sim.decrypt(h.get(3)));
    }

    @Test
    void countsEveryOperation() {
        SlotSimulator sim = new SlotSimulator(S);
        SimCiphertext a = sim.encrypt(iota()), b = sim.encrypt(iota());
        OpCounts start = sim.counts();
        SimCiphertext r1 = sim.rotate(a, 1), r2 = sim.rotate(a, S - 1), r0 = sim.rotate(a, -S);
        List<SimCiphertext> h = sim.rotateHoisted(a, new int[] {1, 2, 0, S / 2});
        SimCiphertext s = sim.add(a, b), d = sim.sub(a, b);
        SimCiphertext p = sim.multiplyPlain(a, iota()), q = sim.multiplyConstant(b, 0.5);
        SimCiphertext pq = sim.add(p, q), res = sim.rescale(pq), biased = sim.addPlain(res, iota());
        OpCounts c = sim.counts().since(start);
        assertEquals(2, c.rotations());
        assertEquals(3, c.hoistedRotations());
        assertEquals(1, c.decompositions());
        assertEquals(5, c.keySwitches());
        assertEquals(1, c.plaintextMultiplies());
        assertEquals(1, c.constantMultiplies());
        assertEquals(3, c.additions());
        assertEquals(1, c.plaintextAdditions());
        assertEquals(1, c.rescales());
        assertEquals(new TreeMap<>(Map.of(1, 2L, -1, 1L, 2, 1L, S / 2, 1L)), c.rotationSteps());
        assertEquals(4, c.distinctRotationSteps());
        assertEquals(2 + 3 + 4 + 7, c.liveCiphertexts());
        assertEquals(1, res.levelsUsed());
        assertEquals(0, biased.pendingRescales());
        for (SimCiphertext x : List.of(r1, r2, r0, s, d, p, q, pq, res, biased)) {
            sim.release(x);
        }
        h.forEach(sim::release);
        assertEquals(2, sim.counts().liveCiphertexts());
        assertEquals(16, sim.counts().peakCiphertexts());
    }

    @Test
    void rejectsWhatCkksWouldReject() {
        SlotSimulator sim = new SlotSimulator(S);
        SimCiphertext a = sim.encrypt(iota());
        SimCiphertext p = sim.multiplyPlain(a, iota());
        assertThrows(IllegalStateException.class, () -> sim.add(a, p), "different scales");
        assertThrows(IllegalStateException.class, () -> sim.rescale(a), "nothing to rescale");
        assertThrows(IllegalArgumentException.class, () -> sim.multiplyPlain(a, new double[S - 1]));
        assertThrows(IllegalArgumentException.class, () -> sim.encrypt(new double[S + 1]));
        sim.release(p);
        assertThrows(IllegalStateException.class, () -> sim.release(p), "double release");
        assertThrows(IllegalStateException.class, () -> sim.rotate(p, 1), "use after release");
        assertThrows(IllegalArgumentException.class, () -> new SlotSimulator(8).rotate(a, 1), "slot count");
    }

    @Test
    void mapAppliesAFunctionExactly() {
        SlotSimulator sim = new SlotSimulator(S);
        double[] v = iota();
        v[3] = -7;
        double[] out = sim.decrypt(sim.map(sim.encrypt(v), x -> Math.max(x, 0)));
        assertEquals(0, out[3]);
        assertEquals(5, out[5]);
        assertEquals(0, sim.counts().keySwitches());
    }

    @Test
    void ciphertextProductsAreRelinearizedKeySwitches() {
        SlotSimulator sim = new SlotSimulator(S);
        SimCiphertext a = sim.encrypt(iota()), b = sim.encrypt(iota());
        SimCiphertext p = sim.multiply(a, b);
        assertEquals(1, p.pendingRescales());
        SimCiphertext r = sim.rescale(p);
        SimCiphertext q = sim.multiply(r, a);
        assertEquals(1, q.levelsUsed());
        assertEquals(1, q.pendingRescales());
        double[] v = sim.decrypt(q);
        for (int i = 0; i < S; i++) {
            assertEquals((double) i * i * i, v[i]);
        }
        OpCounts c = sim.counts();
        assertEquals(2, c.ciphertextMultiplies());
        assertEquals(2, c.relinearizations());
        assertEquals(2, c.keySwitches());
        assertEquals(0, c.allRotations());
    }

    @Test
    void polynomialsAreEvaluatedAndCharged() {
        SlotSimulator sim = new SlotSimulator(S);
        double[] x = new double[S];
        for (int i = 0; i < S; i++) {
            x[i] = -3 + 6.0 * i / (S - 1);
        }
        // x^3 - x on [-3, 3] (one level for the change of variable) then 2y on [-30, 30]
        ChebyshevPolynomial first = new ChebyshevPolynomial(-3, 3, 0, 27.0 * 3 / 4 - 3, 0, 27.0 / 4);
        ChebyshevPolynomial second = new ChebyshevPolynomial(-30, 30, 0, 60);
        SimCiphertext y = sim.evaluatePolynomial(sim.encrypt(x), List.of(first, second));
        double[] v = sim.decrypt(y);
        for (int i = 0; i < S; i++) {
            assertEquals(2 * (x[i] * x[i] * x[i] - x[i]), v[i], 1e-12);
        }
        assertEquals(ChebyshevEvaluator.depth(List.of(first, second)), y.levelsUsed());
        assertEquals(1 + 2 + 1, y.levelsUsed(), "change of variable, degree 3, degree 1");
        assertEquals(0, y.pendingRescales());
        OpCounts c = sim.counts();
        assertEquals(ChebyshevEvaluator.multiplications(first, 0), c.ciphertextMultiplies());
        assertEquals(c.ciphertextMultiplies(), c.keySwitches());
        SimCiphertext pending = sim.multiplyConstant(y, 2);
        assertThrows(IllegalStateException.class, () -> sim.evaluatePolynomial(pending, List.of(first)));
        assertThrows(IllegalArgumentException.class, () -> sim.evaluatePolynomial(y, List.of()));
    }
}
