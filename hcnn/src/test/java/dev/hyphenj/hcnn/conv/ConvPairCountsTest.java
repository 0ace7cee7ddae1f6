package dev.hyphenj.hcnn.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hyphenj.hcnn.TestTensors;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.layout.TensorLayout;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Rotation counts of a CAConv + RAConv pair (CA -> PR(m) -> CA) on the simulator, printed as a table for the
 * ResNet-20 shapes, and checked against DESIGN section 5's numpy figures (ordinary / hoisted rotations per pair).
 */
class ConvPairCountsTest {
    private record Pair(String shape, int ci, int co, int side, int gap, int stride, int m) {}

    private static OpCounts run(Pair p) {
        Random rnd = new Random(p.m() + 7L * p.co());
        Convolution c1 = TestTensors.convolution(rnd, p.ci(), p.co(), 3, p.stride());
        TensorLayout in = TensorLayout.channelAligned(HeConvolutionTest.FRAME, p.ci(), p.side(), p.side(), p.gap());
        CAConv ca = new CAConv(c1, in, p.m());
        int side = c1.outputSize(p.side());
        RAConv ra = new RAConv(TestTensors.convolution(rnd, p.co(), p.co(), 3, 1), ca.outputLayout());
        double[][][] x = TestTensors.tensor(rnd, p.ci(), p.side(), p.side());
        SlotSimulator sim = new SlotSimulator(HeConvolutionTest.FRAME.slots());
        List<SimCiphertext> input = in.pack(x).stream().map(sim::encrypt).toList();
        List<SimCiphertext> mid = ca.apply(sim, input);
        List<SimCiphertext> out = ra.apply(sim, mid);
        double[][][] expected = ra.convolution().applyPlain(c1.applyPlain(x));
        double err = TestTensors.maxAbsDiff(ra.outputLayout().unpack(out.stream().map(sim::decrypt).toList()),
                expected);
        assertEquals(0, err, 1e-9, p + " " + side);
        return sim.counts();
    }

    @Test
    void reproducesDesignCountsAndPrintsTheTable() {
        List<Pair> pairs = List.of(
                new Pair("16ch 32x32 g1", 16, 16, 32, 1, 1, 32),
                new Pair("16ch 32x32 g1", 16, 16, 32, 1, 1, 16),
                new Pair("16ch 32x32 g1", 16, 16, 32, 1, 1, 8),
                new Pair("16ch 32x32 g1", 16, 16, 32, 1, 1, 4),
                new Pair("16ch 32x32 g1", 16, 16, 32, 1, 1, 2),
                new Pair("16ch 32x32 g1", 16, 16, 32, 1, 1, 1),
                new Pair("16->32 s2 g1->2", 16, 32, 32, 1, 2, 32),
                new Pair("16->32 s2 g1->2", 16, 32, 32, 1, 2, 16),
                new Pair("16->32 s2 g1->2", 16, 32, 32, 1, 2, 8),
                new Pair("32ch 16x16 g2", 32, 32, 16, 2, 1, 32),
                new Pair("32ch 16x16 g2", 32, 32, 16, 2, 1, 16),
                new Pair("32ch 16x16 g2", 32, 32, 16, 2, 1, 8),
                new Pair("32->64 s2 g2->4", 32, 64, 16, 2, 2, 32),
                new Pair("32->64 s2 g2->4", 32, 64, 16, 2, 2, 16),
                new Pair("64ch 8x8 g4", 64, 64, 8, 4, 1, 32),
                new Pair("64ch 8x8 g4", 64, 64, 8, 4, 1, 16),
                new Pair("64ch 8x8 g4", 64, 64, 8, 4, 1, 8));
        System.out.println("CAConv + RAConv pair (CA -> PR(m) -> CA), S = 2^15, 32x32 frames");
        System.out.printf("%-17s %3s %9s %8s %6s %6s %5s %5s%n", "shape", "m", "ordinary", "hoisted", "pmul",
                "keys", "PRct", "peak");
        for (Pair p : pairs) {
            OpCounts c = run(p);
            int prCiphertexts = (p.co() + p.m() - 1) / p.m();
            System.out.printf("%-17s %3d %9d %8d %6d %6d %5d %5d%n", p.shape(), p.m(), c.rotations(),
                    c.hoistedRotations(), c.plaintextMultiplies(), c.distinctRotationSteps(), prCiphertexts,
                    c.peakCiphertexts());
        }
        // DESIGN section 5: ordinary / hoisted rotations per pair
        assertCounts(new Pair("16ch 32x32", 16, 16, 32, 1, 1, 16), 31, 16);
        assertCounts(new Pair("16ch 32x32", 16, 16, 32, 1, 1, 8), 25, 24);
        assertCounts(new Pair("16ch 32x32", 16, 16, 32, 1, 1, 4), 27, 40);
        assertCounts(new Pair("32ch 16x16 gap 2", 32, 32, 16, 2, 1, 32), 62, 16);
    }

    private static void assertCounts(Pair p, long ordinary, long hoisted) {
        OpCounts c = run(p);
        assertEquals(ordinary, c.rotations(), p + " ordinary");
        assertEquals(hoisted, c.hoistedRotations(), p + " hoisted");
    }
}
