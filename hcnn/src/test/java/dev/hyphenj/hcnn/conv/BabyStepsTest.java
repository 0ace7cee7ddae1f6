package dev.hyphenj.hcnn.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.hcnn.TestTensors;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.layout.TensorLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Block rotations in baby and giant steps: the same results and rotation counts as one rotation per diagonal, with
 * (n1 - 1) + (m/n1 - 1) block-rotation keys instead of m - 1.
 */
class BabyStepsTest {
    @Test
    void caConvAndRaConvKeepTheirResultsAndCountsWithFewerKeys() {
        for (int n1 : new int[] {1, 2, 4, 8}) {
            Random rnd = new Random(11 + n1);
            Convolution c1 = TestTensors.convolution(rnd, 64, 64, 3, 1);
            TensorLayout in = TensorLayout.channelAligned(HeConvolutionTest.FRAME, 64, 8, 8, 4);
            CAConv ca = new CAConv(c1, in, 16, n1);
            OpCounts a = HeConvolutionTest.check(ca, rnd);
            RAConv ra = new RAConv(TestTensors.convolution(rnd, 64, 64, 3, 1), ca.outputLayout(), n1);
            OpCounts b = HeConvolutionTest.check(ra, rnd);
            assertEquals(4L * (15 + 1), a.rotations(), "CAConv n1 = " + n1);
            assertEquals(2L * 15, b.rotations(), "RAConv n1 = " + n1);
            long blockKeys = b.rotationSteps().keySet().stream().filter(s -> Math.abs(s) >= 1024).count();
            assertEquals(n1 - 1 + 16 / n1 - 1, blockKeys, "block-rotation keys with n1 = " + n1);
            assertEquals(n1, ra.babySteps());
        }
    }

    @Test
    void babyStepsMustDivideM() {
        Convolution c = TestTensors.convolution(new Random(1), 16, 16, 3, 1);
        TensorLayout in = TensorLayout.channelAligned(HeConvolutionTest.FRAME, 16, 32, 32, 1);
        assertThrows(IllegalArgumentException.class, () -> new CAConv(c, in, 16, 3));
        assertThrows(IllegalArgumentException.class, () -> new CAConv(c, in, 16, 0));
        assertTrue(new CAConv(c, in, 4, 8).babySteps() == 4, "n1 larger than m is cut to m");
    }
}
