package dev.hyphenj.app;

import dev.hyphenj.ckks.io.Profiles;
import dev.hyphenj.hcnn.data.Cifar10;
import dev.hyphenj.hcnn.data.DataDirectory;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the commands that run ResNet-20 on real images ({@code simulate}, {@code demo}) share: the check that a profile
 * describes ResNet-20, the data directory ({@code --data}, else {@code HYPHEN_DATA}, else {@code ../shared/data}
 * beside the repository) checked for the files they read, and the weights and images loaded from it. Data are never
 * committed; a missing directory or file is named with where to get it.
 */
final class NetworkData {
    /** The files read from the data directory. */
    static final List<String> FILES = List.of("resnet20/manifest.json", "cifar10/test_images_first1000_nchw_uint8.npy",
            "cifar10/test_labels_first1000_uint8.npy");
    /** The further files the degree-2 network (resnet20-poly) reads. */
    static final List<String> POLY_FILES = List.of("resnet20-poly/resnet20_poly.npz", "resnet20-poly/bounds.json");

    /** Where the data come from, for error messages. */
    static final String SOURCES = "see README.md, section Data: the ResNet-20 weights of akamaster/pytorch_resnet_cifar10"
            + " converted to resnet20/resnet20_akamaster.npz with resnet20/manifest.json, and the first 1000 CIFAR-10"
            + " test images and labels as cifar10/*.npy; for degree-2 profiles the resnet20-poly/ weights and bounds";

    private NetworkData() {}

    /** The weights, the images and the selected image indices. */
    record Loaded(Path directory, ResNet20Weights weights, Cifar10 images, int[] selected) {}

    /**
     * Throws (one line) unless the profile's {@code network.model} is resnet20, the model {@code command} runs; a
     * resnet18 profile is told it is plan-only.
     */
    static void requireResNet20(String profile, String command) {
        Object network = Profiles.read(profile).get("network");
        Object model = network instanceof Map<?, ?> m ? m.get("model") : null;
        if ("resnet18".equals(model)) {
            throw new IllegalArgumentException("profile '" + profile + "' is plan-only: there are no ImageNet weights or"
                    + " images for ResNet-18 here, so " + command + " cannot run it (use hyphen plan)");
        }
        if (!"resnet20".equals(model)) {
            throw new IllegalArgumentException("profile '" + profile + "': " + command + " runs the model resnet20, the "
                    + "profile names " + (model == null ? "no network.model" : "'" + model + "'"));
        }
    }

    /** The data directory, checked for {@link #FILES}. */
    static Path checkedDataDirectory(Path explicit) {
        return checkedDataDirectory(explicit, false);
    }

    /** The data directory, checked for {@link #FILES} and, with {@code poly}, {@link #POLY_FILES}. */
    static Path checkedDataDirectory(Path explicit, boolean poly) {
        Path dir = DataDirectory.resolve(explicit);
        String how = explicit != null ? "--data" : "the default (set --data DIR or " + DataDirectory.ENV + ")";
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("data directory " + dir + " does not exist (from " + how + "; "
                    + SOURCES + ")");
        }
        for (String f : poly ? Stream.concat(FILES.stream(), POLY_FILES.stream()).toList() : FILES) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IllegalArgumentException("data directory " + dir + " has no " + f + " (from " + how + "; "
                        + SOURCES + ")");
            }
        }
        return dir;
    }

    /**
     * The checked data directory's weights and images, and the indices {@code images} selects among them
     * ({@link ImageRange}).
     */
    static Loaded load(Path explicit, String images) throws IOException {
        return load(explicit, images, false);
    }

    /** As {@link #load(Path, String)}; with {@code poly} the weights are the degree-2 network's (resnet20-poly). */
    static Loaded load(Path explicit, String images, boolean poly) throws IOException {
        Path dir = checkedDataDirectory(explicit, poly);
        ResNet20Weights weights = weightsIn(dir, poly);
        Cifar10 cifar = Cifar10.load(dir);
        return new Loaded(dir, weights, cifar, ImageRange.parse(images, cifar.size()));
    }

    /** The weights in the checked data directory ({@code --data} or the default): the degree-2 ones with {@code poly}. */
    static ResNet20Weights weights(Path explicit, boolean poly) throws IOException {
        return weightsIn(checkedDataDirectory(explicit, poly), poly);
    }

    private static ResNet20Weights weightsIn(Path dir, boolean poly) throws IOException {
        try {
            return poly ? ResNet20Weights.loadPoly(dir) : ResNet20Weights.load(dir);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("data directory " + dir + ": the ResNet-20 weights file " + e.getFile()
                    + " named by resnet20/manifest.json does not exist (" + SOURCES + ")");
        }
    }
}
