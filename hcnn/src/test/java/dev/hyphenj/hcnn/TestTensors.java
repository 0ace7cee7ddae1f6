package dev.hyphenj.hcnn;

import dev.hyphenj.hcnn.conv.Convolution;
import java.util.List;
import java.util.Random;

/** Seeded random tensors and convolutions, and comparisons, for tests. */
public final class TestTensors {
    private TestTensors() {}

    /** A tensor [c][h][w] of values uniform in [-1, 1). */
    public static double[][][] tensor(Random rnd, int c, int h, int w) {
        double[][][] t = new double[c][h][w];
        for (double[][] plane : t) {
            for (double[] row : plane) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = 2 * rnd.nextDouble() - 1;
                }
            }
        }
        return t;
    }

    /** A k x k convolution in -> out with weights and bias uniform in [-1, 1). */
    public static Convolution convolution(Random rnd, int in, int out, int k, int stride) {
        double[][][][] w = new double[out][][][];
        for (int o = 0; o < out; o++) {
            w[o] = tensor(rnd, in, k, k);
        }
        double[] bias = new double[out];
        for (int o = 0; o < out; o++) {
            bias[o] = 2 * rnd.nextDouble() - 1;
        }
        return new Convolution(w, bias, stride);
    }

    /** The largest |a - b| over two tensors of the same shape. */
    public static double maxAbsDiff(double[][][] a, double[][][] b) {
        double max = 0;
        for (int c = 0; c < a.length; c++) {
            for (int y = 0; y < a[c].length; y++) {
                for (int x = 0; x < a[c][y].length; x++) {
                    max = Math.max(max, Math.abs(a[c][y][x] - b[c][y][x]));
                }
            }
        }
        return max;
    }

    /** The largest |a - b| over two lists of slot vectors of the same shape. */
    public static double maxAbsDiff(List<double[]> a, List<double[]> b) {
        double max = 0;
        for (int j = 0; j < a.size(); j++) {
            for (int i = 0; i < a.get(j).length; i++) {
                max = Math.max(max, Math.abs(a.get(j)[i] - b.get(j)[i]));
            }
        }
        return max;
    }
}
