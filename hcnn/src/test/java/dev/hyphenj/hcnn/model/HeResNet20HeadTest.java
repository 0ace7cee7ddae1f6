package dev.hyphenj.hcnn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hyphenj.hcnn.data.Cifar10;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.head.ClassifierHead;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.npy.Npy;
import dev.hyphenj.hcnn.npy.NpyArray;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The whole ResNet-20 on the slot simulator, pooling and the linear layer included (exact ReLU), reproduces the
 * reference logits of images 0..2 to 1e-6, with the logits read from the head's output ciphertext; prints the head's
 * counts and the rotation steps it adds to the convolutions' (none when pooling rotates by the taps' steps only).
 */
class HeResNet20HeadTest {
    private static final Frame FRAME = new Frame(32, 32, 1 << 15);

    @Test
    void encryptedHeadReproducesTheReferenceLogits() throws IOException {
        Path data = TestData.directory();
        ResNet20Weights weights = ResNet20Weights.load(data);
        ResNet20 plain = new ResNet20(weights);
        Cifar10 images = Cifar10.load(data);
        NpyArray reference = Npy.read(data.resolve("resnet20/logits_first10_float64.npy"));
        HeResNet20 net = new HeResNet20(weights, FRAME, new int[] {16, 32, 32});
        ClassifierHead head = new ClassifierHead(net.outputLayout(), weights.fcWeight(), weights.fcBias());
        for (int i = 0; i < 3; i++) {
            SlotSimulator sim = new SlotSimulator(FRAME.slots());
            List<SimCiphertext> image = net.inputLayout().pack(plain.normalize(images.pixels(i))).stream()
                    .map(sim::encrypt).toList();
            List<SimCiphertext> features = net.features(sim, x -> sim.map(x, v -> Math.max(v, 0)), image, n -> { });
            OpCounts before = sim.counts();
            SimCiphertext logits = head.apply(sim, features);
            OpCounts headCounts = sim.counts().since(before);
            double[] got = head.decode(sim.decrypt(logits));
            for (int k = 0; k < got.length; k++) {
                assertEquals(reference.data()[10 * i + k], got[k], 1e-6, "image " + i + " class " + k);
            }
            assertEquals(20, logits.levelsUsed(), "19 convolutions and the linear layer");
            if (i == 0) {
                Set<Integer> extra = new TreeSet<>(headCounts.rotationSteps().keySet());
                extra.removeAll(before.rotationSteps().keySet());
                System.out.println("ResNet-20 head on the simulator: " + headCounts.summary() + "; steps "
                        + headCounts.rotationSteps().keySet() + ", of which not used by the convolutions: " + extra);
                ClassifierHead fewKeys = new ClassifierHead(net.outputLayout(), weights.fcWeight(), weights.fcBias(),
                        true);
                OpCounts mark = sim.counts();
                SimCiphertext again = fewKeys.apply(sim, features);
                OpCounts c = sim.counts().since(mark);
                assertArrayEquals(got, fewKeys.decode(sim.decrypt(again)), 1e-12);
                Set<Integer> extraFew = new TreeSet<>(c.rotationSteps().keySet());
                extraFew.removeAll(before.rotationSteps().keySet());
                assertEquals(Set.of(), extraFew, "pooling by the taps' steps needs no key of its own");
                System.out.println("  with pooling by tap steps only: " + c.summary());
            }
        }
    }
}
