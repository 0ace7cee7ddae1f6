package dev.hyphenj.hcnn.model;

import dev.hyphenj.ckks.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The per-channel bounds of the degree-2 network's activation outputs, from {@code resnet20-poly/bounds.json}: for
 * each activation and channel, the larger of the 0.999 quantile of |y| over 10,000 training images
 * ({@code yChannels}) and the largest |y| over test images 0..999 ({@code yChannelsTestMax}, up to 5x the quantile).
 * A tensor about to be bootstrapped is divided by {@link #MARGIN} times this bound per channel, so that its slots
 * stay within [-1/2, 1/2] of the bootstrap's input range [-1, 1] on the images measured.
 *
 * @param outputBounds the bound of |y| per channel, by activation name ({@code stem.act}, {@code layer1.0.act1}, ...)
 */
public record PolyBounds(Map<String, double[]> outputBounds) {
    /** The margin between the measured bound and the bootstrap's input range. */
    public static final double MARGIN = 2;

    /** Reads {@code resnet20-poly/bounds.json} from the data directory. */
    public static PolyBounds load(Path dataDirectory) throws IOException {
        Path file = dataDirectory.resolve("resnet20-poly").resolve("bounds.json");
        Map<?, ?> doc = (Map<?, ?>) Json.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        if (!(doc.get("layers") instanceof Map<?, ?> layers)) {
            throw new IllegalArgumentException(file + ": no \"layers\" object");
        }
        Map<String, double[]> bounds = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : layers.entrySet()) {
            Map<?, ?> layer = (Map<?, ?>) e.getValue();
            double[] train = numbers(layer.get("yChannels"), file, e.getKey());
            double[] test = numbers(layer.get("yChannelsTestMax"), file, e.getKey());
            double[] b = new double[train.length];
            for (int c = 0; c < b.length; c++) {
                b[c] = Math.max(train[c], test[c]);
            }
            bounds.put((String) e.getKey(), b);
        }
        return new PolyBounds(bounds);
    }

    private static double[] numbers(Object v, Path file, Object layer) {
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException(file + ": layer " + layer + " lacks yChannels or yChannelsTestMax");
        }
        return l.stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
    }

    /**
     * The scales sigma = {@link #MARGIN} x bound per channel of the activations (by index, see
     * {@link ResNet20Weights#polyActivationName}) whose outputs are bootstrapped.
     */
    public SortedMap<Integer, double[]> bootstrapScales(Collection<Integer> activations) {
        SortedMap<Integer, double[]> out = new TreeMap<>();
        for (int i : activations) {
            String name = ResNet20Weights.polyActivationName(i);
            double[] b = outputBounds.get(name);
            if (b == null) {
                throw new IllegalArgumentException("bounds.json has no layer " + name);
            }
            double[] sigma = new double[b.length];
            for (int c = 0; c < b.length; c++) {
                sigma[c] = MARGIN * b[c];
            }
            out.put(i, sigma);
        }
        return out;
    }
}
