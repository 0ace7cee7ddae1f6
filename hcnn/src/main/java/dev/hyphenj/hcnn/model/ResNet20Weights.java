package dev.hyphenj.hcnn.model;

import dev.hyphenj.ckks.io.Json;
import dev.hyphenj.hcnn.conv.Convolution;
import dev.hyphenj.hcnn.npy.NpyArray;
import dev.hyphenj.hcnn.npy.NpyFormatException;
import dev.hyphenj.hcnn.npy.Npz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The ResNet-20 (He et al. 2016, CIFAR variant, option-A shortcuts) with BatchNorm folded into the convolutions:
 * a 3x3 stem 3 -> 16, three stages of three basic blocks (16, 32 and 64 channels; the first block of stages 2 and 3
 * has stride 2), then average pooling and a 64 -> 10 linear layer. Loaded from {@code resnet20/manifest.json} and
 * its weights file (the akamaster pretrained model, BSD-2-Clause) in the data directory; or, with every ReLU replaced
 * by a per-channel quadratic (the HyPHEN/AESPA configuration), from {@code resnet20-poly/resnet20_poly.npz}
 * ({@link #loadPoly}).
 *
 * @param stem the first convolution with its BatchNorm
 * @param blocks the nine basic blocks in order
 * @param fcWeight the linear layer's weights [10][64]
 * @param fcBias the linear layer's bias [10]
 * @param mean per-channel input mean (of pixel/255)
 * @param std per-channel input standard deviation
 * @param activations the 19 quadratic activations in order of evaluation (stem, then act1 and act2 of each block),
 *     or an empty list for the ReLU network
 */
public record ResNet20Weights(Convolution stem, List<Block> blocks, double[][] fcWeight, double[] fcBias,
        double[] mean, double[] std, List<Quadratic> activations) {

    /** Channels per stage. */
    public static final int[] STAGE_CHANNELS = {16, 32, 64};
    /** Basic blocks per stage. */
    public static final int BLOCKS_PER_STAGE = 3;
    /** Output classes. */
    public static final int CLASSES = 10;
    /** Activation layers: the stem's and two per basic block. */
    public static final int ACTIVATIONS = 1 + 2 * BLOCKS_PER_STAGE * STAGE_CHANNELS.length;

    public ResNet20Weights {
        activations = List.copyOf(activations);
        if (!activations.isEmpty() && activations.size() != ACTIVATIONS) {
            throw new IllegalArgumentException(activations.size() + " activations, expected " + ACTIVATIONS);
        }
    }

    /** The ReLU network. */
    public ResNet20Weights(Convolution stem, List<Block> blocks, double[][] fcWeight, double[] fcBias, double[] mean,
            double[] std) {
        this(stem, blocks, fcWeight, fcBias, mean, std, List.of());
    }

    /**
     * The per-channel quadratic y = a s^2 + b s + c of one activation layer.
     *
     * @param name the layer's tensor-name prefix ({@code stem.act}, {@code layer1.0.act1}, ...)
     * @param a the s^2 coefficient per channel
     * @param b the s coefficient per channel
     * @param c the constant per channel
     */
    public record Quadratic(String name, double[] a, double[] b, double[] c) {
        /** The activation of a value of channel ch. */
        public double apply(int ch, double s) {
            return (a[ch] * s + b[ch]) * s + c[ch];
        }
    }

    /** Whether every activation is a quadratic (the resnet20-poly network) rather than the ReLU. */
    public boolean polynomial() {
        return !activations.isEmpty();
    }

    /**
     * The name of activation layer {@code index} (0: the stem's, then act1 and act2 of each block) in the
     * resnet20-poly tensors and bounds: {@code stem.act}, {@code layer1.0.act1}, {@code layer1.0.act2}, ...
     */
    public static String polyActivationName(int index) {
        if (index == 0) {
            return "stem.act";
        }
        int block = (index - 1) / 2;
        return "layer" + (block / BLOCKS_PER_STAGE + 1) + "." + block % BLOCKS_PER_STAGE + ".act" + (2 - index % 2);
    }

    /**
     * A basic block: relu(conv2(relu(conv1(x))) + shortcut(x)), BatchNorms folded in.
     *
     * @param name the tensor-name prefix, such as {@code layer2.0}
     * @param stage 0, 1 or 2
     * @param conv1 the first convolution (stride 2 in the first block of stages 1 and 2)
     * @param conv2 the second convolution
     */
    public record Block(String name, int stage, Convolution conv1, Convolution conv2) {
        /** Whether the block downsamples (and so has the option-A shortcut). */
        public boolean downsamples() {
            return conv1.stride() != 1;
        }
    }

    /** Loads the manifest and the weights from a data directory (its {@code resnet20/} subdirectory). */
    public static ResNet20Weights load(Path dataDirectory) throws IOException {
        Path dir = dataDirectory.resolve("resnet20");
        Path manifestFile = dir.resolve("manifest.json");
        Map<?, ?> manifest = (Map<?, ?>) Json.parse(Files.readString(manifestFile, StandardCharsets.UTF_8),
                manifestFile.toString());
        Map<?, ?> input = (Map<?, ?>) require(manifest, "input", manifestFile);
        double[] mean = numbers(require(input, "mean", manifestFile));
        double[] std = numbers(require(input, "std", manifestFile));
        Map<?, ?> layouts = (Map<?, ?>) require(manifest, "tensor_layouts", manifestFile);
        double eps = ((Number) require(layouts, "bn_eps", manifestFile)).doubleValue();
        Path weightsFile = dir.resolve((String) require(manifest, "weights_file", manifestFile));
        Tensors t = new Tensors(Npz.read(weightsFile), weightsFile, eps);

        Convolution stem = t.conv("conv1.weight", "bn1", 3, STAGE_CHANNELS[0], 1);
        List<Block> blocks = new ArrayList<>();
        for (BlockShape b : blockShapes()) {
            String p = b.prefix();
            blocks.add(new Block(p, b.stage(),
                    t.conv(p + ".conv1.weight", p + ".bn1", b.in(), b.planes(), b.stride()),
                    t.conv(p + ".conv2.weight", p + ".bn2", b.planes(), b.planes(), 1)));
        }
        int in = STAGE_CHANNELS[STAGE_CHANNELS.length - 1];
        double[][] fcWeight = t.get("linear.weight", CLASSES, in).as2d();
        double[] fcBias = t.get("linear.bias", CLASSES).data();
        return new ResNet20Weights(stem, List.copyOf(blocks), fcWeight, fcBias, mean, std);
    }

    /**
     * Loads the polynomial-activation ResNet-20 from a data directory: {@code resnet20-poly/resnet20_poly.npz}
     * (BatchNorm folded into each convolution's weight and bias; {@code <act>.a}, {@code .b}, {@code .c} per
     * activation) with the input normalization of {@code resnet20/manifest.json}, which it shares.
     */
    public static ResNet20Weights loadPoly(Path dataDirectory) throws IOException {
        Path manifestFile = dataDirectory.resolve("resnet20").resolve("manifest.json");
        Map<?, ?> manifest = (Map<?, ?>) Json.parse(Files.readString(manifestFile, StandardCharsets.UTF_8),
                manifestFile.toString());
        Map<?, ?> input = (Map<?, ?>) require(manifest, "input", manifestFile);
        Path weightsFile = dataDirectory.resolve("resnet20-poly").resolve("resnet20_poly.npz");
        Tensors t = new Tensors(Npz.read(weightsFile), weightsFile, 0);
        Convolution stem = t.biasedConv("stem.conv", 3, STAGE_CHANNELS[0], 1);
        List<Quadratic> acts = new ArrayList<>(List.of(t.quadratic(polyActivationName(0), STAGE_CHANNELS[0])));
        List<Block> blocks = new ArrayList<>();
        for (BlockShape b : blockShapes()) {
            String p = b.prefix();
            blocks.add(new Block(p, b.stage(), t.biasedConv(p + ".conv1", b.in(), b.planes(), b.stride()),
                    t.biasedConv(p + ".conv2", b.planes(), b.planes(), 1)));
            acts.add(t.quadratic(p + ".act1", b.planes()));
            acts.add(t.quadratic(p + ".act2", b.planes()));
        }
        int in = STAGE_CHANNELS[STAGE_CHANNELS.length - 1];
        return new ResNet20Weights(stem, List.copyOf(blocks), t.get("fc.weight", CLASSES, in).as2d(),
                t.get("fc.bias", CLASSES).data(), numbers(require(input, "mean", manifestFile)),
                numbers(require(input, "std", manifestFile)), acts);
    }

    /** A residual block's tensor names prefix ("layer1.0"), stage, input and output channels and first stride. */
    private record BlockShape(String prefix, int stage, int in, int planes, int stride) {}

    /** The blocks of the network in order: a stride of 2 and twice the channels at the start of stages 2 and 3. */
    private static List<BlockShape> blockShapes() {
        List<BlockShape> shapes = new ArrayList<>();
        int in = STAGE_CHANNELS[0];
        for (int s = 0; s < STAGE_CHANNELS.length; s++) {
            for (int b = 0; b < BLOCKS_PER_STAGE; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                shapes.add(new BlockShape("layer" + (s + 1) + "." + b, s, in, STAGE_CHANNELS[s], stride));
                in = STAGE_CHANNELS[s];
            }
        }
        return shapes;
    }

    private static Object require(Map<?, ?> map, String key, Path file) throws NpyFormatException {
        Object v = map.get(key);
        if (v == null) {
            throw new NpyFormatException(file.toString(), "missing '" + key + "'");
        }
        return v;
    }

    private static double[] numbers(Object list) {
        return ((List<?>) list).stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
    }

    /** The weight archive's tensors, checked for shape when taken. */
    private record Tensors(Map<String, NpyArray> arrays, Path file, double eps) {
        NpyArray get(String name, int... shape) throws NpyFormatException {
            NpyArray a = arrays.get(name);
            if (a == null) {
                throw new NpyFormatException(file.toString(), "no tensor '" + name + "'");
            }
            if (!a.hasShape(shape)) {
                throw new NpyFormatException(file.toString(), "tensor '" + name + "' has shape " + a.shapeString()
                        + ", expected " + Arrays.toString(shape));
            }
            return a;
        }

        /** A 3x3 convolution without bias followed by BatchNorm {@code bn}, folded. */
        Convolution conv(String weight, String bn, int in, int out, int stride) throws NpyFormatException {
            Convolution c = new Convolution(get(weight, out, in, 3, 3).as4d(), new double[out], stride);
            return c.foldBatchNorm(get(bn + ".weight", out).data(), get(bn + ".bias", out).data(),
                    get(bn + ".running_mean", out).data(), get(bn + ".running_var", out).data(), eps);
        }

        /** A 3x3 convolution {@code <name>.weight} with its bias {@code <name>.bias} (BatchNorm already folded). */
        Convolution biasedConv(String name, int in, int out, int stride) throws NpyFormatException {
            return new Convolution(get(name + ".weight", out, in, 3, 3).as4d(), get(name + ".bias", out).data(),
                    stride);
        }

        Quadratic quadratic(String name, int channels) throws NpyFormatException {
            return new Quadratic(name, get(name + ".a", channels).data(), get(name + ".b", channels).data(),
                    get(name + ".c", channels).data());
        }
    }
}
