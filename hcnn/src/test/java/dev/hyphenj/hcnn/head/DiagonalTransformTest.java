package dev.hyphenj.hcnn.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The multi-input baby-step giant-step diagonal product on the simulator against plain double math. */
class DiagonalTransformTest {
    private static final int SLOTS = 1 << 10;

    /** A random sparse matrix over 3 inputs: a band, a block-start pattern and scattered entries. */
    private static DiagonalTransform random(Random rnd) {
        DiagonalTransform.Builder b = DiagonalTransform.builder(SLOTS, 3);
        for (int i = 0; i < SLOTS; i++) {
            for (int d = -3; d <= 5; d++) {
                b.add(0, i, Math.floorMod(i + d, SLOTS), rnd.nextDouble(-1, 1));
            }
        }
        for (int o = 0; o < 10; o++) {
            for (int k = 0; k < 16; k++) {
                b.add(1, 64 * o, 64 * k, rnd.nextDouble(-1, 1));
            }
        }
        for (int n = 0; n < 40; n++) {
            b.add(2, rnd.nextInt(SLOTS), rnd.nextInt(SLOTS), rnd.nextDouble(-1, 1));
        }
        return b.build();
    }

    @Test
    void matchesPlainProductForEveryBabyStepCount() {
        Random rnd = new Random(11);
        DiagonalTransform t = random(rnd);
        List<double[]> x = new ArrayList<>();
        for (int j = 0; j < 3; j++) {
            double[] v = new double[SLOTS];
            for (int i = 0; i < SLOTS; i++) {
                v[i] = rnd.nextDouble(-1, 1);
            }
            x.add(v);
        }
        double[] want = t.applyPlain(x);
        List<DiagonalTransform> variants = new ArrayList<>(List.of(t));
        for (int n1 = 1; n1 <= SLOTS; n1 *= 4) {
            variants.add(t.withBabySteps(n1));
        }
        for (DiagonalTransform v : variants) {
            SlotSimulator sim = new SlotSimulator(SLOTS);
            List<SimCiphertext> in = x.stream().map(sim::encrypt).toList();
            SimCiphertext y = v.apply(sim, in);
            OpCounts c = sim.counts();
            double[] got = sim.decrypt(y);
            for (int i = 0; i < SLOTS; i++) {
                assertEquals(want[i], got[i], 1e-9, v + " slot " + i);
            }
            assertEquals(v.hoistedRotations(), c.hoistedRotations(), v.toString());
            assertEquals(v.giantRotations(), c.rotations(), v.toString());
            assertEquals(v.plaintextMultiplies(), c.plaintextMultiplies());
            assertEquals(v.rotationSteps().length, c.distinctRotationSteps());
            assertEquals(1, c.rescales());
            assertEquals(1, y.levelsUsed());
            assertEquals(in.size() + 1, c.liveCiphertexts(), "leaked ciphertexts");
        }
        // the chosen split needs no more rotations than any other
        for (DiagonalTransform v : variants) {
            assertTrue(t.hoistedRotations() + t.giantRotations() <= v.hoistedRotations() + v.giantRotations(),
                    t + " vs " + v);
        }
    }

    @Test
    void rejectsEmptyAndOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> DiagonalTransform.builder(SLOTS, 1).build());
        assertThrows(IllegalArgumentException.class, () -> DiagonalTransform.builder(SLOTS, 1).add(1, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> DiagonalTransform.builder(SLOTS, 1).add(0, SLOTS, 0, 1));
    }
}
