package dev.hyphenj.hcnn.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hyphenj.hcnn.data.Cifar10;
import dev.hyphenj.hcnn.data.DataDirectory;
import dev.hyphenj.hcnn.eval.NetworkHooks;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.model.ResNet20;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import dev.hyphenj.hcnn.npy.Npy;
import dev.hyphenj.hcnn.npy.NpyArray;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * ResNet-20 with MPConv on the slot simulator (exact ReLU, the real weights) reproduces the reference logits of images
 * 0..2, and prints its operation counts per layer (image 0): the baseline's figures of docs/mpconv-baseline.md.
 */
class MpResNet20Test {
    @Test
    void reproducesTheReferenceLogitsAndPrintsItsCounts() throws IOException {
        Path data;
        try {
            data = DataDirectory.resolve(null);
        } catch (IllegalStateException e) {
            data = null;
        }
        assumeTrue(data != null && Files.isRegularFile(data.resolve("resnet20/manifest.json")),
                "skipped: no data directory with resnet20/ (set HYPHEN_DATA)");
        ResNet20Weights weights = ResNet20Weights.load(data);
        ResNet20 plain = new ResNet20(weights);
        Cifar10 images = Cifar10.load(data);
        NpyArray reference = Npy.read(data.resolve("resnet20/logits_first10_float64.npy"));
        MpResNet20 net = new MpResNet20(weights, 1 << 15);
        for (int i = 0; i < 3; i++) {
            SlotSimulator sim = new SlotSimulator(1 << 15);
            SimCiphertext image = sim.encrypt(net.inputLayout().pack(plain.normalize(images.pixels(i))));
            int[] bootstraps = {0};
            OpCounts[] last = {sim.counts()};
            boolean print = i == 0;
            if (print) {
                System.out.println("ResNet-20 with MPConv on the slot simulator, image 0");
                net.describe().forEach(d -> System.out.println("  " + d));
            }
            SimCiphertext logits = net.logits(sim, new NetworkHooks<>() {
                @Override
                public SimCiphertext activate(SimCiphertext x) {
                    return sim.map(x, v -> Math.max(v, 0));
                }

                @Override
                public SimCiphertext bootstrap(SimCiphertext x, int slots) {
                    bootstraps[0]++;
                    return sim.rotate(x, 0);
                }

                @Override
                public void layerDone(String name) {
                    if (print) {
                        OpCounts now = sim.counts();
                        System.out.printf("%-16s %s%n", name, now.since(last[0]).summary());
                        last[0] = now;
                    }
                }
            }, image);
            double[] got = sim.decrypt(logits);
            for (int k = 0; k < 10; k++) {
                assertEquals(reference.data()[10 * i + k], got[k], 1e-6, "image " + i + " class " + k);
            }
            assertEquals(18, bootstraps[0]);
            assertEquals(2, sim.counts().liveCiphertexts(), "leaked ciphertexts");
            if (print) {
                System.out.printf("%-16s %s%n", "total", sim.counts().summary());
                assertEquals(1830, sim.counts().rotations(), "MPConv's rotations for ResNet-20");
                assertEquals(258, sim.counts().distinctRotationSteps(), "the steps of FHE-MP-CNN's key list");
            }
        }
    }
}
