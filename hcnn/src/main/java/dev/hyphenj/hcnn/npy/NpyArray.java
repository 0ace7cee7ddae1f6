package dev.hyphenj.hcnn.npy;

import java.util.Arrays;

/**
 * A NumPy array read into doubles, in C (row-major) order.
 *
 * @param dtype the NumPy type descriptor it was stored as, such as {@code <f4} or {@code |u1}
 * @param shape the dimensions ({@code []} for a scalar)
 * @param data the values, length the product of the dimensions
 */
public record NpyArray(String dtype, int[] shape, double[] data) {
    /** The array's values as [d0][d1][d2][d3]; the shape must have 4 dimensions. */
    public double[][][][] as4d() {
        checkRank(4);
        double[][][][] out = new double[shape[0]][shape[1]][shape[2]][shape[3]];
        int i = 0;
        for (double[][][] a : out) {
            for (double[][] b : a) {
                for (double[] c : b) {
                    for (int k = 0; k < c.length; k++) {
                        c[k] = data[i++];
                    }
                }
            }
        }
        return out;
    }

    /** The array's values as [d0][d1]; the shape must have 2 dimensions. */
    public double[][] as2d() {
        checkRank(2);
        double[][] out = new double[shape[0]][];
        for (int r = 0; r < shape[0]; r++) {
            out[r] = Arrays.copyOfRange(data, r * shape[1], (r + 1) * shape[1]);
        }
        return out;
    }

    /** Whether the shape is exactly {@code expected}. */
    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    /** The shape as NumPy prints it, such as (16, 3, 3, 3). */
    public String shapeString() {
        return Npy.shapeString(shape);
    }

    private void checkRank(int rank) {
        if (shape.length != rank) {
            throw new IllegalStateException("array of shape " + shapeString() + " is not " + rank + "-dimensional");
        }
    }
}
