package dev.hyphenj.hcnn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.hcnn.TestTensors;
import dev.hyphenj.hcnn.act.Activation;
import dev.hyphenj.hcnn.act.ActivationProfile;
import dev.hyphenj.hcnn.data.Cifar10;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.npy.Npy;
import dev.hyphenj.hcnn.npy.NpyArray;
import dev.hyphenj.hcnn.plan.CostModel;
import dev.hyphenj.hcnn.plan.NetworkPlan;
import dev.hyphenj.hcnn.plan.PlannedResNet20;
import dev.hyphenj.hcnn.plan.ResNet20Planner;
import dev.hyphenj.ckks.io.Profiles;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * ResNet-20 through the simulator's layers (exact ReLU in the slots; pooling and the linear layer on the unpacked
 * features) matches the plain forward pass and the reference logits of images 0..9; prints the operation counts per
 * layer of image 0.
 */
class HeResNet20Test {
    private static final Frame FRAME = new Frame(32, 32, 1 << 15);

    @Test
    void simulatedNetworkMatchesThePlainForwardPass() throws IOException {
        Path data = TestData.directory();
        ResNet20Weights weights = ResNet20Weights.load(data);
        ResNet20 plain = new ResNet20(weights);
        Cifar10 images = Cifar10.load(data);
        NpyArray reference = Npy.read(data.resolve("resnet20/logits_first10_float64.npy"));
        HeResNet20 net = new HeResNet20(weights, FRAME, new int[] {16, 32, 32});
        for (int i = 0; i < 10; i++) {
            SlotSimulator sim = new SlotSimulator(FRAME.slots());
            double[][][] input = plain.normalize(images.pixels(i));
            List<SimCiphertext> image = net.inputLayout().pack(input).stream().map(sim::encrypt).toList();
            List<SimCiphertext> features = net.features(sim, x -> sim.map(x, v -> Math.max(v, 0)), image,
                    i == 0 ? reporter(sim) : name -> { });

            double[][][] got = net.outputLayout().unpack(features.stream().map(sim::decrypt).toList());
            double err = TestTensors.maxAbsDiff(got, plain.features(input));
            assertTrue(err < 1e-9, "image " + i + ": features differ by " + err);
            double[] logits = plain.classify(got);
            for (int k = 0; k < logits.length; k++) {
                assertEquals(reference.data()[10 * i + k], logits[k], 1e-6, "image " + i + " class " + k);
            }
            assertEquals(image.size() + features.size(), sim.counts().liveCiphertexts(), "leaked ciphertexts");
            assertEquals(19, features.getFirst().levelsUsed(), "one level per convolution");
        }
    }

    @Test
    void appReluNetworkAgreesWithThePlainModel() throws IOException {
        Path data = TestData.directory();
        ResNet20Weights weights = ResNet20Weights.load(data);
        Cifar10 images = Cifar10.load(data);
        NetworkPlan plan = plan();
        Map<String, Activation> relu = new PlannedResNet20(weights, FRAME, plan)
                .appRelu(ActivationProfile.load("resnet20-cifar10"));
        assertEquals(19, relu.size());
        assertEquals(new HeResNet20(weights, FRAME, new int[] {16, 32, 32}).activationLayouts().keySet(),
                relu.keySet(), "the same layer names as the profile's");
        SimulatedResNet20 sim = new SimulatedResNet20(weights, FRAME, plan, relu);
        assertEquals("appRelu", sim.activationKind());
        long start = System.nanoTime();
        List<SimulatedResNet20.Run> runs = IntStream.range(0, 10).parallel()
                .mapToObj(i -> sim.run(images.pixels(i))).toList();
        double worst = 0;
        for (int i = 0; i < 10; i++) {
            SimulatedResNet20.Run r = runs.get(i);
            assertEquals(r.plaintextTop1(), r.top1(), "image " + i + " top-1");
            assertEquals(images.label(i), r.top1(), "image " + i + " label");
            worst = Math.max(worst, r.maxLogitError());
            assertTrue(r.levelsUsed() >= 19 + 19 * 15 + 1, "at least 1 level per conv, 15 per AppReLU, 1 for the head");
            assertEquals(20, r.layers().size());
            assertEquals(SimulatedResNet20.HEAD, r.layers().getLast().name());
            assertEquals(runs.getFirst().total().keySwitches(), r.total().keySwitches(), "counts do not depend on data");
        }
        SimulatedResNet20.Layer stem = runs.getFirst().layers().getFirst();
        assertEquals("stem", stem.name());
        assertEquals(27, stem.activation().ciphertextMultiplies(), "AppReLU on one ciphertext: 26 + 1 products");
        assertEquals(0, stem.activation().allRotations());
        assertEquals(0, stem.layer().ciphertextMultiplies());
        System.out.printf("AppReLU network, images 0..9: all top-1 agree, largest logit error %.3g, %.2f s%n",
                worst, (System.nanoTime() - start) / 1e9);
        assertTrue(worst < 0.05, "largest logit error " + worst);
    }

    /** The planner's plan for the profile's chain (bootstraps to level 16, at most 64 keys). */
    private static NetworkPlan plan() {
        return new ResNet20Planner(Profiles.parameters("resnet20-cifar10"), CostModel.defaults(), 16, 64).plan();
    }

    @Test
    void plannedNetworkWithExactReluMatchesTheReferenceLogits() throws IOException {
        Path data = TestData.directory();
        ResNet20Weights weights = ResNet20Weights.load(data);
        Cifar10 images = Cifar10.load(data);
        NpyArray reference = Npy.read(data.resolve("resnet20/logits_first10_float64.npy"));
        SimulatedResNet20 sim = new SimulatedResNet20(weights, FRAME, plan(), null);
        assertEquals(SimulatedResNet20.EXACT_RELU, sim.activationKind());
        List<SimulatedResNet20.Run> runs = IntStream.range(0, 10).parallel()
                .mapToObj(i -> sim.run(images.pixels(i))).toList();
        for (int i = 0; i < 10; i++) {
            double[] logits = runs.get(i).logits();
            for (int k = 0; k < logits.length; k++) {
                assertEquals(reference.data()[10 * i + k], logits[k], 1e-6, "image " + i + " class " + k);
            }
            assertEquals(20, runs.get(i).layers().size());
        }
    }

    /** Prints the operations of each layer as it completes, and the totals after the last. */
    private static Consumer<String> reporter(SlotSimulator sim) {
        System.out.println("ResNet-20 on the slot simulator, image 0, m per stage {16, 32, 32}");
        OpCounts[] last = {sim.counts()};
        return name -> {
            OpCounts now = sim.counts();
            System.out.printf("%-16s %s%n", name, now.since(last[0]).summary());
            last[0] = now;
            if (name.equals("layer3.2.conv2")) {
                System.out.printf("%-16s %s%n", "total", now.summary());
                System.out.println("rotation steps: " + now.rotationSteps().keySet());
            }
        };
    }
}
