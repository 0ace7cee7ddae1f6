package dev.hyphenj.hcnn.residual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hyphenj.hcnn.TestTensors;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.layout.TensorLayout;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OptionAShortcutTest {
    private static final Frame FRAME = new Frame(32, 32, 1 << 15);

    @Test
    void plainShortcutTakesEvenPositionsAndPadsChannelsOnBothSides() {
        double[][][] x = TestTensors.tensor(new Random(1), 2, 4, 4);
        double[][][] y = OptionAShortcut.applyPlain(x, 4);
        assertEquals(4, y.length);
        assertEquals(2, y[0].length);
        assertEquals(0, y[0][1][1]);
        assertEquals(x[0][2][2], y[1][1][1]);
        assertEquals(x[1][0][2], y[2][0][1]);
        assertEquals(0, y[3][0][0]);
    }

    @Test
    void stage1To2() {
        OpCounts c = check(TensorLayout.channelAligned(FRAME, 16, 32, 32, 1), 32);
        assertEquals(1, c.rotations());
        assertEquals(1, c.plaintextMultiplies());
    }

    @Test
    void stage1To2FromTheReplicatedOutputOfRAConv() {
        OpCounts c = check(TensorLayout.replicated(FRAME, 16, 32, 32, 1, 16), 32);
        assertEquals(1, c.rotations());
        assertEquals(1, c.plaintextMultiplies());
    }

    @Test
    void stage2To3() {
        OpCounts c = check(TensorLayout.channelAligned(FRAME, 32, 16, 16, 2), 64);
        assertEquals(1, c.rotations());
        assertEquals(2, c.plaintextMultiplies());
    }

    @Test
    void needsChannelAlignedInputAndEvenPadding() {
        assertThrows(IllegalArgumentException.class,
                () -> new OptionAShortcut(TensorLayout.replicated(FRAME, 16, 32, 32, 1, 8), 32));
        assertThrows(IllegalArgumentException.class,
                () -> new OptionAShortcut(TensorLayout.channelAligned(FRAME, 16, 32, 32, 1), 31));
    }

    private static OpCounts check(TensorLayout in, int outChannels) {
        OptionAShortcut shortcut = new OptionAShortcut(in, outChannels);
        assertEquals(TensorLayout.channelAligned(FRAME, outChannels, in.height() / 2, in.width() / 2, 2 * in.gap()),
                shortcut.outputLayout());
        double[][][] x = TestTensors.tensor(new Random(in.channels()), in.channels(), in.height(), in.width());
        SlotSimulator sim = new SlotSimulator(FRAME.slots());
        List<SimCiphertext> input = in.pack(x).stream().map(sim::encrypt).toList();
        List<SimCiphertext> out = shortcut.apply(sim, input);
        List<double[]> expected = shortcut.outputLayout().pack(OptionAShortcut.applyPlain(x, outChannels));
        assertEquals(0, TestTensors.maxAbsDiff(out.stream().map(sim::decrypt).toList(), expected));
        assertEquals(input.size() + out.size(), sim.counts().liveCiphertexts());
        return sim.counts();
    }
}
