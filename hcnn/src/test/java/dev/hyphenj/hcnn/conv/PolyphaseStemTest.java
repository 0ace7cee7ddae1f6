package dev.hyphenj.hcnn.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hyphenj.hcnn.TestTensors;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The polyphase rewriting of a stride-2 stem in double precision (the HE run of it is in ResNet18PlannerTest): the
 * stride-1 convolution of the split image, merged back, equals the direct stride-2 convolution, for the 7x7 stem and
 * a 3x3 one, on an image small enough to check every value.
 */
class PolyphaseStemTest {
    @Test
    void splitConvolutionEqualsTheStrideTwoConvolution() {
        Random rnd = new Random(4);
        for (int k : new int[] {7, 3}) {
            double[][][] image = TestTensors.tensor(rnd, 3, 24, 32);
            Convolution stem = TestTensors.convolution(rnd, 3, 5, k, 2);
            Convolution split = PolyphaseStem.convolution(stem);
            assertEquals(3, split.kernel(), "offsets in {-1, 0, 1} for k = " + k);
            assertEquals(48, split.inChannels());
            assertEquals(20, split.outChannels());
            double[][][] got = PolyphaseStem.mergePhases(split.applyPlain(PolyphaseStem.splitInput(image)));
            assertEquals(0, TestTensors.maxAbsDiff(stem.applyPlain(image), got), 1e-12, "k = " + k);
        }
    }

    @Test
    void refusesWhatItCannotSplit() {
        Random rnd = new Random(5);
        assertThrows(IllegalArgumentException.class,
                () -> PolyphaseStem.convolution(TestTensors.convolution(rnd, 3, 4, 7, 1)));
        assertThrows(IllegalArgumentException.class,
                () -> PolyphaseStem.splitInput(TestTensors.tensor(rnd, 3, 30, 32)));
    }
}
