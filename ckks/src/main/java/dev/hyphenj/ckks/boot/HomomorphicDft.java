package dev.hyphenj.ckks.boot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The homomorphic DFT matrices of bootstrapping: SlotToCoeff and CoeffToSlot factored into sparse butterfly stages
 * and collapsed into a chosen number of levels.
 *
 * <p><b>The matrix.</b> With s slots the {@link dev.hyphenj.ckks.Encoder} maps u (u_k = c_k + i c_(k+s)) to the
 * slots z = E u, E_(j,k) = w^(k 5^j), w = exp(2 pi i / 4s), i.e. z_j = u(zeta_j) with zeta_j = w^(5^j). SlotToCoeff
 * (StC) multiplies by E, CoeffToSlot (CtS) by E^-1 = (1/s) E^H.
 *
 * <p><b>Factorization.</b> Since 5^(s/2) = 2s + 1 mod 4s, zeta_(j + s/2) = -zeta_j, and zeta_j^2 are the points of
 * the same problem of half size (w replaced by w^2, the same 5^j order). Splitting u(x) = u_even(x^2) + x
 * u_odd(x^2) gives z_j = a_j + zeta_j b_j, z_(j + s/2) = a_j - zeta_j b_j with a, b the half-size evaluations of the
 * even and odd coefficients. Unrolled: E = S_L ... S_1 P, L = log2 s, P the bit-reversal permutation of the input,
 * and S_t (t = 1..L) block-diagonal with blocks of len = 2^t: for p = i mod len below h = len/2,
 * out_i = in_i + zeta^(len)_p in_(i+h) and out_(i+h) = in_i - zeta^(len)_p in_(i+h), zeta^(len)_p =
 * exp(2 pi i (5^p mod 4 len) / (4 len)). In generalized diagonals (LinearTransform's convention, diagonal d holds
 * M[i][i + d]) S_t has the three diagonals 0, h and s - h (two for the last stage, where h = s - h = s/2). The 5^j
 * slot order is built into the twiddles; nothing permutes the slots between stages.
 *
 * <p><b>The bit reversal.</b> P is not sparse in diagonals, so it is not applied at all: CtS computes
 * S_1^-1 ... S_L^-1 z = P E^-1 z = P u, the coefficients in bit-reversed slot order; EvalMod works slot by slot, so
 * it commutes with P; StC then computes S_L ... S_1 (P u') = E u'. The stage products are therefore
 * {@code E P} (StC) and {@code P E^-1} (CtS), exactly; CtS followed by StC is E E^-1 = I. Each inverse stage is
 * S_t^-1 = (1/2) S_t^H (every 2x2 butterfly [[1, z], [1, -z]] with |z| = 1 has inverse (1/2) its conjugate
 * transpose), so CtS has the same diagonal indices, negated.
 *
 * <p><b>Level collapsing.</b> {@link #slotToCoeff(int, int)} and {@link #coeffToSlot(int, int)} merge the L stages
 * into {@code depth} consecutive groups (one level each), each group the product of its stages: a group of stages with
 * half-widths 2^a .. 2^b has the diagonals that are multiples of 2^a in (-2^(b+1), 2^(b+1)), 2^(b-a+2) - 1 of them
 * (fewer mod s when the group holds the last stage). When depth does not divide L the larger groups are the ones
 * with the widest stages (the last of StC, the first of CtS), where the indices coincide mod s.
 *
 * <p>The matrices are complex: apply a group homomorphically as
 * {@code LinearTransform.ofComplex(m.realDiagonals(), m.imagDiagonals(), logSlots)} (one level each), which encodes
 * each plaintext diagonal with its imaginary part, rotated right by the giant step in both parts.
 */
public final class HomomorphicDft {
    private HomomorphicDft() {}

    /** The StC stages S_1 .. S_L in the order they are applied (block sizes 2, 4, .., s). Their product is E P. */
    public static List<ComplexDiagonalMatrix> slotToCoeffStages(int logSlots) {
        int slots = checkSlots(logSlots);
        List<ComplexDiagonalMatrix> stages = new ArrayList<>();
        for (int len = 2; len <= slots; len <<= 1) {
            stages.add(stage(slots, len));
        }
        return stages;
    }

    /**
     * The CtS stages S_L^-1 .. S_1^-1 in the order they are applied (block sizes s, s/2, .., 2). Their product is
     * P E^-1.
     */
    public static List<ComplexDiagonalMatrix> coeffToSlotStages(int logSlots) {
        List<ComplexDiagonalMatrix> stc = slotToCoeffStages(logSlots);
        List<ComplexDiagonalMatrix> cts = new ArrayList<>();
        for (int t = stc.size() - 1; t >= 0; t--) {
            cts.add(stc.get(t).conjugateTranspose().scale(0.5));
        }
        return cts;
    }

    /** StC collapsed into {@code depth} groups, in the order they are applied; their product is E P. */
    public static List<ComplexDiagonalMatrix> slotToCoeff(int logSlots, int depth) {
        return collapse(slotToCoeffStages(logSlots), groupSizes(logSlots, depth, false));
    }

    /** CtS collapsed into {@code depth} groups, in the order they are applied; their product is P E^-1. */
    public static List<ComplexDiagonalMatrix> coeffToSlot(int logSlots, int depth) {
        return collapse(coeffToSlotStages(logSlots), groupSizes(logSlots, depth, true));
    }

    /**
     * How many stages each of the {@code depth} groups takes, in application order (depth is capped at L = logSlots;
     * logSlots = 0 gives no group). The remainder of L / depth goes to the groups with the widest stages: the last
     * ones for StC, the first ones for CtS ({@code widestFirst}).
     */
    public static int[] groupSizes(int logSlots, int depth, boolean widestFirst) {
        checkSlots(logSlots);
        if (depth < 1) {
            throw new IllegalArgumentException("depth " + depth + " must be at least 1");
        }
        int groups = Math.min(depth, logSlots), base = groups == 0 ? 0 : logSlots / groups;
        int rem = groups == 0 ? 0 : logSlots % groups;
        int[] sizes = new int[groups];
        for (int g = 0; g < groups; g++) {
            boolean extra = widestFirst ? g < rem : g >= groups - rem;
            sizes[g] = base + (extra ? 1 : 0);
        }
        return sizes;
    }

    /** Merges consecutive stages (application order) into groups of the given sizes; each group is its product. */
    public static List<ComplexDiagonalMatrix> collapse(List<ComplexDiagonalMatrix> stages, int[] sizes) {
        List<ComplexDiagonalMatrix> groups = new ArrayList<>();
        int next = 0;
        for (int size : sizes) {
            ComplexDiagonalMatrix m = stages.get(next++);
            for (int k = 1; k < size; k++) {
                m = stages.get(next++).multiply(m); // later stage on the left
            }
            groups.add(m);
        }
        if (next != stages.size()) {
            throw new IllegalArgumentException("group sizes cover " + next + " of " + stages.size() + " stages");
        }
        return groups;
    }

    /** Applies the matrices in order to x = xr + i xi; returns {re, im}. */
    public static double[][] apply(List<ComplexDiagonalMatrix> matrices, double[] xr, double[] xi) {
        double[][] v = {xr.clone(), xi.clone()};
        for (ComplexDiagonalMatrix m : matrices) {
            v = m.apply(v[0], v[1]);
        }
        return v;
    }

    /** The bit reversal of i on logSlots bits. */
    public static int bitReverse(int i, int logSlots) {
        return logSlots == 0 ? 0 : Integer.reverse(i) >>> (32 - logSlots);
    }

    /** y[bitReverse(i)] = x[i] (an involution). */
    public static double[] bitReversed(double[] x) {
        int log = Integer.numberOfTrailingZeros(x.length);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[bitReverse(i, log)] = x[i];
        }
        return y;
    }

    /** Stage with blocks of {@code len} slots (half-width h = len/2): diagonals 0, h and s - h. */
    static ComplexDiagonalMatrix stage(int slots, int len) {
        int h = len / 2;
        long m = 4L * len;
        double[] zr = new double[h], zi = new double[h];
        long g = 1;
        for (int p = 0; p < h; p++) {
            double angle = 2 * Math.PI * g / m;
            zr[p] = Math.cos(angle);
            zi[p] = Math.sin(angle);
            g = g * 5 % m;
        }
        double[] d0r = new double[slots], d0i = new double[slots];
        double[] dhr = new double[slots], dhi = new double[slots];
        double[] dmr = new double[slots], dmi = new double[slots];
        for (int i = 0; i < slots; i++) {
            int p = i & (len - 1);
            if (p < h) {
                d0r[i] = 1;
                dhr[i] = zr[p];
                dhi[i] = zi[p];
            } else {
                d0r[i] = -zr[p - h];
                d0i[i] = -zi[p - h];
                dmr[i] = 1;
            }
        }
        Map<Integer, double[][]> diagonals = new HashMap<>();
        diagonals.put(0, new double[][] {d0r, d0i});
        int dm = (slots - h) & (slots - 1);
        if (dm == h) { // last stage: +h and -h are the same diagonal, on disjoint rows
            for (int i = 0; i < slots; i++) {
                dhr[i] += dmr[i];
                dhi[i] += dmi[i];
            }
            diagonals.put(h, new double[][] {dhr, dhi});
        } else {
            diagonals.put(h, new double[][] {dhr, dhi});
            diagonals.put(dm, new double[][] {dmr, dmi});
        }
        return ComplexDiagonalMatrix.of(slots, diagonals);
    }

    private static int checkSlots(int logSlots) {
        if (logSlots < 0 || logSlots > 20) {
            throw new IllegalArgumentException("log2 slots " + logSlots + " is outside 0..20");
        }
        return 1 << logSlots;
    }
}
