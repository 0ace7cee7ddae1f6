package dev.hyphenj.hcnn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.hcnn.data.Cifar10;
import dev.hyphenj.hcnn.npy.Npy;
import dev.hyphenj.hcnn.npy.NpyArray;
import dev.hyphenj.hcnn.npy.NpyBytes;
import dev.hyphenj.hcnn.npy.NpyFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plain forward pass with the real weights reproduces the reference logits of images 0..9, for the ReLU network
 * and for the polynomial-activation one (resnet20-poly).
 */
class ResNet20Test {
    @Test
    void reproducesReferenceLogits() throws IOException {
        Path data = TestData.directory();
        double worst = worstLogitError(new ResNet20(ResNet20Weights.load(data)), Cifar10.load(data),
                Npy.read(data.resolve("resnet20/logits_first10_float64.npy")), true);
        assertTrue(worst < 1e-6, "largest logit error " + worst);
    }

    @Test
    void reproducesPolyReferenceLogits() throws IOException {
        Path data = TestData.polyDirectory();
        ResNet20Weights w = ResNet20Weights.loadPoly(data);
        assertTrue(w.polynomial());
        assertEquals("layer3.2.act2", w.activations().getLast().name());
        // the model's accuracy is 88%: its classes are compared with the reference, not with the labels
        double worst = worstLogitError(new ResNet20(w), Cifar10.load(data),
                Npy.read(data.resolve("resnet20-poly/logits_first10_float64.npy")), false);
        assertTrue(worst < 1e-6, "largest logit error " + worst);
    }

    /** The largest logit error over images 0..9; with {@code labels}, each top-1 must also be the label. */
    private static double worstLogitError(ResNet20 net, Cifar10 images, NpyArray reference, boolean labels) {
        assertTrue(reference.hasShape(10, 10), reference.shapeString());
        double worst = 0;
        for (int i = 0; i < 10; i++) {
            double[] logits = net.logits(images.pixels(i));
            int best = 0;
            for (int k = 0; k < 10; k++) {
                worst = Math.max(worst, Math.abs(logits[k] - reference.data()[10 * i + k]));
                best = logits[k] > logits[best] ? k : best;
            }
            if (labels) {
                assertEquals(images.label(i), best, "image " + i);
            }
        }
        return worst;
    }

    @Test
    void weightsOfTheWrongShapeAreAClearError(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("resnet20"));
        Files.writeString(dir.resolve("manifest.json"), """
                {"weights_file": "w.npz", "tensor_layouts": {"bn_eps": 1e-5},
                 "input": {"mean": [0.5, 0.5, 0.5], "std": [0.2, 0.2, 0.2]}}""");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(dir.resolve("w.npz")))) {
            zip.putNextEntry(new ZipEntry("conv1.weight.npy"));
            zip.write(NpyBytes.npy("<f4", "(16, 3, 3)", new byte[16 * 3 * 3 * 4]));
        }
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> ResNet20Weights.load(tmp));
        assertTrue(e.getMessage().endsWith("w.npz: tensor 'conv1.weight' has shape (16, 3, 3), expected [16, 3, 3, 3]"),
                e.getMessage());
        Files.writeString(dir.resolve("manifest.json"), "{\"weights_file\": \"w.npz\"}");
        e = assertThrows(NpyFormatException.class, () -> ResNet20Weights.load(tmp));
        assertTrue(e.getMessage().endsWith("manifest.json: missing 'input'"), e.getMessage());
    }
}
