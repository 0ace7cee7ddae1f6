package dev.hyphenj.ntt;

import static jdk.incubator.vector.VectorOperators.D2I;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.I2D;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.UMIN;
import static jdk.incubator.vector.VectorOperators.XOR;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels: 30-bit residues in {@code IntVector} lanes (16 at 512 bits), the arithmetic chosen by the
 * measurements in DESIGN section 3.
 *
 * <p>Three idioms recur and are written out in full at every use, on purpose: C2 boxes vectors passed to or
 * returned from helper methods it declines to inline, which made these kernels 2.5-8x slower in the prototype.
 * <ul>
 *   <li><b>Shoup product</b> T = w*y mod q in [0, 2q): the high word of ws*y comes from two {@code vpmuludq} on the
 *       even and odd 32-bit lanes ({@code reinterpretAsLongs}, mask or shift by 32), then
 *       T = w*y - qh*q with two low-word multiplies ({@code vpmulld}). C2 emits {@code vpmuludq} for a
 *       {@code LongVector.mul} only when it sees both operands zero-extended, as an {@code and(M32)} or a
 *       {@code LSHR} by 32; a broadcast of a masked scalar does not count and costs a 64-bit {@code vpmullq}
 *       (3 uops; the forward NTT measured 10% slower), so every 32-bit constant is broadcast and then masked.</li>
 *   <li><b>Conditional subtraction</b> x >= m ? x - m : x as {@code x.lanewise(UMIN, x.sub(m))}.</li>
 *   <li><b>Harvey butterflies</b> keep values lazily in [0, 4q) (forward) or [0, 2q) (inverse); q < 2^30 keeps
 *       4q below 2^32.</li>
 * </ul>
 * The last log2(L) + 1 NTT layers (butterfly distances L, L/2, ..., 1) run on blocks of 2L values held in two
 * registers, rearranged between layers by two-vector {@code selectFrom} ({@code vpermi2d}). Their twiddles are read
 * from the ordinary tables: the L twiddles a layer needs for one block are contiguous in psiRev, and a
 * one-vector {@code selectFrom} spreads them to lanes.
 *
 * <p>Limbs shorter than {@link #MIN_N} go to the scalar kernels.
 */
final class VectorKernels implements Kernels {
    static final VectorSpecies<Integer> S = IntVector.SPECIES_PREFERRED;
    static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Number of layers done in registers: butterfly distances L, L/2, ..., 1. */
    static final int FUSED = Integer.numberOfTrailingZeros(L) + 1;
    /** Smallest limb the vector NTT handles (one main layer at distance 2L, plus the inverse's separate last layer). */
    static final int MIN_N = 4 * L;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final long M32 = 0xFFFF_FFFFL;
    /** Mask bits of the odd int lanes: the high halves of the long lanes. */
    private static final long ODD_LANES = 0xAAAA_AAAA_AAAA_AAAAL;
    private static final Kernels SCALAR = Kernels.scalar();

    /** FWD_PERM[l]: register positions (0..2L-1 over the pair x, y) rearranged into layout l from layout l-1. */
    private static final int[][] FWD_PERM = new int[FUSED][];
    /** From the last forward layout back to natural order. */
    private static final int[] FWD_TO_NATURAL;
    /** INV_PERM[s]: into the layout of inverse step s (distance 2^s) from the previous one (natural for s = 0). */
    private static final int[][] INV_PERM = new int[FUSED][];
    /** SPREAD[l][k]: which of the block's contiguous twiddles lane k of x uses in layer l. */
    private static final int[][] SPREAD = new int[FUSED][L];

    static {
        if (LS.length() * 2 != L) {
            throw new IllegalStateException("int and long preferred species differ in size: " + S + ", " + LS);
        }
        int[] natural = new int[2 * L];
        for (int e = 0; e < 2 * L; e++) {
            natural[e] = e;
        }
        int[][] layout = new int[FUSED][];
        for (int l = 0; l < FUSED; l++) {
            layout[l] = layout(L >> l);
            for (int k = 0; k < L; k++) {
                SPREAD[l][k] = layout[l][k] >> (FUSED - l);
            }
        }
        for (int l = 0; l < FUSED; l++) {
            FWD_PERM[l] = between(l == 0 ? natural : layout[l - 1], layout[l]);
            INV_PERM[l] = between(l == 0 ? natural : layout[FUSED - l], layout[FUSED - 1 - l]);
        }
        FWD_TO_NATURAL = between(layout[FUSED - 1], natural);
    }

    /**
     * The register layout of a 2L block for butterflies at distance t: positions 0..L-1 (register x) hold the
     * elements e with bit t clear in increasing order, positions L..2L-1 (register y) their partners e + t.
     */
    private static int[] layout(int t) {
        int[] lay = new int[2 * L];
        for (int e = 0, k = 0; e < 2 * L; e++) {
            if ((e & t) == 0) {
                lay[k] = e;
                lay[L + k] = e + t;
                k++;
            }
        }
        return lay;
    }

    /** Index vector for selectFrom(x, y) that turns layout {@code from} into layout {@code to}. */
    private static int[] between(int[] from, int[] to) {
        int[] index = new int[2 * L];
        for (int p = 0; p < 2 * L; p++) {
            for (int s = 0; s < 2 * L; s++) {
                if (from[s] == to[p]) {
                    index[p] = s;
                }
            }
        }
        return index;
    }

    private static final ThreadLocal<int[]> SCRATCH = ThreadLocal.withInitial(() -> new int[0]);

    private static int[] scratch(int n) {
        int[] s = SCRATCH.get();
        if (s.length < n) {
            s = new int[n];
            SCRATCH.set(s);
        }
        return s;
    }

    private static int length(MemorySegment a) {
        return (int) (a.byteSize() / Integer.BYTES);
    }

    @Override
    public String name() {
        return "vector(" + S.vectorBitSize() + "-bit)";
    }

    // ---------------------------------------------------------------------------------------------- forward NTT

    @Override
    public void forwardNtt(MemorySegment a, NttTables tb) {
        if (tb.n < MIN_N) {
            SCALAR.forwardNtt(a, tb);
            return;
        }
        forwardMainLayers(a, tb);
        forwardFusedLayers(a, tb);
    }

    /**
     * Layers with butterfly distance t = n/2 .. 2L: one twiddle per group, broadcast. Two layers per pass over the
     * limb while both distances are at least 2L (radix 4: each element is loaded and stored once for two layers),
     * then a single layer if one is left. The butterflies are those of the one-layer loop, so are the residues.
     */
    private static void forwardMainLayers(MemorySegment a, NttTables tb) {
        final int n = tb.n;
        final VectorMask<Integer> odd = VectorMask.fromLong(S, ODD_LANES);
        final int[] w = tb.psiRev, ws = tb.psiRevShoup;
        final IntVector vq = IntVector.broadcast(S, tb.q), v2q = IntVector.broadcast(S, 2 * tb.q);
        int m = 1, t = n >> 1;
        for (; t >= 4 * L; m <<= 2, t >>= 2) {
            // group i of layer m spans [j1, j1 + 2t): distance t with twiddle w[m + i]; then its halves are groups
            // 2i and 2i + 1 of layer 2m: distance h = t/2 with twiddles w[2m + 2i] and w[2m + 2i + 1]
            final int h = t >> 1;
            for (int i = 0; i < m; i++) {
                final int j1 = 2 * i * t, j2 = j1 + h;
                final IntVector vw = IntVector.broadcast(S, w[m + i]);
                final LongVector vws = LongVector.broadcast(LS, ws[m + i]).and(M32);
                final IntVector vwLo = IntVector.broadcast(S, w[2 * m + 2 * i]);
                final LongVector vwsLo = LongVector.broadcast(LS, ws[2 * m + 2 * i]).and(M32);
                final IntVector vwHi = IntVector.broadcast(S, w[2 * m + 2 * i + 1]);
                final LongVector vwsHi = LongVector.broadcast(LS, ws[2 * m + 2 * i + 1]).and(M32);
                for (int j = j1; j < j2; j += L) {
                    IntVector x0 = IntVector.fromMemorySegment(S, a, 4L * j, ORDER);
                    IntVector x1 = IntVector.fromMemorySegment(S, a, 4L * (j + h), ORDER);
                    IntVector y0 = IntVector.fromMemorySegment(S, a, 4L * (j + t), ORDER);
                    IntVector y1 = IntVector.fromMemorySegment(S, a, 4L * (j + t + h), ORDER);
                    // layer m: (x0, y0) and (x1, y1) at distance t
                    x0 = x0.lanewise(UMIN, x0.sub(v2q));
                    LongVector y64 = y0.reinterpretAsLongs();
                    IntVector qh = y64.and(M32).mul(vws).lanewise(LSHR, 32).reinterpretAsInts()
                            .blend(y64.lanewise(LSHR, 32).mul(vws).reinterpretAsInts(), odd);
                    IntVector tt = y0.mul(vw).sub(qh.mul(vq));
                    y0 = x0.sub(tt).add(v2q);
                    x0 = x0.add(tt);
                    x1 = x1.lanewise(UMIN, x1.sub(v2q));
                    y64 = y1.reinterpretAsLongs();
                    qh = y64.and(M32).mul(vws).lanewise(LSHR, 32).reinterpretAsInts()
                            .blend(y64.lanewise(LSHR, 32).mul(vws).reinterpretAsInts(), odd);
                    tt = y1.mul(vw).sub(qh.mul(vq));
                    y1 = x1.sub(tt).add(v2q);
                    x1 = x1.add(tt);
                    // layer 2m: (x0, x1) and (y0, y1) at distance h
                    x0 = x0.lanewise(UMIN, x0.sub(v2q));
                    y64 = x1.reinterpretAsLongs();
                    qh = y64.and(M32).mul(vwsLo).lanewise(LSHR, 32).reinterpretAsInts()
                            .blend(y64.lanewise(LSHR, 32).mul(vwsLo).reinterpretAsInts(), odd);
                    tt = x1.mul(vwLo).sub(qh.mul(vq));
                    x0.add(tt).intoMemorySegment(a, 4L * j, ORDER);
                    x0.sub(tt).add(v2q).intoMemorySegment(a, 4L * (j + h), ORDER);
                    y0 = y0.lanewise(UMIN, y0.sub(v2q));
                    y64 = y1.reinterpretAsLongs();
                    qh = y64.and(M32).mul(vwsHi).lanewise(LSHR, 32).reinterpretAsInts()
                            .blend(y64.lanewise(LSHR, 32).mul(vwsHi).reinterpretAsInts(), odd);
                    tt = y1.mul(vwHi).sub(qh.mul(vq));
                    y0.add(tt).intoMemorySegment(a, 4L * (j + t), ORDER);
                    y0.sub(tt).add(v2q).intoMemorySegment(a, 4L * (j + t + h), ORDER);
                }
            }
        }
        if (t >= 2 * L) {
            for (int i = 0; i < m; i++) {
                final int j1 = 2 * i * t, j2 = j1 + t;
                final IntVector vw = IntVector.broadcast(S, w[m + i]);
                final LongVector vws = LongVector.broadcast(LS, ws[m + i]).and(M32);
                for (int j = j1; j < j2; j += L) {
                    IntVector x = IntVector.fromMemorySegment(S, a, 4L * j, ORDER);
                    IntVector y = IntVector.fromMemorySegment(S, a, 4L * (j + t), ORDER);
                    x = x.lanewise(UMIN, x.sub(v2q));
                    LongVector y64 = y.reinterpretAsLongs();
                    IntVector qh = y64.and(M32).mul(vws).lanewise(LSHR, 32).reinterpretAsInts()
                            .blend(y64.lanewise(LSHR, 32).mul(vws).reinterpretAsInts(), odd);
                    IntVector tt = y.mul(vw).sub(qh.mul(vq));
                    x.add(tt).intoMemorySegment(a, 4L * j, ORDER);
                    x.sub(tt).add(v2q).intoMemorySegment(a, 4L * (j + t), ORDER);
                }
            }
        }
    }

    /** Layers with distance L .. 1 on 2L-blocks in two registers, then natural order and full reduction. */
    private static void forwardFusedLayers(MemorySegment a, NttTables tb) {
        final int n = tb.n;
        final VectorMask<Integer> odd = VectorMask.fromLong(S, ODD_LANES);
        final int[] w = tb.psiRev, ws = tb.psiRevShoup;
        final IntVector vq = IntVector.broadcast(S, tb.q), v2q = IntVector.broadcast(S, 2 * tb.q);
        final IntVector natX = IntVector.fromArray(S, FWD_TO_NATURAL, 0);
        final IntVector natY = IntVector.fromArray(S, FWD_TO_NATURAL, L);
        for (int j = 0; j < n; j += 2 * L) {
            IntVector x = IntVector.fromMemorySegment(S, a, 4L * j, ORDER);
            IntVector y = IntVector.fromMemorySegment(S, a, 4L * (j + L), ORDER);
            {   // distance L: the block is already in layout 0 and its group has a single twiddle
                final int g = (n + j) >> FUSED;
                final IntVector vw = IntVector.broadcast(S, w[g]);
                final LongVector vws = LongVector.broadcast(LS, ws[g]).and(M32);
                x = x.lanewise(UMIN, x.sub(v2q));
                LongVector y64 = y.reinterpretAsLongs();
                IntVector qh = y64.and(M32).mul(vws).lanewise(LSHR, 32).reinterpretAsInts()
                        .blend(y64.lanewise(LSHR, 32).mul(vws).reinterpretAsInts(), odd);
                IntVector tt = y.mul(vw).sub(qh.mul(vq));
                y = x.sub(tt).add(v2q);
                x = x.add(tt);
            }
            for (int l = 1; l < FUSED; l++) {
                final int[] perm = FWD_PERM[l];
                IntVector x1 = IntVector.fromArray(S, perm, 0).selectFrom(x, y);
                IntVector y1 = IntVector.fromArray(S, perm, L).selectFrom(x, y);
                final int base = (n + j) >> (FUSED - l);
                final IntVector spread = IntVector.fromArray(S, SPREAD[l], 0);
                final IntVector vw = spread.selectFrom(IntVector.fromArray(S, w, base));
                final LongVector vws = spread.selectFrom(IntVector.fromArray(S, ws, base)).reinterpretAsLongs();
                x1 = x1.lanewise(UMIN, x1.sub(v2q));
                LongVector y64 = y1.reinterpretAsLongs();
                IntVector qh = y64.and(M32).mul(vws.and(M32)).lanewise(LSHR, 32).reinterpretAsInts()
                        .blend(y64.lanewise(LSHR, 32).mul(vws.lanewise(LSHR, 32)).reinterpretAsInts(), odd);
                IntVector tt = y1.mul(vw).sub(qh.mul(vq));
                x = x1.add(tt);
                y = x1.sub(tt).add(v2q);
            }
            IntVector o0 = natX.selectFrom(x, y), o1 = natY.selectFrom(x, y);
            o0 = o0.lanewise(UMIN, o0.sub(v2q));
            o0 = o0.lanewise(UMIN, o0.sub(vq));
            o1 = o1.lanewise(UMIN, o1.sub(v2q));
            o1 = o1.lanewise(UMIN, o1.sub(vq));
            o0.intoMemorySegment(a, 4L * j, ORDER);
            o1.intoMemorySegment(a, 4L * (j + L), ORDER);
        }
    }

    // ---------------------------------------------------------------------------------------------- inverse NTT

    @Override
    public void inverseNtt(MemorySegment a, NttTables tb) {
        if (tb.n < MIN_N) {
            SCALAR.inverseNtt(a, tb);
            return;
        }
        inverseFusedLayers(a, tb);
        inverseMainLayers(a, tb);
        inverseLastLayer(a, tb);
    }

    /** Gentleman-Sande layers with distance 1 .. L on 2L-blocks; the last layout is natural order again. */
    private static void inverseFusedLayers(MemorySegment a, NttTables tb) {
        final VectorMask<Integer> odd = VectorMask.fromLong(S, ODD_LANES);
        final int n = tb.n;
        final int[] w = tb.psiInvRev, ws = tb.psiInvRevShoup;
        final IntVector vq = IntVector.broadcast(S, tb.q), v2q = IntVector.broadcast(S, 2 * tb.q);
        for (int j = 0; j < n; j += 2 * L) {
            IntVector x = IntVector.fromMemorySegment(S, a, 4L * j, ORDER);
            IntVector y = IntVector.fromMemorySegment(S, a, 4L * (j + L), ORDER);
            for (int s = 0; s < FUSED - 1; s++) {
                final int[] perm = INV_PERM[s];
                IntVector x1 = IntVector.fromArray(S, perm, 0).selectFrom(x, y);
                IntVector y1 = IntVector.fromArray(S, perm, L).selectFrom(x, y);
                final int base = (n + j) >> (s + 1);
                final IntVector spread = IntVector.fromArray(S, SPREAD[FUSED - 1 - s], 0);
                final IntVector vw = spread.selectFrom(IntVector.fromArray(S, w, base));
                final LongVector vws = spread.selectFrom(IntVector.fromArray(S, ws, base)).reinterpretAsLongs();
                IntVector u = x1.add(y1);
                IntVector d = x1.sub(y1).add(v2q);
                LongVector d64 = d.reinterpretAsLongs();
                IntVector qh = d64.and(M32).mul(vws.and(M32)).lanewise(LSHR, 32).reinterpretAsInts()
                        .blend(d64.lanewise(LSHR, 32).mul(vws.lanewise(LSHR, 32)).reinterpretAsInts(), odd);
                x = u.lanewise(UMIN, u.sub(v2q));
                y = d.mul(vw).sub(qh.mul(vq));
            }
            {   // distance L: back to natural order, and the block's group has a single twiddle
                final int[] perm = INV_PERM[FUSED - 1];
                IntVector x1 = IntVector.fromArray(S, perm, 0).selectFrom(x, y);
                IntVector y1 = IntVector.fromArray(S, perm, L).selectFrom(x, y);
                final int g = (n + j) >> FUSED;
                final IntVector vw = IntVector.broadcast(S, w[g]);
                final LongVector vws = LongVector.broadcast(LS, ws[g]).and(M32);
                IntVector u = x1.add(y1);
                IntVector d = x1.sub(y1).add(v2q);
                LongVector d64 = d.reinterpretAsLongs();
                IntVector qh = d64.and(M32).mul(vws).lanewise(LSHR, 32).reinterpretAsInts()
                        .blend(d64.lanewise(LSHR, 32).mul(vws).reinterpretAsInts(), odd);
                u.lanewise(UMIN, u.sub(v2q)).intoMemorySegment(a, 4L * j, ORDER);
                d.mul(vw).sub(qh.mul(vq)).intoMemorySegment(a, 4L * (j + L), ORDER);
            }
        }
    }

    /**
     * Layers with distance 2L .. n/4: one twiddle per group, broadcast. Two layers per pass while there are two left
     * (radix 4, as in {@link #forwardMainLayers}), then a single one if one is left; the same butterflies.
     */
    private static void inverseMainLayers(MemorySegment a, NttTables tb) {
        final VectorMask<Integer> odd = VectorMask.fromLong(S, ODD_LANES);
        final int n = tb.n;
        final int[] w = tb.psiInvRev, ws = tb.psiInvRevShoup;
        final IntVector vq = IntVector.broadcast(S, tb.q), v2q = IntVector.broadcast(S, 2 * tb.q);
        int h = n / (4 * L), t = 2 * L;
        for (; h >= 4; h >>= 2, t <<= 2) {
            // groups 2i and 2i + 1 of this layer (distance t, twiddles w[h + 2i], w[h + 2i + 1]) make up group i of
            // the next (distance 2t, twiddle w[h/2 + i]), which spans [4it, 4it + 4t)
            for (int i = 0; i < h / 2; i++) {
                final int j1 = 4 * i * t, j2 = j1 + t;
                final IntVector vwLo = IntVector.broadcast(S, w[h + 2 * i]);
                final LongVector vwsLo = LongVector.broadcast(LS, ws[h + 2 * i]).and(M32);
                final IntVector vwHi = IntVector.broadcast(S, w[h + 2 * i + 1]);
                final LongVector vwsHi = LongVector.broadcast(LS, ws[h + 2 * i + 1]).and(M32);
                final IntVector vw = IntVector.broadcast(S, w[h / 2 + i]);
                final LongVector vws = LongVector.broadcast(LS, ws[h / 2 + i]).and(M32);
                for (int j = j1; j < j2; j += L) {
                    IntVector x0 = IntVector.fromMemorySegment(S, a, 4L * j, ORDER);
                    IntVector x1 = IntVector.fromMemorySegment(S, a, 4L * (j + t), ORDER);
                    IntVector y0 = IntVector.fromMemorySegment(S, a, 4L * (j + 2 * t), ORDER);
                    IntVector y1 = IntVector.fromMemorySegment(S, a, 4L * (j + 3 * t), ORDER);
                    // this layer: (x0, x1) and (y0, y1) at distance t
                    IntVector u = x0.add(x1);
                    IntVector d = x0.sub(x1).add(v2q);
                    LongVector d64 = d.reinterpretAsLongs();
                    IntVector qh = d64.and(M32).mul(vwsLo).lanewise(LSHR, 32).reinterpretAsInts()
                            .blend(d64.lanewise(LSHR, 32).mul(vwsLo).reinterpretAsInts(), odd);
                    x0 = u.lanewise(UMIN, u.sub(v2q));
                    x1 = d.mul(vwLo).sub(qh.mul(vq));
                    u = y0.add(y1);
                    d = y0.sub(y1).add(v2q);
                    d64 = d.reinterpretAsLongs();
                    qh = d64.and(M32).mul(vwsHi).lanewise(LSHR, 32).reinterpretAsInts()
                            .blend(d64.lanewise(LSHR, 32).mul(vwsHi).reinterpretAsInts(), odd);
                    y0 = u.lanewise(UMIN, u.sub(v2q));
                    y1 = d.mul(vwHi).sub(qh.mul(vq));
                    // the next layer: (x0, y0) and (x1, y1) at distance 2t
                    u = x0.add(y0);
                    d = x0.sub(y0).add(v2q);
                    d64 = d.reinterpretAsLongs();
                    qh = d64.and(M32).mul(vws).lanewise(LSHR, 32).reinterpretAsInts()
                            .blend(d64.lanewise(LSHR, 32).mul(vws).reinterpretAsInts(), odd);
                    u.lanewise(UMIN, u.sub(v2q)).intoMemorySegment(a, 4L * j, ORDER);
                    d.mul(vw).sub(qh.mul(vq)).intoMemorySegment(a, 4L * (j + 2 * t), ORDER);
                    u = x1.add(y1);
                    d = x1.sub(y1).add(v2q);
                    d64 = d.reinterpretAsLongs();
                    qh = d64.and(M32).mul(vws).lanewise(LSHR, 32).reinterpretAsInts()
                            .blend(d64.lanewise(LSHR, 32).mul(vws).reinterpretAsInts(), odd);
                    u.lanewise(UMIN, u.sub(v2q)).intoMemorySegment(a, 4L * (j + t), ORDER);
                    d.mul(vw).sub(qh.mul(vq)).intoMemorySegment(a, 4L * (j + 3 * t), ORDER);
                }
            }
        }
        if (h > 1) {
            for (int i = 0; i < h; i++) {
                final int j1 = 2 * i * t, j2 = j1 + t;
                final IntVector vw = IntVector.broadcast(S, w[h + i]);
                final LongVector vws = LongVector.broadcast(LS, ws[h + i]).and(M32);
                for (int j = j1; j < j2; j += L) {
                    IntVector x = IntVector.fromMemorySegment(S, a, 4L * j, ORDER);
                    IntVector y = IntVector.fromMemorySegment(S, a, 4L * (j + t), ORDER);
                    IntVector u = x.add(y);
                    IntVector d = x.sub(y).add(v2q);
                    LongVector d64 = d.reinterpretAsLongs();
                    IntVector qh = d64.and(M32).mul(vws).lanewise(LSHR, 32).reinterpretAsInts()
                            .blend(d64.lanewise(LSHR, 32).mul(vws).reinterpretAsInts(), odd);
                    u.lanewise(UMIN, u.sub(v2q)).intoMemorySegment(a, 4L * j, ORDER);
                    d.mul(vw).sub(qh.mul(vq)).intoMemorySegment(a, 4L * (j + t), ORDER);
                }
            }
        }
    }

    /** The last layer (distance n/2) with N^-1 folded in, and full reduction. */
    private static void inverseLastLayer(MemorySegment a, NttTables tb) {
        final VectorMask<Integer> odd = VectorMask.fromLong(S, ODD_LANES);
        final int t = tb.n >> 1;
        final IntVector vq = IntVector.broadcast(S, tb.q), v2q = IntVector.broadcast(S, 2 * tb.q);
        final IntVector vn = IntVector.broadcast(S, tb.nInv);
        final LongVector vns = LongVector.broadcast(LS, tb.nInvShoup).and(M32);
        final IntVector vw = IntVector.broadcast(S, tb.nInvPsiInv);
        final LongVector vws = LongVector.broadcast(LS, tb.nInvPsiInvShoup).and(M32);
        for (int j = 0; j < t; j += L) {
            IntVector x = IntVector.fromMemorySegment(S, a, 4L * j, ORDER);
            IntVector y = IntVector.fromMemorySegment(S, a, 4L * (j + t), ORDER);
            IntVector u = x.add(y);
            IntVector d = x.sub(y).add(v2q);
            LongVector u64 = u.reinterpretAsLongs(), d64 = d.reinterpretAsLongs();
            IntVector qu = u64.and(M32).mul(vns).lanewise(LSHR, 32).reinterpretAsInts()
                    .blend(u64.lanewise(LSHR, 32).mul(vns).reinterpretAsInts(), odd);
            IntVector qd = d64.and(M32).mul(vws).lanewise(LSHR, 32).reinterpretAsInts()
                    .blend(d64.lanewise(LSHR, 32).mul(vws).reinterpretAsInts(), odd);
            IntVector r0 = u.mul(vn).sub(qu.mul(vq));
            IntVector r1 = d.mul(vw).sub(qd.mul(vq));
            r0.lanewise(UMIN, r0.sub(vq)).intoMemorySegment(a, 4L * j, ORDER);
            r1.lanewise(UMIN, r1.sub(vq)).intoMemorySegment(a, 4L * (j + t), ORDER);
        }
    }

    // ---------------------------------------------------------------------------------------------- element-wise

    @Override
    public void add(MemorySegment a, MemorySegment b, MemorySegment out, Modulus m) {
        final int n = length(out);
        if (n < MIN_N) {
            SCALAR.add(a, b, out, m);
            return;
        }
        final IntVector vq = IntVector.broadcast(S, m.q());
        for (int i = 0; i < n; i += L) {
            IntVector r = IntVector.fromMemorySegment(S, a, 4L * i, ORDER)
                    .add(IntVector.fromMemorySegment(S, b, 4L * i, ORDER));
            r.lanewise(UMIN, r.sub(vq)).intoMemorySegment(out, 4L * i, ORDER);
        }
    }

    @Override
    public void addScalar(MemorySegment a, int c, MemorySegment out, Modulus m) {
        final int n = length(out);
        if (n < MIN_N) {
            SCALAR.addScalar(a, c, out, m);
            return;
        }
        final IntVector vq = IntVector.broadcast(S, m.q()), vc = IntVector.broadcast(S, c);
        for (int i = 0; i < n; i += L) {
            IntVector r = IntVector.fromMemorySegment(S, a, 4L * i, ORDER).add(vc);
            r.lanewise(UMIN, r.sub(vq)).intoMemorySegment(out, 4L * i, ORDER);
        }
    }

    @Override
    public void sub(MemorySegment a, MemorySegment b, MemorySegment out, Modulus m) {
        final int n = length(out);
        if (n < MIN_N) {
            SCALAR.sub(a, b, out, m);
            return;
        }
        final IntVector vq = IntVector.broadcast(S, m.q());
        for (int i = 0; i < n; i += L) {
            IntVector r = IntVector.fromMemorySegment(S, a, 4L * i, ORDER)
                    .sub(IntVector.fromMemorySegment(S, b, 4L * i, ORDER)).add(vq);
            r.lanewise(UMIN, r.sub(vq)).intoMemorySegment(out, 4L * i, ORDER);
        }
    }

    @Override
    public void negate(MemorySegment a, MemorySegment out, Modulus m) {
        final int n = length(out);
        if (n < MIN_N) {
            SCALAR.negate(a, out, m);
            return;
        }
        final IntVector vq = IntVector.broadcast(S, m.q());
        for (int i = 0; i < n; i += L) {
            IntVector r = vq.sub(IntVector.fromMemorySegment(S, a, 4L * i, ORDER));
            r.lanewise(UMIN, r.sub(vq)).intoMemorySegment(out, 4L * i, ORDER);
        }
    }

    @Override
    public void mul(MemorySegment a, MemorySegment b, MemorySegment out, Modulus m) {
        final int n = length(out);
        if (n < MIN_N) {
            SCALAR.mul(a, b, out, m);
            return;
        }
        final IntVector vq = IntVector.broadcast(S, m.q());
        final LongVector mu = LongVector.broadcast(LS, m.barrettMu());
        final int s1 = m.bits() - 1, s2 = m.bits() + 1;
        for (int i = 0; i < n; i += L) {
            IntVector x = IntVector.fromMemorySegment(S, a, 4L * i, ORDER);
            IntVector y = IntVector.fromMemorySegment(S, b, 4L * i, ORDER);
            LongVector x64 = x.reinterpretAsLongs(), y64 = y.reinterpretAsLongs();
            LongVector pe = x64.and(M32).mul(y64.and(M32));
            LongVector po = x64.lanewise(LSHR, 32).mul(y64.lanewise(LSHR, 32));
            LongVector qe = pe.lanewise(LSHR, s1).and(M32).mul(mu.and(M32)).lanewise(LSHR, s2);
            LongVector qo = po.lanewise(LSHR, s1).and(M32).mul(mu.and(M32)).lanewise(LSHR, s2);
            IntVector r = x.mul(y).sub(qe.or(qo.lanewise(LSHL, 32)).reinterpretAsInts().mul(vq));
            r = r.lanewise(UMIN, r.sub(vq));
            r.lanewise(UMIN, r.sub(vq)).intoMemorySegment(out, 4L * i, ORDER);
        }
    }

    @Override
    public void mulAdd(MemorySegment a, MemorySegment b, MemorySegment acc, Modulus m) {
        final int n = length(acc);
        if (n < MIN_N) {
            SCALAR.mulAdd(a, b, acc, m);
            return;
        }
        final IntVector vq = IntVector.broadcast(S, m.q());
        final LongVector mu = LongVector.broadcast(LS, m.barrettMu());
        final int s1 = m.bits() - 1, s2 = m.bits() + 1;
        for (int i = 0; i < n; i += L) {
            IntVector x = IntVector.fromMemorySegment(S, a, 4L * i, ORDER);
            IntVector y = IntVector.fromMemorySegment(S, b, 4L * i, ORDER);
            LongVector x64 = x.reinterpretAsLongs(), y64 = y.reinterpretAsLongs();
            LongVector pe = x64.and(M32).mul(y64.and(M32));
            LongVector po = x64.lanewise(LSHR, 32).mul(y64.lanewise(LSHR, 32));
            LongVector qe = pe.lanewise(LSHR, s1).and(M32).mul(mu.and(M32)).lanewise(LSHR, s2);
            LongVector qo = po.lanewise(LSHR, s1).and(M32).mul(mu.and(M32)).lanewise(LSHR, s2);
            IntVector r = x.mul(y).sub(qe.or(qo.lanewise(LSHL, 32)).reinterpretAsInts().mul(vq));
            r = r.lanewise(UMIN, r.sub(vq));
            r = r.lanewise(UMIN, r.sub(vq)).add(IntVector.fromMemorySegment(S, acc, 4L * i, ORDER));
            r.lanewise(UMIN, r.sub(vq)).intoMemorySegment(acc, 4L * i, ORDER);
        }
    }

    @Override
    public void mulShoup(MemorySegment a, MemorySegment w, MemorySegment ws, MemorySegment out, Modulus m) {
        final int n = length(out);
        if (n < MIN_N) {
            SCALAR.mulShoup(a, w, ws, out, m);
            return;
        }
        final VectorMask<Integer> odd = VectorMask.fromLong(S, ODD_LANES);
        final IntVector vq = IntVector.broadcast(S, m.q());
        for (int i = 0; i < n; i += L) {
            IntVector y = IntVector.fromMemorySegment(S, a, 4L * i, ORDER);
            IntVector vw = IntVector.fromMemorySegment(S, w, 4L * i, ORDER);
            LongVector vws = IntVector.fromMemorySegment(S, ws, 4L * i, ORDER).reinterpretAsLongs();
            LongVector y64 = y.reinterpretAsLongs();
            IntVector qh = y64.and(M32).mul(vws.and(M32)).lanewise(LSHR, 32).reinterpretAsInts()
                    .blend(y64.lanewise(LSHR, 32).mul(vws.lanewise(LSHR, 32)).reinterpretAsInts(), odd);
            IntVector r = y.mul(vw).sub(qh.mul(vq));
            r.lanewise(UMIN, r.sub(vq)).intoMemorySegment(out, 4L * i, ORDER);
        }
    }

    @Override
    public void mulAddShoup(MemorySegment a, MemorySegment w, MemorySegment ws, MemorySegment acc, Modulus m) {
        final int n = length(acc);
        if (n < MIN_N) {
            SCALAR.mulAddShoup(a, w, ws, acc, m);
            return;
        }
        final VectorMask<Integer> odd = VectorMask.fromLong(S, ODD_LANES);
        final IntVector vq = IntVector.broadcast(S, m.q());
        for (int i = 0; i < n; i += L) {
            IntVector y = IntVector.fromMemorySegment(S, a, 4L * i, ORDER);
            IntVector vw = IntVector.fromMemorySegment(S, w, 4L * i, ORDER);
            LongVector vws = IntVector.fromMemorySegment(S, ws, 4L * i, ORDER).reinterpretAsLongs();
            LongVector y64 = y.reinterpretAsLongs();
            IntVector qh = y64.and(M32).mul(vws.and(M32)).lanewise(LSHR, 32).reinterpretAsInts()
                    .blend(y64.lanewise(LSHR, 32).mul(vws.lanewise(LSHR, 32)).reinterpretAsInts(), odd);
            IntVector r = y.mul(vw).sub(qh.mul(vq)).add(IntVector.fromMemorySegment(S, acc, 4L * i, ORDER));
            r = r.lanewise(UMIN, r.sub(vq));
            r.lanewise(UMIN, r.sub(vq)).intoMemorySegment(acc, 4L * i, ORDER);
        }
    }

    /** Elements of a limb that {@link #innerProduct} takes through all digits before it moves on (4 KiB of each). */
    static final int IP_CHUNK = 1024;
    /**
     * Digits whose raw 64-bit products {@link #innerProduct} adds before it reduces: with q &lt; 2^30, a seed below
     * q 2^32 plus 8 products below q^2 plus the Montgomery term below 2^32 q stay below 2^64.
     */
    static final int IP_GROUP = 8;
    private static final ThreadLocal<long[][]> IP_SCRATCH = ThreadLocal.withInitial(() -> new long[4][IP_CHUNK / 2]);

    /**
     * Chunk by chunk of {@link #IP_CHUNK} elements, the digits in the outer loop: each pass streams three 4 KiB runs
     * (x_j and the key's w_j, v_j) instead of 3 x digits runs side by side, which the prefetchers did not keep up
     * with (measured 25 against 36 ms for 53 limbs of 7 digits from memory, one thread). The products are added
     * unreduced in 64-bit lanes (even and odd int lanes apart) and reduced once per {@link #IP_GROUP} digits by one
     * Montgomery step; a later group starts from the reduced sum r as r 2^32, which the next step divides out again.
     */
    @Override
    public void innerProduct(MemorySegment[] x, MemorySegment[] w, MemorySegment[] v, MemorySegment acc0,
            MemorySegment acc1, Modulus m) {
        final int n = length(acc0), digits = x.length;
        if (n < MIN_N) {
            SCALAR.innerProduct(x, w, v, acc0, acc1, m);
            return;
        }
        final int chunk = Math.min(IP_CHUNK, n);
        final long[][] scratch = IP_SCRATCH.get();
        final long[] e0 = scratch[0], o0 = scratch[1], e1 = scratch[2], o1 = scratch[3];
        for (int c = 0; c < n; c += chunk) {
            for (int g = 0; g < digits; g += IP_GROUP) {
                for (int j = g; j < Math.min(digits, g + IP_GROUP); j++) {
                    final MemorySegment xj = x[j], wj = w[j], vj = v[j];
                    final boolean first = j == g, seeded = first && g > 0;
                    for (int i = 0; i < chunk; i += L) {
                        final long offset = 4L * (c + i);
                        final int h = i >> 1;
                        LongVector y64 = IntVector.fromMemorySegment(S, xj, offset, ORDER).reinterpretAsLongs();
                        LongVector yEven = y64.and(M32), yOdd = y64.lanewise(LSHR, 32);
                        LongVector w64 = IntVector.fromMemorySegment(S, wj, offset, ORDER).reinterpretAsLongs();
                        LongVector v64 = IntVector.fromMemorySegment(S, vj, offset, ORDER).reinterpretAsLongs();
                        LongVector pe0 = yEven.mul(w64.and(M32)), po0 = yOdd.mul(w64.lanewise(LSHR, 32));
                        LongVector pe1 = yEven.mul(v64.and(M32)), po1 = yOdd.mul(v64.lanewise(LSHR, 32));
                        if (seeded) { // the previous group's sums r, in [0, q), as r 2^32
                            LongVector r0 = IntVector.fromMemorySegment(S, acc0, offset, ORDER).reinterpretAsLongs();
                            LongVector r1 = IntVector.fromMemorySegment(S, acc1, offset, ORDER).reinterpretAsLongs();
                            pe0 = pe0.add(r0.lanewise(LSHL, 32));
                            po0 = po0.add(r0.and(~M32));
                            pe1 = pe1.add(r1.lanewise(LSHL, 32));
                            po1 = po1.add(r1.and(~M32));
                        } else if (!first) {
                            pe0 = pe0.add(LongVector.fromArray(LS, e0, h));
                            po0 = po0.add(LongVector.fromArray(LS, o0, h));
                            pe1 = pe1.add(LongVector.fromArray(LS, e1, h));
                            po1 = po1.add(LongVector.fromArray(LS, o1, h));
                        }
                        pe0.intoArray(e0, h);
                        po0.intoArray(o0, h);
                        pe1.intoArray(e1, h);
                        po1.intoArray(o1, h);
                    }
                }
                montgomeryReduce(e0, o0, chunk, acc0, c, m);
                montgomeryReduce(e1, o1, chunk, acc1, c, m);
            }
        }
    }

    /**
     * out[c + i] = s 2^-32 mod q in [0, q) for the 64-bit sums s of elements i &lt; count (even elements in
     * {@code even}, odd ones in {@code odd}), each s below 2^64 so that the result before the corrections is below 4q.
     */
    private static void montgomeryReduce(long[] even, long[] odd, int count, MemorySegment out, int c, Modulus m) {
        final VectorMask<Integer> oddLanes = VectorMask.fromLong(S, ODD_LANES);
        final IntVector vq = IntVector.broadcast(S, m.q()), v2q = IntVector.broadcast(S, 2 * m.q());
        final LongVector lq = LongVector.broadcast(LS, m.q()).and(M32);
        final LongVector negInv = LongVector.broadcast(LS, m.montgomeryNegInv()).and(M32);
        for (int i = 0; i < count; i += L) {
            LongVector se = LongVector.fromArray(LS, even, i >> 1), so = LongVector.fromArray(LS, odd, i >> 1);
            IntVector r = se.add(se.and(M32).mul(negInv).and(M32).mul(lq)).lanewise(LSHR, 32).reinterpretAsInts()
                    .blend(so.add(so.and(M32).mul(negInv).and(M32).mul(lq)).reinterpretAsInts(), oddLanes);
            r = r.lanewise(UMIN, r.sub(v2q));
            r.lanewise(UMIN, r.sub(vq)).intoMemorySegment(out, 4L * (c + i), ORDER);
        }
    }

    @Override
    public void switchModulus(MemorySegment a, Modulus from, MemorySegment out, Modulus to) {
        final int n = length(out);
        if (n < MIN_N) {
            SCALAR.switchModulus(a, from, out, to);
            return;
        }
        final VectorMask<Integer> odd = VectorMask.fromLong(S, ODD_LANES);
        final IntVector vq = IntVector.broadcast(S, to.q()), half = IntVector.broadcast(S, (from.q() - 1) >>> 1);
        final IntVector offset = IntVector.broadcast(S, ScalarKernels.switchOffset(from.q(), to.q()));
        final LongVector vones = LongVector.broadcast(LS, to.oneShoup()).and(M32);
        for (int i = 0; i < n; i += L) {
            IntVector x = IntVector.fromMemorySegment(S, a, 4L * i, ORDER);
            x = x.add(offset, x.compare(GT, half));
            LongVector x64 = x.reinterpretAsLongs();
            IntVector qh = x64.and(M32).mul(vones).lanewise(LSHR, 32).reinterpretAsInts()
                    .blend(x64.lanewise(LSHR, 32).mul(vones).reinterpretAsInts(), odd);
            IntVector r = x.sub(qh.mul(vq));
            r.lanewise(UMIN, r.sub(vq)).intoMemorySegment(out, 4L * i, ORDER);
        }
    }

    /** As {@link ScalarKernels#pairDigits(int[], Modulus, int[], Modulus)}, lane by lane. */
    @Override
    public void pairDigits(MemorySegment a, Modulus qa, MemorySegment b, Modulus qb) {
        final int n = length(a);
        if (n < MIN_N) {
            SCALAR.pairDigits(a, qa, b, qb);
            return;
        }
        final int pa = qa.q(), pb = qb.q(), inv = (int) ModArith.invMod(pa, pb);
        final VectorMask<Integer> odd = VectorMask.fromLong(S, ODD_LANES);
        final IntVector vqa = IntVector.broadcast(S, pa), vqb = IntVector.broadcast(S, pb);
        final IntVector vha = IntVector.broadcast(S, ScalarKernels.pairHalf(qa, qb, pa));
        final IntVector vhc = IntVector.broadcast(S, ScalarKernels.pairHalf(qa, qb, pb) + ScalarKernels.pairOffset(pa, pb));
        final IntVector vw = IntVector.broadcast(S, inv);
        final LongVector vws = LongVector.broadcast(LS, ModArith.shoup(inv, pb)).and(M32);
        for (int i = 0; i < n; i += L) {
            IntVector d0 = IntVector.fromMemorySegment(S, a, 4L * i, ORDER).add(vha);
            d0 = d0.lanewise(UMIN, d0.sub(vqa));
            IntVector y = IntVector.fromMemorySegment(S, b, 4L * i, ORDER).add(vhc).sub(d0);
            LongVector y64 = y.reinterpretAsLongs();
            IntVector qh = y64.and(M32).mul(vws).lanewise(LSHR, 32).reinterpretAsInts()
                    .blend(y64.lanewise(LSHR, 32).mul(vws).reinterpretAsInts(), odd);
            IntVector d1 = y.mul(vw).sub(qh.mul(vqb));
            d0.intoMemorySegment(a, 4L * i, ORDER);
            d1.lanewise(UMIN, d1.sub(vqb)).intoMemorySegment(b, 4L * i, ORDER);
        }
    }

    /** As {@link ScalarKernels#switchModulusPair(int[], int[], Modulus, Modulus, int[], Modulus)}, lane by lane. */
    @Override
    public void switchModulusPair(MemorySegment d0, MemorySegment d1, Modulus qa, Modulus qb, MemorySegment out,
            Modulus to) {
        final int n = length(out);
        if (n < MIN_N) {
            SCALAR.switchModulusPair(d0, d1, qa, qb, out, to);
            return;
        }
        final int q = to.q(), w = qa.q() % q;
        final VectorMask<Integer> odd = VectorMask.fromLong(S, ODD_LANES);
        final IntVector vq = IntVector.broadcast(S, q), vw = IntVector.broadcast(S, w);
        final IntVector vk = IntVector.broadcast(S, q - ScalarKernels.pairHalf(qa, qb, q));
        final LongVector vws = LongVector.broadcast(LS, ModArith.shoup(w, q)).and(M32);
        final LongVector vones = LongVector.broadcast(LS, to.oneShoup()).and(M32);
        for (int i = 0; i < n; i += L) {
            IntVector y = IntVector.fromMemorySegment(S, d1, 4L * i, ORDER);
            LongVector y64 = y.reinterpretAsLongs();
            IntVector qh = y64.and(M32).mul(vws).lanewise(LSHR, 32).reinterpretAsInts()
                    .blend(y64.lanewise(LSHR, 32).mul(vws).reinterpretAsInts(), odd);
            IntVector s = y.mul(vw).sub(qh.mul(vq)).add(IntVector.fromMemorySegment(S, d0, 4L * i, ORDER)).add(vk);
            LongVector s64 = s.reinterpretAsLongs();
            IntVector qs = s64.and(M32).mul(vones).lanewise(LSHR, 32).reinterpretAsInts()
                    .blend(s64.lanewise(LSHR, 32).mul(vones).reinterpretAsInts(), odd);
            IntVector r = s.sub(qs.mul(vq));
            r.lanewise(UMIN, r.sub(vq)).intoMemorySegment(out, 4L * i, ORDER);
        }
    }

    @Override
    public void mulScalar(MemorySegment a, int c, MemorySegment out, Modulus m) {
        final int n = length(out);
        if (n < MIN_N) {
            SCALAR.mulScalar(a, c, out, m);
            return;
        }
        final VectorMask<Integer> odd = VectorMask.fromLong(S, ODD_LANES);
        final IntVector vq = IntVector.broadcast(S, m.q());
        final IntVector vw = IntVector.broadcast(S, c);
        final LongVector vws = LongVector.broadcast(LS, ModArith.shoup(c, m.q())).and(M32);
        for (int i = 0; i < n; i += L) {
            IntVector y = IntVector.fromMemorySegment(S, a, 4L * i, ORDER);
            LongVector y64 = y.reinterpretAsLongs();
            IntVector qh = y64.and(M32).mul(vws).lanewise(LSHR, 32).reinterpretAsInts()
                    .blend(y64.lanewise(LSHR, 32).mul(vws).reinterpretAsInts(), odd);
            IntVector r = y.mul(vw).sub(qh.mul(vq));
            r.lanewise(UMIN, r.sub(vq)).intoMemorySegment(out, 4L * i, ORDER);
        }
    }

    // ---------------------------------------------------------------------------------------------- permutations

    /**
     * In bit-reversed order an automorphism maps every aligned block of L outputs to one aligned block of L inputs
     * (the low log2(L) bits of an output position become the high bits of its exponent, which X -> X^k changes only
     * among themselves). So it is one contiguous load, one lane shuffle ({@code vpermd}) and one store per block:
     * no gather. The shuffles repeat (at most L distinct per k) and are kept once.
     */
    @Override
    public void automorphismNtt(MemorySegment a, int k, MemorySegment out) {
        final int n = length(out);
        if (n < MIN_N) {
            SCALAR.automorphismNtt(a, k, out);
            return;
        }
        final BlockPermutation p = blockPermutation(n, k);
        final MemorySegment src = overlap(a, out) ? copyToScratch(a) : a;
        final int[] source = p.source, shuffle = p.shuffle, shuffles = p.shuffles;
        for (int b = 0, i = 0; i < n; b++, i += L) {
            IntVector v = IntVector.fromMemorySegment(S, src, 4L * source[b], ORDER);
            IntVector.fromArray(S, shuffles, shuffle[b]).selectFrom(v).intoMemorySegment(out, 4L * i, ORDER);
        }
    }

    /** BLOCK_PERMUTATIONS[log2 n][k]: built on first use (a race builds the same immutable value twice at worst). */
    private static final BlockPermutation[][] BLOCK_PERMUTATIONS = new BlockPermutation[Primes.MAX_LOG_N + 1][];

    private static BlockPermutation blockPermutation(int n, int k) {
        int logN = Integer.numberOfTrailingZeros(n);
        BlockPermutation[] byK = BLOCK_PERMUTATIONS[logN];
        if (byK == null) {
            byK = new BlockPermutation[2 * n];
            BLOCK_PERMUTATIONS[logN] = byK;
        }
        BlockPermutation p = byK[k];
        if (p == null) {
            p = BlockPermutation.of(Automorphism.cachedNttIndex(n, k));
            byK[k] = p;
        }
        return p;
    }

    /** Whether two segments share memory (checked without allocating for native segments). */
    private static boolean overlap(MemorySegment a, MemorySegment b) {
        if (a.isNative() && b.isNative()) {
            return a.address() < b.address() + b.byteSize() && b.address() < a.address() + a.byteSize();
        }
        return a.asOverlappingSlice(b).isPresent();
    }

    /**
     * A permutation of n elements that moves aligned blocks of L as wholes: output block b is input block
     * {@code source[b] / L} with its lanes shuffled by {@code shuffles[shuffle[b] .. + L)}.
     */
    private record BlockPermutation(int[] source, int[] shuffle, int[] shuffles) {
        static BlockPermutation of(int[] index) {
            int blocks = index.length / L;
            int[] source = new int[blocks], shuffle = new int[blocks];
            Map<List<Integer>, Integer> ids = new HashMap<>();
            List<Integer> table = new ArrayList<>();
            for (int b = 0; b < blocks; b++) {
                source[b] = index[b * L] & -L;
                List<Integer> lanes = new ArrayList<>(L);
                for (int j = 0; j < L; j++) {
                    int from = index[b * L + j];
                    if ((from & -L) != source[b]) {
                        throw new IllegalStateException("automorphism map is not block-structured at " + (b * L + j));
                    }
                    lanes.add(from & (L - 1));
                }
                shuffle[b] = ids.computeIfAbsent(lanes, x -> {
                    table.addAll(x);
                    return table.size() - L;
                });
            }
            return new BlockPermutation(source, shuffle, table.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    private static final ThreadLocal<MemorySegment[]> SCRATCH_SEGMENT = ThreadLocal.withInitial(() -> new MemorySegment[1]);

    /** a copied into a per-thread off-heap scratch segment, for operations whose output aliases their input. */
    private static MemorySegment copyToScratch(MemorySegment a) {
        MemorySegment[] holder = SCRATCH_SEGMENT.get();
        if (holder[0] == null || holder[0].byteSize() < a.byteSize()) {
            holder[0] = Arena.ofAuto().allocate(a.byteSize(), LimbAllocator.ALIGNMENT);
        }
        MemorySegment s = holder[0].asSlice(0, a.byteSize());
        s.copyFrom(a);
        return s;
    }

    @Override
    public void permuteNegate(MemorySegment a, int[] index, int[] negate, MemorySegment out, Modulus m) {
        final int n = length(out);
        if (n < MIN_N) {
            SCALAR.permuteNegate(a, index, negate, out, m);
            return;
        }
        final int[] src = scratch(n);
        MemorySegment.copy(a, ValueLayout.JAVA_INT, 0, src, 0, n);
        final IntVector vq = IntVector.broadcast(S, m.q());
        for (int i = 0; i < n; i += L) {
            IntVector v = IntVector.fromArray(S, src, 0, index, i);
            IntVector neg = vq.sub(v);
            neg = neg.lanewise(UMIN, neg.sub(vq));
            IntVector mask = IntVector.fromArray(S, negate, i);
            v.lanewise(XOR, v.lanewise(XOR, neg).and(mask))
                    .intoMemorySegment(out, 4L * i, ORDER);
        }
    }

    // ---------------------------------------------------------------------------------------------- base conversion

    /** Coefficients that {@link #baseConvert} takes through all of its steps before it moves on. */
    static final int BC_CHUNK = 256;
    /**
     * Terms {@link #baseConvert} adds unreduced: a start below 2^62 (-u Q 2^32 with u &lt; 32, or r 2^32 with
     * r &lt; p), 8 products below 2^60 and the Montgomery term below 2^62 stay below 2^64, and the reduced sum below
     * 4p.
     */
    static final int MONT_TERMS = 8;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    /** Int vectors of as many lanes as {@link #DS}: half of {@link #S}. */
    private static final VectorSpecies<Integer> HALF =
            VectorSpecies.of(int.class, VectorShape.forBitSize(S.vectorBitSize() / 2));

    /**
     * Chunk by chunk of {@link #BC_CHUNK} coefficients: y_i = x_i * (Q/q_i)^-1 mod q_i for the chunk into a scratch
     * array (it stays in L1), the exact converter's corrections, then for each target p_j the 64-bit sums of
     * y_i * (Q/q_i 2^32 mod p_j), even and odd lanes apart, reduced by one Montgomery step every {@link #MONT_TERMS}
     * terms (which takes the 2^32 out again). Each inner loop reads or writes one contiguous run per limb; a block of
     * L coefficients at a time wrote to every target limb in turn (46 at the top of the chain), which measured slower.
     */
    @Override
    public void baseConvert(BaseConverter bc, MemorySegment[] in, MemorySegment[] out, int n, int start, int end) {
        if (n < MIN_N || start % L != 0 || end % L != 0) {
            SCALAR.baseConvert(bc, in, out, n, start, end);
            return;
        }
        final VectorMask<Integer> odd = VectorMask.fromLong(S, ODD_LANES);
        final int k = bc.from.length, targets = bc.to.length;
        final int[] y = scratch((k + 1) * BC_CHUNK);
        final int uAt = k * BC_CHUNK; // the chunk's corrections follow its y values
        for (int c0 = start; c0 < end; c0 += BC_CHUNK) {
            final int width = Math.min(BC_CHUNK, end - c0);
            for (int i = 0; i < k; i++) {
                final IntVector vq = IntVector.broadcast(S, bc.from[i].q());
                final IntVector vw = IntVector.broadcast(S, bc.qHatInv[i]);
                final LongVector vws = LongVector.broadcast(LS, bc.qHatInvShoup[i]).and(M32);
                final MemorySegment limb = in[i];
                for (int c = 0; c < width; c += L) {
                    IntVector x = IntVector.fromMemorySegment(S, limb, 4L * (c0 + c), ORDER);
                    LongVector x64 = x.reinterpretAsLongs();
                    IntVector qh = x64.and(M32).mul(vws).lanewise(LSHR, 32).reinterpretAsInts()
                            .blend(x64.lanewise(LSHR, 32).mul(vws).reinterpretAsInts(), odd);
                    IntVector r = x.mul(vw).sub(qh.mul(vq));
                    r.lanewise(UMIN, r.sub(vq)).intoArray(y, i * BC_CHUNK + c);
                }
            }
            corrections(bc, y, uAt, width);
            for (int j = 0; j < targets; j++) {
                final Modulus p = bc.to[j];
                final IntVector vp = IntVector.broadcast(S, p.q()), v2p = IntVector.broadcast(S, 2 * p.q());
                final LongVector lp = LongVector.broadcast(LS, p.q()).and(M32);
                final LongVector negInv = LongVector.broadcast(LS, p.montgomeryNegInv()).and(M32);
                final LongVector vc = LongVector.broadcast(LS, bc.negQModPMont[j]).and(M32); // -Q 2^32 (0 if fast)
                final MemorySegment limb = out[j];
                for (int c = 0; c < width; c += L) {
                    final LongVector u64 = IntVector.fromArray(S, y, uAt + c).reinterpretAsLongs();
                    IntVector r = IntVector.zero(S);
                    for (int i0 = 0; i0 < k; i0 += MONT_TERMS) {
                        // the first group starts from -u Q, a later one from the reduced sum r as r 2^32
                        LongVector r64 = r.reinterpretAsLongs();
                        LongVector accEven = i0 == 0 ? u64.and(M32).mul(vc) : r64.lanewise(LSHL, 32);
                        LongVector accOdd = i0 == 0 ? u64.lanewise(LSHR, 32).mul(vc) : r64.and(~M32);
                        for (int i = i0, i1 = Math.min(k, i0 + MONT_TERMS); i < i1; i++) {
                            LongVector yv = IntVector.fromArray(S, y, i * BC_CHUNK + c).reinterpretAsLongs();
                            LongVector cv = LongVector.broadcast(LS, bc.qHatModPMont[j * k + i]).and(M32);
                            accEven = accEven.add(yv.and(M32).mul(cv));
                            accOdd = accOdd.add(yv.lanewise(LSHR, 32).mul(cv));
                        }
                        LongVector te = accEven.and(M32).mul(negInv).and(M32);
                        LongVector to = accOdd.and(M32).mul(negInv).and(M32);
                        r = accEven.add(te.mul(lp)).lanewise(LSHR, 32).reinterpretAsInts()
                                .blend(accOdd.add(to.mul(lp)).reinterpretAsInts(), odd);
                        r = r.lanewise(UMIN, r.sub(v2p));
                        r = r.lanewise(UMIN, r.sub(vp));
                    }
                    r.intoMemorySegment(limb, 4L * (c0 + c), ORDER);
                }
            }
        }
    }

    /**
     * {@link BaseConverter#correction} of the chunk's coefficients [0, width) into y[uAt..]: the same double sums in
     * the same order, lane by lane (so the same results), half a vector of ints at a time.
     */
    private static void corrections(BaseConverter bc, int[] y, int uAt, int width) {
        if (!bc.exact) {
            Arrays.fill(y, uAt, uAt + width, 0);
            return;
        }
        final int k = bc.from.length, half = HALF.length();
        final double[] invQ = bc.invQ;
        for (int c = 0; c < width; c += half) {
            DoubleVector v = DoubleVector.broadcast(DS, 0.5);
            for (int i = 0; i < k; i++) {
                IntVector yi = IntVector.fromArray(HALF, y, i * BC_CHUNK + c);
                v = v.add(((DoubleVector) yi.convertShape(I2D, DS, 0)).mul(invQ[i]));
            }
            ((IntVector) v.convertShape(D2I, HALF, 0)).intoArray(y, uAt + c);
        }
    }
}
