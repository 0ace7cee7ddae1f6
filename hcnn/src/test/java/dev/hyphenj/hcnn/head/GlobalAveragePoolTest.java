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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Global average pooling on the slot simulator against plain sums, CA and PR layouts, powers of two or not. */
class GlobalAveragePoolTest {
    @ParameterizedTest(name = "{0} ch {1}x{2} gap {3} m {4} in {5}x{5} frames, unit steps only: {6}")
    @CsvSource({
        "64, 8, 8, 4, 32, 32, false", // ResNet-20's features: CA, two ciphertexts
        "64, 8, 8, 4, 32, 32, true",
        "16, 32, 32, 1, 32, 32, false", // stage 1 at full size
        "32, 16, 16, 2, 8, 32, false", // PR(8)
        "10, 7, 5, 2, 32, 16, false", // neither side a power of two
        "10, 7, 5, 2, 32, 16, true",
        "3, 1, 1, 1, 4, 4, false"}) // a single value per plane: no rotation
    void sumsEveryPlaneInItsFirstSlot(int channels, int h, int w, int gap, int m, int frameSide, boolean unit) {
        Frame frame = new Frame(frameSide, frameSide, 1 << 15);
        TensorLayout layout = TensorLayout.replicated(frame, channels, h, w, gap, m);
        Random rnd = new Random(channels * 31L + h + m);
        double[][][] x = TestTensors.tensor(rnd, channels, h, w);
        SlotSimulator sim = new SlotSimulator(frame.slots());
        List<SimCiphertext> in = layout.pack(x).stream().map(sim::encrypt).toList();
        GlobalAveragePool pool = new GlobalAveragePool(layout, unit);
        OpCounts before = sim.counts();
        List<SimCiphertext> out = pool.apply(sim, in);
        OpCounts c = sim.counts().since(before);

        double[] means = GlobalAveragePool.applyPlain(x);
        for (int ch = 0; ch < channels; ch++) {
            double got = sim.decrypt(out.get(pool.ciphertextOf(ch)))[pool.slotOf(ch)] / pool.divisor();
            assertEquals(means[ch], got, 1e-12, "channel " + ch);
        }
        assertEquals((long) pool.rotationsPerCiphertext() * in.size(), c.rotations());
        assertEquals(0, c.rescales());
        assertEquals(in.size() + out.size(), c.liveCiphertexts(), "leaked ciphertexts");
        int[] steps = c.rotationSteps().keySet().stream().mapToInt(Integer::intValue).toArray();
        assertArrayEquals(pool.rotationSteps(), steps);
        out.forEach(o -> assertEquals(0, o.levelsUsed()));
        if (unit) {
            assertEquals(h - 1 + w - 1, pool.rotationsPerCiphertext());
            assertArrayEquals(h > 1 ? new int[] {gap, gap * frameSide} : new int[] {gap}, pool.rotationSteps());
        } else {
            if (h == 8 && w == 8) {
                assertEquals(6, pool.rotationsPerCiphertext());
            }
            assertTrue(pool.rotationsPerCiphertext() <= 2 * (Integer.numberOfTrailingZeros(Integer.highestOneBit(h))
                    + Integer.numberOfTrailingZeros(Integer.highestOneBit(w))));
        }
    }
}
