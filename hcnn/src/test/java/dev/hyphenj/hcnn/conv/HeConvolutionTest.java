package dev.hyphenj.hcnn.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.hcnn.TestTensors;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.layout.TensorLayout;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CAConv and RAConv on the slot simulator against the direct convolution, for the ResNet-20 layer shapes (S = 2^15,
 * 32 x 32 frames), stride 1 and 2, 3x3 and 1x1, several m. Every output slot is checked (valid positions, replicas,
 * and zeros elsewhere), and so are the operation counts against DESIGN section 5's formulas.
 */
class HeConvolutionTest {
    static final Frame FRAME = new Frame(32, 32, 1 << 15);
    private static final double TOLERANCE = 1e-9;

    /** in channels, out channels, input side, input gap, kernel, stride, m. */
    static Stream<Arguments> shapes() {
        return Stream.of(
                // stem 3 -> 16
                Arguments.of(3, 16, 32, 1, 3, 1, 4),
                // stage 1: 16 channels 32x32
                Arguments.of(16, 16, 32, 1, 3, 1, 1),
                Arguments.of(16, 16, 32, 1, 3, 1, 4),
                Arguments.of(16, 16, 32, 1, 3, 1, 8),
                Arguments.of(16, 16, 32, 1, 3, 1, 16),
                Arguments.of(16, 16, 32, 1, 3, 1, 32),
                // stage 1 -> 2: stride 2, gap 1 -> 2
                Arguments.of(16, 32, 32, 1, 3, 2, 8),
                Arguments.of(16, 32, 32, 1, 3, 2, 32),
                // stage 2: 32 channels 16x16 at gap 2
                Arguments.of(32, 32, 16, 2, 3, 1, 8),
                Arguments.of(32, 32, 16, 2, 3, 1, 16),
                Arguments.of(32, 32, 16, 2, 3, 1, 32),
                // stage 2 -> 3: stride 2, gap 2 -> 4
                Arguments.of(32, 64, 16, 2, 3, 2, 16),
                Arguments.of(32, 64, 16, 2, 3, 2, 32),
                // stage 3: 64 channels 8x8 at gap 4 (two ciphertexts in CA)
                Arguments.of(64, 64, 8, 4, 3, 1, 8),
                Arguments.of(64, 64, 8, 4, 3, 1, 32),
                // 1x1 convolutions (ImageNet-style projection shortcut), stride 2 and 1
                Arguments.of(16, 32, 32, 1, 1, 2, 16),
                Arguments.of(32, 32, 16, 2, 1, 1, 32),
                // a plane smaller than its frame at gap 1
                Arguments.of(8, 8, 16, 1, 3, 1, 8));
    }

    @ParameterizedTest(name = "CAConv {0}->{1} {2}x{2} gap {3} k{4} s{5} m={6}")
    @MethodSource("shapes")
    void caConvMatchesDirectConvolution(int ci, int co, int side, int gap, int k, int stride, int m) {
        Random rnd = new Random(31L * ci + co + side + m + k + stride);
        Convolution conv = TestTensors.convolution(rnd, ci, co, k, stride);
        TensorLayout in = TensorLayout.channelAligned(FRAME, ci, side, side, gap);
        CAConv ca = new CAConv(conv, in, m);
        assertEquals(TensorLayout.replicated(FRAME, co, conv.outputSize(side), conv.outputSize(side),
                gap * stride, m), ca.outputLayout());
        OpCounts c = check(ca, rnd);
        int r = FRAME.blocks() / m, ctIn = in.ciphertexts(), ctOut = ca.outputLayout().ciphertexts();
        assertEquals((long) ctOut * (m - 1 + Integer.numberOfTrailingZeros(r)), c.rotations());
        assertEquals((long) ctIn * (k * k - 1), c.hoistedRotations());
        assertEquals((long) m * k * k * ctIn * ctOut, c.plaintextMultiplies());
    }

    @ParameterizedTest(name = "RAConv {0}->{1} {2}x{2} gap {3} k{4} s{5} m={6}")
    @MethodSource("shapes")
    void raConvMatchesDirectConvolution(int ci, int co, int side, int gap, int k, int stride, int m) {
        Random rnd = new Random(17L * ci + co + side + m + k + stride);
        Convolution conv = TestTensors.convolution(rnd, ci, co, k, stride);
        TensorLayout in = TensorLayout.replicated(FRAME, ci, side, side, gap, m);
        RAConv ra = new RAConv(conv, in);
        assertTrue(ra.outputLayout().isAligned());
        assertEquals(co < FRAME.blocks(), !ra.outputLayout().isChannelAligned(), "fewer channels than blocks: copies");
        OpCounts c = check(ra, rnd);
        int ctIn = in.ciphertexts(), ctOut = ra.outputLayout().ciphertexts();
        assertEquals((long) ctOut * (m - 1), c.rotations());
        assertEquals((long) ctIn * (k * k - 1), c.hoistedRotations());
        assertEquals((long) m * k * k * ctIn * ctOut, c.plaintextMultiplies());
    }

    /**
     * Runs the layer on a random input and compares every output slot with the direct convolution packed in the
     * output layout; checks one rescale per output and no leaked ciphertext. Returns the layer's counts.
     */
    static OpCounts check(HeConvolution layer, Random rnd) {
        TensorLayout in = layer.inputLayout(), out = layer.outputLayout();
        double[][][] x = TestTensors.tensor(rnd, in.channels(), in.height(), in.width());
        SlotSimulator sim = new SlotSimulator(FRAME.slots());
        List<SimCiphertext> input = in.pack(x).stream().map(sim::encrypt).toList();
        OpCounts before = sim.counts();
        List<SimCiphertext> output = layer.apply(sim, input);
        OpCounts c = sim.counts().since(before);
        List<double[]> got = output.stream().map(sim::decrypt).toList();
        List<double[]> expected = out.pack(layer.convolution().applyPlain(x));
        double err = TestTensors.maxAbsDiff(got, expected);
        assertTrue(err < TOLERANCE, layer.getClass().getSimpleName() + " " + in + " -> " + out + ": error " + err);
        assertEquals(out.ciphertexts(), c.rescales());
        assertEquals(input.size() + output.size(), c.liveCiphertexts(), "leaked ciphertexts");
        output.forEach(o -> assertEquals(1, o.levelsUsed()));
        return c;
    }

    @Test
    void rejectsMismatchedLayouts() {
        Random rnd = new Random(5);
        Convolution conv = TestTensors.convolution(rnd, 16, 16, 3, 1);
        TensorLayout pr = TensorLayout.replicated(FRAME, 16, 32, 32, 1, 16);
        assertThrows(IllegalArgumentException.class,
                () -> new CAConv(conv, TensorLayout.replicated(FRAME, 16, 32, 32, 1, 8), 16));
        TensorLayout wrongChannels = TensorLayout.channelAligned(FRAME, 8, 32, 32, 1);
        assertThrows(IllegalArgumentException.class, () -> new RAConv(conv, wrongChannels));
        RAConv ra = new RAConv(conv, pr);
        assertThrows(IllegalArgumentException.class, () -> ra.apply(new SlotSimulator(FRAME.slots()), List.of()));
    }
}
