package dev.hyphenj.hcnn.act;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hyphenj.hcnn.TestTensors;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.layout.TensorLayout;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The degree-2 activation on the simulator, per channel and per layer, on CA and PR layouts with gaps. */
class QuadraticActivationTest {
    private static final Frame FRAME = new Frame(8, 8, 1 << 9);

    @Test
    void perChannelCoefficientsOnEveryLayout() {
        Random rnd = new Random(3);
        for (TensorLayout layout : List.of(TensorLayout.channelAligned(FRAME, 12, 8, 8, 1),
                TensorLayout.replicated(FRAME, 12, 4, 4, 2, 2), TensorLayout.replicated(FRAME, 5, 3, 3, 2, 1))) {
            int ch = layout.channels();
            double[] a = new double[ch], b = new double[ch], c = new double[ch];
            for (int k = 0; k < ch; k++) {
                a[k] = rnd.nextGaussian();
                b[k] = rnd.nextGaussian();
                c[k] = rnd.nextGaussian();
            }
            double[][][] x = TestTensors.tensor(rnd, ch, layout.height(), layout.width());
            double[][][] expected = new double[ch][layout.height()][layout.width()];
            for (int k = 0; k < ch; k++) {
                for (int i = 0; i < layout.height(); i++) {
                    for (int j = 0; j < layout.width(); j++) {
                        double v = x[k][i][j];
                        expected[k][i][j] = a[k] * v * v + b[k] * v + c[k];
                    }
                }
            }
            List<double[]> got = run(new QuadraticActivation(layout, a, b, c), layout, x);
            assertEquals(0, TestTensors.maxAbsDiff(layout.pack(expected), got), 1e-12,
                    "every slot, zeros outside the tensor included: " + layout);
        }
    }

    @Test
    void perLayerCoefficientsAndCosts() {
        TensorLayout layout = TensorLayout.channelAligned(FRAME, 8, 8, 8, 1);
        double[][][] x = TestTensors.tensor(new Random(5), 8, 8, 8);
        SlotSimulator sim = new SlotSimulator(FRAME.slots());
        QuadraticActivation act = QuadraticActivation.perLayer(layout, 0.25, 0.5, 0.125);
        SimCiphertext in = sim.encrypt(layout.pack(x).getFirst());
        OpCounts before = sim.counts();
        SimCiphertext out = act.apply(sim, in, 0);
        OpCounts c = sim.counts().since(before);
        double[][][] y = layout.unpack(List.of(sim.decrypt(out)));
        for (int k = 0; k < 8; k++) {
            for (int i = 0; i < 8; i++) {
                for (int j = 0; j < 8; j++) {
                    double v = x[k][i][j];
                    assertEquals(0.25 * v * v + 0.5 * v + 0.125, y[k][i][j], 1e-14);
                }
            }
        }
        assertEquals(2, out.levelsUsed());
        assertEquals(2, act.levels());
        assertEquals(1, c.ciphertextMultiplies());
        assertEquals(1, c.plaintextMultiplies());
        assertEquals(1, c.keySwitches());
        assertEquals(2, c.rescales());
        assertEquals(2, c.liveCiphertexts());
        assertThrows(IllegalArgumentException.class, () -> act.apply(sim, in, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new QuadraticActivation(layout, new double[7], new double[8], new double[8]));
    }

    private static List<double[]> run(Activation act, TensorLayout layout, double[][][] x) {
        SlotSimulator sim = new SlotSimulator(FRAME.slots());
        List<double[]> out = new ArrayList<>();
        List<double[]> packed = layout.pack(x);
        for (int k = 0; k < packed.size(); k++) {
            out.add(sim.decrypt(act.apply(sim, sim.encrypt(packed.get(k)), k)));
        }
        return out;
    }
}
