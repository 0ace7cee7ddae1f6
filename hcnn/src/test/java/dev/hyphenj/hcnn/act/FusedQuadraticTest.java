package dev.hyphenj.hcnn.act;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.hcnn.TestTensors;
import dev.hyphenj.hcnn.conv.CAConv;
import dev.hyphenj.hcnn.conv.Convolution;
import dev.hyphenj.hcnn.conv.HeConvolution;
import dev.hyphenj.hcnn.conv.RAConv;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.layout.TensorLayout;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two-level convolution and quadratic on the slot simulator against the direct computation in double: every
 * output slot within 1e-9 of y = a s^2 + b s + c (times the output scale) of the direct convolution s, for CAConv and
 * RAConv, stride 1 and 2, in the square form (every a positive, or output scales carrying the signs of a) and the
 * product form (some a negative, positive output scales); two levels; the tap rotations done once, the block rotations
 * once per weight set.
 */
class FusedQuadraticTest {
    private static final Frame FRAME = new Frame(32, 32, 1 << 15);

    @ParameterizedTest(name = "{0} {1}->{2} {3}x{3} gap {4} stride {5} m={6} {7}")
    @CsvSource({
        "CAConv, 16, 16, 32, 1, 1, 8, product",
        "CAConv, 16, 16, 32, 1, 1, 8, positive",
        "CAConv, 16, 32, 32, 1, 2, 16, signed",
        "CAConv, 32, 64, 16, 2, 2, 16, product",
        "RAConv, 3, 16, 32, 1, 1, 4, positive",
        "RAConv, 16, 32, 32, 1, 2, 8, signed",
        "RAConv, 64, 64, 8, 4, 1, 32, positive",
        "RAConv, 64, 64, 8, 4, 1, 32, product"})
    void matchesTheDirectComputation(String kind, int ci, int co, int side, int gap, int stride, int m,
            String form) {
        boolean square = !form.equals("product");
        Random rnd = new Random(97L * ci + co + m + stride);
        // the trained network's spread: a from 0.01 to 4e4, with s of magnitude 1/sqrt(|a|) (0.005 to 10)
        double[] a = new double[co], b = new double[co], c = new double[co], scale = new double[co];
        double[] sScale = new double[co];
        for (int o = 0; o < co; o++) {
            a[o] = Math.pow(10, 6.6 * rnd.nextDouble() - 2) * (form.equals("positive") || o % 3 != 1 ? 1 : -1);
            b[o] = 2 * rnd.nextDouble() - 1;
            c[o] = 4 * rnd.nextDouble() - 2;
            scale[o] = (0.05 + rnd.nextDouble()) * (form.equals("signed") ? Math.signum(a[o]) : 1);
            sScale[o] = 1 / Math.sqrt(Math.abs(a[o]));
        }
        Convolution conv = TestTensors.convolution(rnd, ci, co, 3, stride).affineOutputs(sScale, new double[co]);
        HeConvolution layer = kind.equals("CAConv")
                ? new CAConv(conv, TensorLayout.channelAligned(FRAME, ci, side, side, gap), m)
                : new RAConv(conv, TensorLayout.replicated(FRAME, ci, side, side, gap, m));
        ResNet20Weights.Quadratic q = new ResNet20Weights.Quadratic("test.act", a, b, c);
        FusedQuadratic fused = new FusedQuadratic(layer, q, scale);
        assertEquals(square, fused.square());
        assertEquals(1, FusedQuadratic.weightSets(q), "with the signs of a as output signs: a square");
        double[] withZero = a.clone();
        withZero[0] = 0;
        assertEquals(2, FusedQuadratic.weightSets(new ResNet20Weights.Quadratic("zero", withZero, b, c)),
                "a zero a: no square");

        TensorLayout in = layer.inputLayout(), out = layer.outputLayout();
        double[][][] x = TestTensors.tensor(rnd, ci, side, side);
        double[][][] expected = conv.applyPlain(x);
        for (int o = 0; o < co; o++) {
            for (double[] row : expected[o]) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = q.apply(o, row[i]) * scale[o];
                }
            }
        }
        SlotSimulator sim = new SlotSimulator(FRAME.slots());
        List<SimCiphertext> input = in.pack(x).stream().map(sim::encrypt).toList();
        List<SimCiphertext> output = fused.apply(sim, input);
        OpCounts counts = sim.counts();
        double err = TestTensors.maxAbsDiff(output.stream().map(sim::decrypt).toList(), out.pack(expected));
        assertTrue(err < 1e-9, "largest error " + err);
        output.forEach(y -> assertEquals(2, y.levelsUsed()));
        assertEquals(input.size() + output.size(), counts.liveCiphertexts(), "leaked ciphertexts");

        int ctIn = in.ciphertexts(), ctOut = out.ciphertexts(), r = FRAME.blocks() / m;
        long gather = kind.equals("CAConv") ? Integer.numberOfTrailingZeros(r) : 0;
        int sets = square ? 1 : 2;
        assertEquals((long) ctIn * 8, counts.hoistedRotations(), "tap rotations, shared by the weight sets");
        assertEquals((long) sets * ctOut * (m - 1 + gather), counts.rotations(), "block rotations, per weight set");
        assertEquals((long) sets * m * 9 * ctIn * ctOut, counts.plaintextMultiplies());
        assertEquals(ctOut, counts.ciphertextMultiplies());
    }
}
