package dev.hyphenj.ckks.boot;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * An s x s complex matrix given by its non-zero generalized diagonals, in the convention of
 * {@link dev.hyphenj.ckks.LinearTransform}: diagonal d (in [0, s)) holds M[i][(i + d) mod s] at index i, so that
 * M x = sum_d diag_d * rot(x, d) (rotation to the left, products slot-wise). Each diagonal is stored as a real and an
 * imaginary part. Immutable; plain double arithmetic only (the reference for the homomorphic transforms).
 */
public final class ComplexDiagonalMatrix {
    private final int slots;
    private final TreeMap<Integer, double[]> re;
    private final TreeMap<Integer, double[]> im;

    private ComplexDiagonalMatrix(int slots, TreeMap<Integer, double[]> re, TreeMap<Integer, double[]> im) {
        this.slots = slots;
        this.re = re;
        this.im = im;
    }

    /**
     * A matrix from diagonals: index in [0, s) to {real parts, imaginary parts}, each of length s. The arrays are
     * copied; diagonals that are exactly zero are dropped.
     */
    public static ComplexDiagonalMatrix of(int slots, Map<Integer, double[][]> diagonals) {
        if (slots < 1 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slot count " + slots + " is not a power of two");
        }
        TreeMap<Integer, double[]> re = new TreeMap<>(), im = new TreeMap<>();
        for (Map.Entry<Integer, double[][]> e : diagonals.entrySet()) {
            int d = e.getKey();
            double[][] v = e.getValue();
            if (d < 0 || d >= slots) {
                throw new IllegalArgumentException("diagonal index " + d + " is outside 0.." + (slots - 1));
            }
            if (v.length != 2 || v[0].length != slots || v[1].length != slots) {
                throw new IllegalArgumentException("diagonal " + d + " must be {re, im} of " + slots + " values");
            }
            put(re, im, d, v[0].clone(), v[1].clone());
        }
        return new ComplexDiagonalMatrix(slots, re, im);
    }

    private static void put(TreeMap<Integer, double[]> re, TreeMap<Integer, double[]> im, int d, double[] r,
            double[] i) {
        for (int k = 0; k < r.length; k++) {
            if (r[k] != 0 || i[k] != 0) {
                re.put(d, r);
                im.put(d, i);
                return;
            }
        }
    }

    public int slots() {
        return slots;
    }

    /** Number of non-zero diagonals. */
    public int diagonalCount() {
        return re.size();
    }

    /** The non-zero diagonal indices in [0, s), ascending. */
    public int[] diagonalIndices() {
        return re.keySet().stream().mapToInt(Integer::intValue).toArray();
    }

    /** Real parts of the diagonals (read-only view; the arrays must not be modified). */
    public Map<Integer, double[]> realDiagonals() {
        return Collections.unmodifiableMap(re);
    }

    /** Imaginary parts of the diagonals (read-only view; the arrays must not be modified). */
    public Map<Integer, double[]> imagDiagonals() {
        return Collections.unmodifiableMap(im);
    }

