package dev.hyphenj.hcnn.act;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.ChebyshevEvaluator;
import dev.hyphenj.ckks.ChebyshevPolynomial;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** AppReLU in double and on the slot simulator. */
class AppReluTest {
    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Test
    void errorOnTheUnitIntervalIsAbout2ToMinus13() {
        AppRelu relu = new AppRelu(1);
        int n = 400_000;
        double worst = 0, sumSquares = 0;
        for (int i = 0; i <= n; i++) {
            double x = -1 + 2.0 * i / n;
            double e = relu.evaluate(x) - Math.max(x, 0);
            worst = Math.max(worst, Math.abs(e));
            sumSquares += e * e;
        }
        double rms = Math.sqrt(sumSquares / (n + 1));
        System.out.printf("AppReLU error on [-1, 1]: max 2^%.2f, rms 2^%.2f (reference: 2^-13.08, 2^-15.57)%n",
                log2(worst), log2(rms));
        assertEquals(-13.08, log2(worst), 0.1);
        assertEquals(-15.57, log2(rms), 0.2);
    }

    @Test
    void theBoundScalesTheInput() {
        double b = 21.7373;
        AppRelu relu = new AppRelu(b), unit = new AppRelu(1);
        for (double x = -b; x <= b; x += b / 997) {
            assertEquals(b * unit.evaluate(x / b), relu.evaluate(x), 1e-9 * b, "x = " + x);
            assertTrue(Math.abs(relu.evaluate(x) - Math.max(x, 0)) < b * 0x1p-12, "x = " + x);
        }
        // Outside [-B, B] the composite explodes: about -1e164 at 1.01 B, past double's range (NaN) at 1.05 B.
        assertTrue(Math.abs(relu.evaluate(1.01 * b)) > 1e100, "explodes outside [-B, B]");
        assertTrue(Double.isNaN(relu.evaluate(1.05 * b)) || Math.abs(relu.evaluate(1.05 * b)) > 1e100);
        assertThrows(IllegalArgumentException.class, () -> new AppRelu(0));
        assertThrows(IllegalArgumentException.class, () -> new AppRelu(Double.NaN));
    }

    /** The normalized form takes x / B (delivered scaled for free) and saves the change of variable's level. */
    @Test
    void normalizedInputComputesTheSameReluInOneLevelLess() {
        double b = 21.7373;
        AppRelu relu = new AppRelu(b), norm = relu.normalizedInput();
        assertTrue(norm.normalized() && !relu.normalized());
        assertEquals(1 / b, norm.inputScale());
        assertEquals(1, relu.inputScale());
        for (double x = -b; x <= b; x += b / 997) {
            assertEquals(relu.evaluate(x), norm.evaluate(x / b), 1e-9 * b, "x = " + x);
        }
        assertEquals(14, norm.levels());
        assertEquals(15, relu.levels());
        SlotSimulator sim = new SlotSimulator(1 << 10);
        Random rnd = new Random(3);
        double[] v = new double[sim.slots()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (2 * rnd.nextDouble() - 1) * b / 2;
        }
        double[] t = v.clone();
        for (int i = 0; i < t.length; i++) {
            t[i] /= b;
        }
        SimCiphertext y = norm.apply(sim, sim.encrypt(t), 0);
        assertEquals(14, y.levelsUsed());
        double[] out = sim.decrypt(y);
        for (int i = 0; i < v.length; i++) {
            assertEquals(Math.max(v[i], 0), out[i], b * 0x1p-13, "slot " + i);
        }
    }

    @Test
    void onTheSimulatorItMatchesDoubleAndCountsItsCost() {
        int slots = 1 << 10;
        double b = 16.0832;
        AppRelu relu = new AppRelu(b);
        SlotSimulator sim = new SlotSimulator(slots);
        Random rnd = new Random(7);
        double[] v = new double[slots];
        for (int i = 0; i < slots; i++) {
            v[i] = (2 * rnd.nextDouble() - 1) * b / 2;
        }
        v[0] = 0;
        SimCiphertext x = sim.encrypt(v);
        OpCounts before = sim.counts();
        SimCiphertext y = relu.apply(sim, x, 0);
        OpCounts c = sim.counts().since(before);
        double[] out = sim.decrypt(y);
        for (int i = 0; i < slots; i++) {
            assertEquals(relu.evaluate(v[i]), out[i], 1e-12);
            assertEquals(Math.max(v[i], 0), out[i], b * 0x1p-13);
        }
        assertEquals(0, out[0], "zero slots stay zero");
        // levels: 1 for t = x / B, then ceil(log2(16)) + ceil(log2(16)) + ceil(log2(28)) = 13, then x * h
        assertEquals(15, relu.levels());
        assertEquals(15, y.levelsUsed());
        assertEquals(0, y.pendingRescales());
        int products = 1;
        for (int k = 0; k < 3; k++) {
            double[] coeffs = relu.stages().get(k).coefficients();
            if (k < 2) {
                ChebyshevPolynomial next = relu.stages().get(k + 1);
                coeffs = ChebyshevPolynomial.onUnitInterval(coeffs).affineOutput(next.alpha(), next.beta())
                        .coefficients();
            }
            products += ChebyshevEvaluator.multiplications(ChebyshevPolynomial.onUnitInterval(coeffs), 0);
        }
        System.out.println("AppReLU per ciphertext: " + c.summary() + ", levels " + y.levelsUsed());
        assertEquals(products, c.ciphertextMultiplies());
        assertEquals(products, c.relinearizations());
        assertEquals(products, c.keySwitches(), "no rotation");
        assertEquals(0, c.allRotations());
        assertEquals(2, c.liveCiphertexts(), "only x and y are left");
        assertEquals(14, ChebyshevEvaluator.depth(relu.stages()));
        assertEquals(0, relu.stages().getLast().evaluate(-1), 1e-3, "the last stage gives (1 + sign) / 2");
    }
}
