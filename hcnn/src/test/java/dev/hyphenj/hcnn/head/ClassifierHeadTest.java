package dev.hyphenj.hcnn.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.hcnn.TestTensors;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.layout.TensorLayout;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pooling and the fully connected layer on the simulator against plain double math, at ResNet-20's feature shape
 * (64 channels 8x8 at gap 4, CA in 32x32 frames of 2^15 slots) and at a shape with more outputs than blocks.
 */
class ClassifierHeadTest {
    @Test
    void resNet20ShapeMatchesPlainLogits() {
        Frame frame = new Frame(32, 32, 1 << 15);
        TensorLayout features = TensorLayout.channelAligned(frame, 64, 8, 8, 4);
        OpCounts c = check(features, 10, new Random(3));
        System.out.println("ResNet-20 head (pool + FC 64 -> 10) on the simulator: " + c.summary()
                + "; steps " + c.rotationSteps().keySet());
        // pooling: 6 rotations per ciphertext; FC: BSGS over 32 block diagonals per ciphertext
        assertTrue(c.rotations() + c.hoistedRotations() <= 12 + 20, c.summary());
    }

    @Test
    void moreOutputsThanBlocks() {
        Frame frame = new Frame(16, 16, 1 << 12);
        TensorLayout features = TensorLayout.replicated(frame, 24, 4, 4, 2, 8);
        check(features, 40, new Random(4));
    }

    private static OpCounts check(TensorLayout layout, int classes, Random rnd) {
        double[][][] x = TestTensors.tensor(rnd, layout.channels(), layout.height(), layout.width());
        double[][] w = new double[classes][layout.channels()];
        double[] b = new double[classes];
        for (int o = 0; o < classes; o++) {
            for (int i = 0; i < layout.channels(); i++) {
                w[o][i] = rnd.nextDouble(-1, 1);
            }
            b[o] = rnd.nextDouble(-1, 1);
        }
        ClassifierHead head = new ClassifierHead(layout, w, b);
        SlotSimulator sim = new SlotSimulator(layout.frame().slots());
        List<SimCiphertext> in = layout.pack(x).stream().map(sim::encrypt).toList();
        SimCiphertext y = head.apply(sim, in);
        OpCounts c = sim.counts();
        double[] slots = sim.decrypt(y);
        double[] got = head.decode(slots);
        double[] want = head.applyPlain(x);
        assertEquals(classes, got.length);
        for (int o = 0; o < classes; o++) {
            assertEquals(want[o], got[o], 1e-12, "class " + o);
        }
        // every other slot is zero: the diagonals mask the pooled partial sums
        int nonZero = 0;
        for (double v : slots) {
            nonZero += v != 0 ? 1 : 0;
        }
        assertTrue(nonZero <= classes);
        assertEquals(1, y.levelsUsed());
        assertEquals(1, c.rescales());
        assertEquals(in.size() + 1, c.liveCiphertexts(), "leaked ciphertexts");
        assertArrayEquals(head.rotationSteps(),
                c.rotationSteps().keySet().stream().mapToInt(Integer::intValue).toArray());
        return c;
    }
}