    /** True if every imaginary part is zero (then {@link #realDiagonals()} alone is the matrix). */
    public boolean isReal() {
        for (double[] v : im.values()) {
            for (double x : v) {
                if (x != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The entry M[row][col] as {re, im}. */
    public double[] entry(int row, int col) {
        int d = Math.floorMod(col - row, slots);
        double[] r = re.get(d);
        return r == null ? new double[] {0, 0} : new double[] {r[row], im.get(d)[row]};
    }

    /** M x for x = xr + i xi, as {re, im}. */
    public double[][] apply(double[] xr, double[] xi) {
        if (xr.length != slots || xi.length != slots) {
            throw new IllegalArgumentException("vector of " + xr.length + " for " + slots + " slots");
        }
        double[] yr = new double[slots], yi = new double[slots];
        for (Map.Entry<Integer, double[]> e : re.entrySet()) {
            int d = e.getKey();
            double[] dr = e.getValue(), di = im.get(d);
            for (int i = 0; i < slots; i++) {
                int k = (i + d) & (slots - 1);
                yr[i] += dr[i] * xr[k] - di[i] * xi[k];
                yi[i] += dr[i] * xi[k] + di[i] * xr[k];
            }
        }
        return new double[][] {yr, yi};
    }

    /**
     * The product this * other (other applied first): (AB)_(a+b)[i] = sum A_a[i] B_b[i + a]. Costs s times the
     * product of the diagonal counts.
     */
    public ComplexDiagonalMatrix multiply(ComplexDiagonalMatrix other) {
        if (other.slots != slots) {
            throw new IllegalArgumentException("slot counts differ: " + slots + " and " + other.slots);
        }
        TreeMap<Integer, double[]> accRe = new TreeMap<>(), accIm = new TreeMap<>();
        int mask = slots - 1;
        for (Map.Entry<Integer, double[]> ea : re.entrySet()) {
            int a = ea.getKey();
            double[] ar = ea.getValue(), ai = im.get(a);
            for (Map.Entry<Integer, double[]> eb : other.re.entrySet()) {
                int b = eb.getKey();
                double[] br = eb.getValue(), bi = other.im.get(b);
                int d = (a + b) & mask;
                double[] cr = accRe.computeIfAbsent(d, x -> new double[slots]);
                double[] ci = accIm.computeIfAbsent(d, x -> new double[slots]);
                for (int i = 0; i < slots; i++) {
                    int k = (i + a) & mask;
                    cr[i] += ar[i] * br[k] - ai[i] * bi[k];
                    ci[i] += ar[i] * bi[k] + ai[i] * br[k];
                }
            }
        }
        TreeMap<Integer, double[]> outRe = new TreeMap<>(), outIm = new TreeMap<>();
        for (int d : accRe.keySet()) {
            put(outRe, outIm, d, accRe.get(d), accIm.get(d));
        }
        return new ComplexDiagonalMatrix(slots, outRe, outIm);
    }

    /** The conjugate transpose: (M^H)_(-d)[i + d] = conj(M_d[i]). */
    public ComplexDiagonalMatrix conjugateTranspose() {
        TreeMap<Integer, double[]> outRe = new TreeMap<>(), outIm = new TreeMap<>();
        int mask = slots - 1;
        for (Map.Entry<Integer, double[]> e : re.entrySet()) {
            int d = e.getKey();
            double[] dr = e.getValue(), di = im.get(d);
            double[] r = new double[slots], i2 = new double[slots];
            for (int i = 0; i < slots; i++) {
                int k = (i + d) & mask;
                r[k] = dr[i];
                i2[k] = -di[i];
            }
            outRe.put((-d) & mask, r);
            outIm.put((-d) & mask, i2);
        }
        return new ComplexDiagonalMatrix(slots, outRe, outIm);
    }

    /** c M for a real constant c. */
    public ComplexDiagonalMatrix scale(double c) {
        TreeMap<Integer, double[]> outRe = new TreeMap<>(), outIm = new TreeMap<>();
        for (int d : re.keySet()) {
            double[] r = re.get(d).clone(), i = im.get(d).clone();
            for (int k = 0; k < slots; k++) {
                r[k] *= c;
                i[k] *= c;
            }
            put(outRe, outIm, d, r, i);
        }
        return new ComplexDiagonalMatrix(slots, outRe, outIm);
    }

    /**
     * The 2s x 2s matrix that takes [x, x] (an s-slot message read with 2s slots) to [M x, c M x]: diagonal d of M
     * becomes diagonal [diag_d, c diag_d] at index d, or d + s when d &gt; s/2 (so that reading indices above half the
     * slots as negative gives the same rotation steps as M's).
     */
    public ComplexDiagonalMatrix stackedOnRepeatedInput(double cRe, double cIm) {
        int wide = 2 * slots;
        TreeMap<Integer, double[]> outRe = new TreeMap<>(), outIm = new TreeMap<>();
        for (int d : re.keySet()) {
            double[] dr = re.get(d), di = im.get(d);
            double[] r = new double[wide], i = new double[wide];
            for (int k = 0; k < slots; k++) {
                r[k] = dr[k];
                i[k] = di[k];
                r[k + slots] = cRe * dr[k] - cIm * di[k];
                i[k + slots] = cRe * di[k] + cIm * dr[k];
            }
            put(outRe, outIm, d > slots / 2 ? d + slots : d, r, i);
        }
        return new ComplexDiagonalMatrix(wide, outRe, outIm);
    }

    /**
     * The 2s x 2s matrix that takes [r, m] (two real s-vectors read as 2s slots) to [M z, M z] with z = r + i m:
     * M with the packing of real and imaginary parts folded in. Row j of diagonal d reads r or m at (j + d) mod s
     * through 2s-diagonal d or d + s, whichever lands in the right half, with factor 1 for r and i for m.
     */
    public ComplexDiagonalMatrix onPackedRealAndImaginary() {
        int wide = 2 * slots;
        TreeMap<Integer, double[]> outRe = new TreeMap<>(), outIm = new TreeMap<>();
        for (int d : re.keySet()) {
            double[] dr = re.get(d), di = im.get(d);
            double[][] same = {new double[wide], new double[wide]}, shifted = {new double[wide], new double[wide]};
            for (int j = 0; j < wide; j++) {
                int j0 = j % slots;
                boolean wraps = j0 + d >= slots, top = j < slots;
                // diagonal d reads r (factor 1) where top == !wraps, m (factor i) otherwise; d + s the opposite
                double[][] one = top != wraps ? same : shifted, timesI = top != wraps ? shifted : same;
                one[0][j] = dr[j0];
                one[1][j] = di[j0];
                timesI[0][j] = -di[j0];
                timesI[1][j] = dr[j0];
            }
            put(outRe, outIm, d, same[0], same[1]);
            put(outRe, outIm, d + slots, shifted[0], shifted[1]);
        }
        return new ComplexDiagonalMatrix(wide, outRe, outIm);
    }

    @Override
    public String toString() {
        return "ComplexDiagonalMatrix[" + slots + " slots, " + re.size() + " diagonals]";
    }
}
