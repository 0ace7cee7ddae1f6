package dev.hyphenj.hcnn.model;

import dev.hyphenj.hcnn.conv.Convolution;
import dev.hyphenj.hcnn.residual.OptionAShortcut;

/**
 * The plain double-precision forward pass of ResNet-20 (the reference for every encrypted or simulated run):
 * normalize, stem convolution and activation, nine basic blocks, global average pooling, linear layer. The
 * activations are ReLUs, or the weights' per-channel quadratics for the resnet20-poly network.
 */
public final class ResNet20 {
    private final ResNet20Weights weights;

    public ResNet20(ResNet20Weights weights) {
        this.weights = weights;
    }

    /** The class scores of an image [3][32][32] of pixel values 0..255. */
    public double[] logits(double[][][] pixels) {
        return classify(features(normalize(pixels)));
    }

    /** (pixel/255 - mean[c]) / std[c]. */
    public double[][][] normalize(double[][][] pixels) {
        double[][][] out = new double[pixels.length][pixels[0].length][pixels[0][0].length];
        for (int c = 0; c < pixels.length; c++) {
            for (int y = 0; y < pixels[c].length; y++) {
                for (int x = 0; x < pixels[c][y].length; x++) {
                    out[c][y][x] = (pixels[c][y][x] / 255.0 - weights.mean()[c]) / weights.std()[c];
                }
            }
        }
        return out;
    }

    /** The output of the last basic block, [64][8][8], for a normalized input. */
    public double[][][] features(double[][][] input) {
        double[][][] x = activate(0, weights.stem().applyPlain(input));
        for (int i = 0; i < weights.blocks().size(); i++) {
            x = block(i, x);
        }
        return x;
    }

    /** Average pooling over each channel plane, then the linear layer. */
    public double[] classify(double[][][] features) {
        double[] pooled = new double[features.length];
        for (int c = 0; c < features.length; c++) {
            double sum = 0;
            for (double[] row : features[c]) {
                for (double v : row) {
                    sum += v;
                }
            }
            pooled[c] = sum / (features[c].length * features[c][0].length);
        }
        double[] logits = weights.fcBias().clone();
        for (int k = 0; k < logits.length; k++) {
            for (int c = 0; c < pooled.length; c++) {
                logits[k] += weights.fcWeight()[k][c] * pooled[c];
            }
        }
        return logits;
    }

    private double[][][] block(int index, double[][][] x) {
        ResNet20Weights.Block b = weights.blocks().get(index);
        Convolution c2 = b.conv2();
        double[][][] y = c2.applyPlain(activate(1 + 2 * index, b.conv1().applyPlain(x)));
        double[][][] shortcut = b.downsamples() ? OptionAShortcut.applyPlain(x, c2.outChannels()) : x;
        for (int c = 0; c < y.length; c++) {
            for (int i = 0; i < y[c].length; i++) {
                for (int j = 0; j < y[c][i].length; j++) {
                    y[c][i][j] += shortcut[c][i][j];
                }
            }
        }
        return activate(2 + 2 * index, y);
    }

    /** Activation layer {@code index} (0: the stem's, then act1 and act2 of each block) in place. */
    private double[][][] activate(int index, double[][][] t) {
        ResNet20Weights.Quadratic q = weights.polynomial() ? weights.activations().get(index) : null;
        for (int c = 0; c < t.length; c++) {
            for (double[] row : t[c]) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = q == null ? Math.max(row[i], 0) : q.apply(c, row[i]);
                }
            }
        }
        return t;
    }
}
