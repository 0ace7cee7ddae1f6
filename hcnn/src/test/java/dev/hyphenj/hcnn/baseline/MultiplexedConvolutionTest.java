package dev.hyphenj.hcnn.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.hcnn.TestTensors;
import dev.hyphenj.hcnn.conv.Convolution;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.residual.OptionAShortcut;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MPConv on the slot simulator (n = 2^15) against the direct convolution for the ResNet-20 layer shapes, every copy of
 * every output slot checked, and its operation counts against the formula of docs/mpconv-baseline.md.
 */
class MultiplexedConvolutionTest {
    static final int SLOTS = 1 << 15;

    /** in channels, out channels, side, input gap k, stride. */
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(3, 16, 32, 1, 1),    // stem (3 planes, 8 copies)
                Arguments.of(16, 16, 32, 1, 1),   // stage 1
                Arguments.of(16, 32, 32, 1, 2),   // stage 1 -> 2
                Arguments.of(32, 32, 16, 2, 1),   // stage 2
                Arguments.of(32, 64, 16, 2, 2),   // stage 2 -> 3
                Arguments.of(64, 64, 8, 4, 1));   // stage 3
    }

    @ParameterizedTest(name = "MPConv {0}->{1} {2}x{2} k={3} stride {4}")
    @MethodSource("shapes")
    void matchesDirectConvolution(int ci, int co, int side, int k, int stride) {
        Random rnd = new Random(7L * ci + co + side + stride);
        Convolution conv = TestTensors.convolution(rnd, ci, co, 3, stride);
        MultiplexedLayout in = MultiplexedLayout.of(SLOTS, k, side, side, ci);
        MultiplexedConvolution mp = new MultiplexedConvolution(conv, in, true);
        double[][][] x = TestTensors.tensor(rnd, ci, side, side);
        SlotSimulator sim = new SlotSimulator(SLOTS);
        SimCiphertext input = sim.encrypt(in.pack(x));
        SimCiphertext output = mp.apply(sim, input);
        OpCounts c = sim.counts();
        double[] got = sim.decrypt(output);
        double[] expected = mp.outputLayout().pack(conv.applyPlain(x));
        double err = 0;
        for (int i = 0; i < SLOTS; i++) {
            err = Math.max(err, Math.abs(got[i] - expected[i]));
        }
        assertTrue(err < 1e-9, mp.outputLayout() + ": error " + err);
        assertEquals(2, output.levelsUsed(), "MPConv takes two levels");
        assertEquals(2, c.liveCiphertexts(), "leaked ciphertexts");
        assertEquals(0, c.hoistedRotations(), "MPConv does not hoist");
        assertEquals(expectedRotations(mp), c.rotations(), "rotations");
        assertEquals((long) mp.groups() * 9 + co, c.plaintextMultiplies(), "plaintext multiplies");
        System.out.printf("MPConv %-38s -> %-34s rot %4d pmul %4d keys %3d%n", in, mp.outputLayout(), c.rotations(),
                c.plaintextMultiplies(), c.distinctRotationSteps());
    }

    /** docs/mpconv-baseline.md: taps + q (2 log2 ki + rs(ti)) + collections + (po - 1), split steps twice. */
    static long expectedRotations(MultiplexedConvolution mp) {
        MultiplexedLayout in = mp.inputLayout(), out = mp.outputLayout();
        int n = in.slots(), ki = in.k();
        long r = 0;
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                r += cost(mp.tapStep(dy, dx), n);
            }
        }
        long perGroup = 0;
        for (int s = 1; s < ki; s *= 2) {
            perGroup += cost(s, n) + cost(s * ki * in.w(), n);
        }
        int plane = ki * ki * in.h() * in.w();
        if (Integer.bitCount(in.t()) == 1) {
            for (int s = 1; s < in.t(); s *= 2) {
                perGroup += cost(s * plane, n);
            }
        } else {
            for (int u = 1; u < in.t(); u++) {
                perGroup += cost(u * plane, n);
            }
        }
        r += perGroup * mp.groups();
        for (int j = 0; j < mp.convolution().outChannels(); j++) {
            r += cost(mp.collectionStep(j), n);
        }
        for (int u = 1; u < out.p(); u++) {
            r += cost(-u * (n / out.p()), n);
        }
        return r;
    }

    private static int cost(int step, int n) {
        int s = Math.floorMod(step, n);
        return s == 0 ? 0 : MpRotation.split(s) ? 2 : 1;
    }

    @Test
    void downsamplingMatchesOptionA() {
        int[][] shapes = {{16, 32, 1}, {32, 16, 2}};
        for (int[] s : shapes) {
            Random rnd = new Random(s[0]);
            int c = s[0], side = s[1], k = s[2];
            MultiplexedLayout in = MultiplexedLayout.of(SLOTS, k, side, side, c);
            MultiplexedDownsampling ds = new MultiplexedDownsampling(in);
            double[][][] x = TestTensors.tensor(rnd, c, side, side);
            SlotSimulator sim = new SlotSimulator(SLOTS);
            SimCiphertext out = ds.apply(sim, sim.encrypt(in.pack(x)));
            double[] got = sim.decrypt(out);
            double[] expected = ds.outputLayout().pack(OptionAShortcut.applyPlain(x, 2 * c));
            double err = 0;
            for (int i = 0; i < SLOTS; i++) {
                err = Math.max(err, Math.abs(got[i] - expected[i]));
            }
            assertTrue(err < 1e-12, in + " -> " + ds.outputLayout() + ": error " + err);
            System.out.printf("downsampling %s -> %s: %s%n", in, ds.outputLayout(), sim.counts().summary());
        }
    }
}
