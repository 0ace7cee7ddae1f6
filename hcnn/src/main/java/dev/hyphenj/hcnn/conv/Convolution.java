package dev.hyphenj.hcnn.conv;

/**
 * A 2D convolution as PyTorch's {@code Conv2d} computes it (cross-correlation), with a square odd kernel, zero
 * padding kernel/2 and a per-output-channel bias: out[o][y][x] = bias[o] + sum over c, ky, kx of
 * weights[o][c][ky][kx] * in[c][stride*y + ky - pad][stride*x + kx - pad]. The arrays are shared, not copied.
 *
 * @param weights [out channels][in channels][k][k]
 * @param bias [out channels]
 * @param stride 1 or more
 */
public record Convolution(double[][][][] weights, double[] bias, int stride) {
    public Convolution {
        int k = weights[0][0].length;
        if (k % 2 == 0 || weights[0][0][0].length != k) {
            throw new IllegalArgumentException("the kernel must be square and odd, got " + k + "x"
                    + weights[0][0][0].length);
        }
        if (bias.length != weights.length) {
            throw new IllegalArgumentException(bias.length + " biases for " + weights.length + " output channels");
        }
        if (stride < 1) {
            throw new IllegalArgumentException("stride must be positive, got " + stride);
        }
    }

    public int outChannels() {
        return weights.length;
    }

    public int inChannels() {
        return weights[0].length;
    }

    /** The kernel size k (the kernel is k x k). */
    public int kernel() {
        return weights[0][0].length;
    }

    /** Zero padding on each side: k/2. */
    public int padding() {
        return kernel() / 2;
    }

    /** Output rows (or columns) for n input rows: (n - 1)/stride + 1. */
    public int outputSize(int n) {
        return (n + 2 * padding() - kernel()) / stride + 1;
    }

    /**
     * This convolution followed by the eval-mode BatchNorm y = gamma (x - mean)/sqrt(var + eps) + beta, as one
     * convolution: weights[o] * scale[o] and bias[o] * scale[o] + shift[o], with scale = gamma/sqrt(var + eps) and
     * shift = beta - mean * scale.
     */
    public Convolution foldBatchNorm(double[] gamma, double[] beta, double[] mean, double[] var, double eps) {
        int co = outChannels();
        double[][][][] w = new double[co][inChannels()][kernel()][kernel()];
        double[] b = new double[co];
        for (int o = 0; o < co; o++) {
            double scale = gamma[o] / Math.sqrt(var[o] + eps);
            for (int c = 0; c < inChannels(); c++) {
                for (int ky = 0; ky < kernel(); ky++) {
                    for (int kx = 0; kx < kernel(); kx++) {
                        w[o][c][ky][kx] = weights[o][c][ky][kx] * scale;
                    }
                }
            }
            b[o] = bias[o] * scale + (beta[o] - mean[o] * scale);
        }
        return new Convolution(w, b, stride);
    }

    /**
     * This convolution on an input whose channel c is multiplied by {@code scale[c]} first, as one convolution
     * (weights[o][c] * scale[c]): how a bootstrapped tensor, scaled down per channel, is scaled back for free.
     */
    public Convolution scaleInputs(double[] scale) {
        if (scale.length != inChannels()) {
            throw new IllegalArgumentException(scale.length + " input scales for " + inChannels() + " channels");
        }
        double[][][][] w = new double[outChannels()][inChannels()][][];
        for (int o = 0; o < outChannels(); o++) {
            for (int c = 0; c < inChannels(); c++) {
                w[o][c] = new double[kernel()][kernel()];
                for (int ky = 0; ky < kernel(); ky++) {
                    for (int kx = 0; kx < kernel(); kx++) {
                        w[o][c][ky][kx] = weights[o][c][ky][kx] * scale[c];
                    }
                }
            }
        }
        return new Convolution(w, bias, stride);
    }

    /**
     * mul[o] * (this convolution's output channel o) + add[o], as one convolution: weights[o] * mul[o] and
     * bias[o] * mul[o] + add[o].
     */
    public Convolution affineOutputs(double[] mul, double[] add) {
        if (mul.length != outChannels() || add.length != outChannels()) {
            throw new IllegalArgumentException("one factor and one shift per output channel: " + outChannels());
        }
        double[][][][] w = new double[outChannels()][inChannels()][kernel()][kernel()];
        double[] b = new double[outChannels()];
        for (int o = 0; o < outChannels(); o++) {
            for (int c = 0; c < inChannels(); c++) {
                for (int ky = 0; ky < kernel(); ky++) {
                    for (int kx = 0; kx < kernel(); kx++) {
                        w[o][c][ky][kx] = weights[o][c][ky][kx] * mul[o];
                    }
                }
            }
            b[o] = bias[o] * mul[o] + add[o];
        }
        return new Convolution(w, b, stride);
    }

    /** The direct convolution of a tensor [in channels][h][w] in double precision. */
    public double[][][] applyPlain(double[][][] in) {
        if (in.length != inChannels()) {
            throw new IllegalArgumentException(in.length + " input channels for a convolution of " + inChannels());
        }
        int h = in[0].length, w = in[0][0].length, ho = outputSize(h), wo = outputSize(w), pad = padding();
        double[][][] out = new double[outChannels()][ho][wo];
        for (int o = 0; o < outChannels(); o++) {
            for (int y = 0; y < ho; y++) {
                for (int x = 0; x < wo; x++) {
                    double sum = bias[o];
                    for (int c = 0; c < inChannels(); c++) {
                        for (int ky = 0; ky < kernel(); ky++) {
                            int iy = stride * y + ky - pad;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int kx = 0; kx < kernel(); kx++) {
                                int ix = stride * x + kx - pad;
                                if (ix >= 0 && ix < w) {
                                    sum += weights[o][c][ky][kx] * in[c][iy][ix];
                                }
                            }
                        }
                    }
                    out[o][y][x] = sum;
                }
            }
        }
        return out;
    }
}
