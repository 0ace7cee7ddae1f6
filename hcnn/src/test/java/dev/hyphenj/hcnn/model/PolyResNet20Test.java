package dev.hyphenj.hcnn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.hcnn.data.Cifar10;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.npy.Npy;
import dev.hyphenj.hcnn.npy.NpyArray;
import dev.hyphenj.hcnn.plan.NetworkPlan;
import dev.hyphenj.hcnn.plan.PolyResNet20;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/**
 * The degree-2 ResNet-20 on the slot simulator with the real weights: it reproduces the float64 reference logits to
 * 1e-6 in 39 levels, leveled (images 0..1) and with bootstraps after activations (images 0..9), whose per-channel
 * scaling keeps every bootstrapped slot within the margin of the bootstrap's range [-1, 1]. (On images 0..999, the
 * images the bounds were measured on, {@code hyphen simulate} reports the largest bootstrapped slot.)
 */
class PolyResNet20Test {
    private static final Frame FRAME = new Frame(32, 32, 1 << 15);

    /** PR(4) image, m = 16 with 4 baby steps in every block, no refills, no bootstrap flags. */
    static NetworkPlan layout(int inputLevel) {
        List<NetworkPlan.BlockPlan> blocks = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            blocks.add(new NetworkPlan.BlockPlan("layer" + (i / 3 + 1) + "." + i % 3, 16, 4, 4, false, false));
        }
        return new NetworkPlan(4, 4, blocks, inputLevel, Collections.nCopies(19, false));
    }

    @Test
    void leveledReproducesTheReferenceLogits() throws IOException {
        Path data = TestData.polyDirectory();
        ResNet20Weights w = ResNet20Weights.loadPoly(data);
        SimulatedResNet20 sim = new SimulatedResNet20(w, new PolyResNet20(w, FRAME, layout(39), Map.of()));
        assertEquals(SimulatedResNet20.POLY2, sim.activationKind());
        check(sim, data, 2, 0.0);
    }

    @Test
    void bootstrappedTensorsStayInRange() throws IOException {
        Path data = TestData.polyDirectory();
        ResNet20Weights w = ResNet20Weights.loadPoly(data);
        // after the stem, a PR(16) mid-block tensor, block outputs of all three stages
        SortedMap<Integer, double[]> scales = PolyBounds.load(data).bootstrapScales(List.of(0, 5, 6, 10, 16));
        SimulatedResNet20 sim = new SimulatedResNet20(w, new PolyResNet20(w, FRAME, layout(39), scales));
        check(sim, data, 10, 1 / PolyBounds.MARGIN);
    }

    /**
     * The first {@code n} images: logits within 1e-6 of the reference, 39 levels used, every bootstrapped slot within
     * {@code bootstrapBound} (0: nothing bootstrapped) up to the 6 digits of bounds.json.
     */
    private static void check(SimulatedResNet20 sim, Path data, int n, double bootstrapBound) throws IOException {
        Cifar10 images = Cifar10.load(data);
        NpyArray reference = Npy.read(data.resolve("resnet20-poly/logits_first10_float64.npy"));
        double worst = 0, peak = 0;
        for (int i = 0; i < n; i++) {
            SimulatedResNet20.Run run = sim.run(images.pixels(i));
            for (int k = 0; k < 10; k++) {
                worst = Math.max(worst, Math.abs(run.logits()[k] - reference.data()[10 * i + k]));
            }
            assertEquals(39, run.levelsUsed());
            peak = Math.max(peak, run.bootstrapInputMax());
        }
        assertTrue(worst < 1e-6, "largest logit error " + worst);
        if (bootstrapBound == 0) {
            assertEquals(0, peak);
        } else {
            assertTrue(peak > 0.05 && peak <= bootstrapBound * (1 + 1e-5), "largest bootstrapped slot " + peak);
        }
    }
}
