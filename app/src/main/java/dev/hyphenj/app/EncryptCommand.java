package dev.hyphenj.app;

import dev.hyphenj.ckks.Ciphertext;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.SecretKey;
import dev.hyphenj.hcnn.data.Cifar10;
import dev.hyphenj.hcnn.model.ResNet20;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hyphen encrypt --profile P --keys DIR (--image N | --png FILE) [--data DIR] --out FILE}: the client
 * encrypts one image with its secret key as {@code demo} does (normalized with the model's mean and standard
 * deviation from the data directory's manifest, packed in the plan's input layout, at the plan's input level) and
 * writes the ciphertexts one after another ({@code Serializer}) to FILE. A PNG must be 32 x 32.
 */
@Command(name = "encrypt", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Client: encrypt an image (a CIFAR-10 test image of the data directory, or a 32x32 RGB PNG) "
                + "with the secret key, in the plan's input layout and level.")
final class EncryptCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--profile", paramLabel = "NAME|FILE", defaultValue = "resnet20-cifar10",
            description = "the profile the keys were made for (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--keys", paramLabel = "DIR", required = true, description = "the key directory of keygen")
    Path keys;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--image", paramLabel = "N", required = true,
                description = "an image of the data directory's CIFAR-10 sample (0-999)")
        Integer image;

        @Option(names = "--png", paramLabel = "FILE", required = true, description = "a 32x32 RGB PNG")
        Path png;
    }

    @Option(names = "--data", paramLabel = "DIR",
            description = "the data directory (default: $HYPHEN_DATA, else ../shared/data next to the repository)")
    Path data;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "the ciphertext file to write")
    Path out;

    @Override
    public Integer call() throws IOException {
        Parameters params = ClientServer.checkedProfile(profile, "encrypt");
        double[][][] pixels = source.png != null ? readPng(source.png) : null;
        if (source.image != null && source.image < 0) {
            throw new IllegalArgumentException("--image must not be negative, got " + source.image);
        }
        try (SecretKey sk = ClientServer.loadSecretKey(keys, params)) {
            NetworkData.Loaded loaded = NetworkData.load(data, source.png != null ? "0"
                    : Integer.toString(source.image), PolyProfile.is(profile));
            String what;
            if (pixels == null) {
                Cifar10 cifar = loaded.images();
                pixels = cifar.pixels(source.image);
                what = "image " + source.image + " (label " + cifar.label(source.image) + ")";
            } else {
                what = source.png.toString();
            }
            EncryptedPlan plan = ClientServer.plan(profile, params, loaded.weights());
            double[][][] input = new ResNet20(loaded.weights()).normalize(pixels);
            long start = System.nanoTime();
            List<Ciphertext> cts = ClientServer.encrypt(params, sk, plan.network.inputLayout().pack(input),
                    plan.plan.inputLevel());
            try {
                ClientServer.writeCiphertexts(out, params, cts);
            } finally {
                cts.forEach(Ciphertext::close);
            }
            PrintWriter o = spec.commandLine().getOut();
            o.printf("encrypted %s: %d ciphertext%s at level %d, %.1f MiB, in %.2f s, to %s%n", what, cts.size(),
                    cts.size() == 1 ? "" : "s", plan.plan.inputLevel(), Files.size(out) / (double) (1 << 20),
                    (System.nanoTime() - start) / 1e9, out);
            o.flush();
        }
        return 0;
    }

    /** The pixels [3][32][32] (0..255) of a 32 x 32 image file; anything else is one error naming what was found. */
    static double[][][] readPng(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no image file " + file);
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a readable PNG (" + e.getMessage() + ")");
        }
        if (img == null) {
            throw new IllegalArgumentException(file + ": not a PNG or other image ImageIO reads");
        }
        int side = Cifar10.SIZE;
        if (img.getWidth() != side || img.getHeight() != side) {
            throw new IllegalArgumentException(file + ": the image is " + img.getWidth() + "x" + img.getHeight()
                    + ", the model takes " + side + "x" + side + " RGB");
        }
        double[][][] px = new double[Cifar10.CHANNELS][side][side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int rgb = img.getRGB(x, y);
                px[0][y][x] = (rgb >> 16) & 0xff;
                px[1][y][x] = (rgb >> 8) & 0xff;
                px[2][y][x] = rgb & 0xff;
            }
        }
        return px;
    }
}
