package dev.hyphenj.hcnn.data;

import dev.hyphenj.hcnn.npy.Npy;
import dev.hyphenj.hcnn.npy.NpyArray;
import dev.hyphenj.hcnn.npy.NpyFormatException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * CIFAR-10 test images from the data directory: {@code cifar10/test_images_first1000_nchw_uint8.npy} (uint8,
 * N x 3 x 32 x 32, RGB) and {@code cifar10/test_labels_first1000_uint8.npy}.
 */
public final class Cifar10 {
    /** Image side in pixels. */
    public static final int SIZE = 32;
    /** Colour channels. */
    public static final int CHANNELS = 3;

    private final NpyArray images;
    private final NpyArray labels;

    private Cifar10(NpyArray images, NpyArray labels) {
        this.images = images;
        this.labels = labels;
    }

    /** Loads the images and labels from a data directory. */
    public static Cifar10 load(Path dataDirectory) throws IOException {
        Path dir = dataDirectory.resolve("cifar10");
        Path imageFile = dir.resolve("test_images_first1000_nchw_uint8.npy");
        NpyArray images = Npy.read(imageFile);
        if (images.shape().length != 4 || images.shape()[1] != CHANNELS || images.shape()[2] != SIZE
                || images.shape()[3] != SIZE) {
            throw new NpyFormatException(imageFile.toString(), "images of shape " + images.shapeString()
                    + ", expected (N, 3, 32, 32)");
        }
        Path labelFile = dir.resolve("test_labels_first1000_uint8.npy");
        NpyArray labels = Npy.read(labelFile);
        if (!labels.hasShape(images.shape()[0])) {
            throw new NpyFormatException(labelFile.toString(), "labels of shape " + labels.shapeString() + " for "
                    + images.shape()[0] + " images");
        }
        return new Cifar10(images, labels);
    }

    /** The number of images. */
    public int size() {
        return images.shape()[0];
    }

    /** Image i as [3][32][32] pixel values 0..255. */
    public double[][][] pixels(int i) {
        double[][][] out = new double[CHANNELS][SIZE][SIZE];
        int base = i * CHANNELS * SIZE * SIZE;
        for (int c = 0; c < CHANNELS; c++) {
            for (int y = 0; y < SIZE; y++) {
                System.arraycopy(images.data(), base + (c * SIZE + y) * SIZE, out[c][y], 0, SIZE);
            }
        }
        return out;
    }

    /** The label of image i (0 = airplane .. 9 = truck). */
    public int label(int i) {
        return (int) labels.data()[i];
    }
}
