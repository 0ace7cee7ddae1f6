package dev.hyphenj.ntt;

import static dev.hyphenj.ntt.ModArith.csub;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The reference kernels: plain Java over {@code int[]}, running the same algorithms as {@link VectorKernels}
 * (Harvey lazy butterflies with Shoup companions, branch-free conditional subtractions, Barrett products, the same
 * lazy accumulation in base conversion), so that a vector/scalar ratio measures vectorization alone.
 *
 * <p>The static array methods are the reference proper. The {@link Kernels} methods on segments copy limbs into
 * per-thread scratch arrays and back (scalar loops on segments are about 45% slower than on arrays).
 */
public final class ScalarKernels implements Kernels {
    private static final long M32 = 0xFFFF_FFFFL;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    /** Per-thread scratch arrays for the segment adapters. */
    private static final ThreadLocal<int[][]> SCRATCH = ThreadLocal.withInitial(() -> new int[4][0]);

    ScalarKernels() {}

    @Override
    public String name() {
        return "scalar";
    }

    // ---------------------------------------------------------------- the reference algorithms on arrays

    /** In-place forward NTT on a[0..n): input in [0, 4q), output in [0, q), bit-reversed order. */
    public static void forwardNtt(int[] a, NttTables tb) {
        final int n = tb.n, q = tb.q, twoQ = 2 * q;
        final int[] w = tb.psiRev, ws = tb.psiRevShoup;
        for (int m = 1, t = n >> 1; t >= 1; m <<= 1, t >>= 1) {
            for (int i = 0; i < m; i++) {
                final int j1 = 2 * i * t, wi = w[m + i], wsi = ws[m + i];
                for (int j = j1; j < j1 + t; j++) {
                    int x = csub(a[j], twoQ);
                    int tt = ModArith.mulShoupLazy(a[j + t], wi, wsi, q);
                    a[j] = x + tt;
                    a[j + t] = x - tt + twoQ;
                }
            }
        }
        for (int j = 0; j < n; j++) {
            a[j] = csub(csub(a[j], twoQ), q);
        }
    }

    /** In-place inverse NTT on a[0..n), N^-1 included: input in [0, 2q), output in [0, q). */
    public static void inverseNtt(int[] a, NttTables tb) {
        final int n = tb.n, q = tb.q, twoQ = 2 * q;
        final int[] w = tb.psiInvRev, ws = tb.psiInvRevShoup;
        for (int h = n >> 1, t = 1; h > 1; h >>= 1, t <<= 1) {
            for (int i = 0; i < h; i++) {
                final int j1 = 2 * i * t, wi = w[h + i], wsi = ws[h + i];
                for (int j = j1; j < j1 + t; j++) {
                    int x = a[j], y = a[j + t];
                    a[j] = csub(x + y, twoQ);
                    a[j + t] = ModArith.mulShoupLazy(x - y + twoQ, wi, wsi, q);
                }
            }
        }
        final int t = n >> 1;
        for (int j = 0; j < t; j++) {
            int x = a[j], y = a[j + t];
            a[j] = csub(ModArith.mulShoupLazy(x + y, tb.nInv, tb.nInvShoup, q), q);
            a[j + t] = csub(ModArith.mulShoupLazy(x - y + twoQ, tb.nInvPsiInv, tb.nInvPsiInvShoup, q), q);
        }
    }

    /** acc[i] = acc[i] + a[i] * w[i] mod q with Shoup companions ws. */
    public static void mulAddShoup(int[] a, int[] w, int[] ws, int[] acc, Modulus m) {
        final int q = m.q();
        for (int i = 0; i < acc.length; i++) {
            int r = acc[i] + ModArith.mulShoupLazy(a[i], w[i], ws[i], q);
            acc[i] = csub(csub(r, q), q);
        }
    }

    /** out[i] = a[index[i]]. */
    public static void permute(int[] a, int[] index, int[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = a[index[i]];
        }
    }

    /**
     * Fast base conversion on arrays: in holds k limbs of n residues, out the target limbs.
     * y_i = x_i * (Q/q_i)^-1 mod q_i, then out_j = sum_i y_i * (Q/q_i) mod p_j, the sum accumulated exactly in 64
     * bits (16 products below 2^60 plus the previous remainder between reductions) and reduced by splitting into 32-bit halves.
     */
    public static void baseConvert(BaseConverter bc, int[] in, int[] out, int n) {
        baseConvert(bc, in, out, n, 0, n);
    }

    /** {@link #baseConvert(BaseConverter, int[], int[], int)} of the coefficients start..end-1 only. */
    static void baseConvert(BaseConverter bc, int[] in, int[] out, int n, int start, int end) {
        final int k = bc.from.length;
        final int[] y = new int[k];
        for (int c = start; c < end; c++) {
            for (int i = 0; i < k; i++) {
                int q = bc.from[i].q();
                y[i] = csub(ModArith.mulShoupLazy(in[i * n + c], bc.qHatInv[i], bc.qHatInvShoup[i], q), q);
            }
            int u = bc.correction(y, 0, 1);
            for (int j = 0; j < bc.to.length; j++) {
                Modulus p = bc.to[j];
                int r = ModArith.mulShoup(u, bc.negQModP[j], bc.negQModPShoup[j], p.q()); // -u Q (0 if fast)
                for (int i0 = 0; i0 < k; i0 += BaseConverter.LAZY_TERMS) {
                    long acc = r & M32;
                    for (int i = i0; i < Math.min(k, i0 + BaseConverter.LAZY_TERMS); i++) {
                        acc += (y[i] & M32) * bc.qHatModP[j * k + i];
                    }
                    r = reduce64(acc, p);
                }
                out[j * n + c] = r;
            }
        }
    }

    /** x mod p for any unsigned 64-bit x: hi * (2^32 mod p) + lo, each Shoup-reduced to [0, 2p), then [0, p). */
    static int reduce64(long x, Modulus p) {
        int q = p.q();
        int hi = ModArith.mulShoupLazy((int) (x >>> 32), p.twoTo32(), p.twoTo32Shoup(), q);
        int lo = ModArith.mulShoupLazy((int) x, 1, p.oneShoup(), q);
        return csub(csub(hi + lo, 2 * q), q);
    }

    // ---------------------------------------------------------------- Kernels on segments (copy in, compute, copy out)

    @Override
    public void forwardNtt(MemorySegment a, NttTables t) {
        int[] x = load(a, 0);
        forwardNtt(x, t);
        store(x, a);
    }

    @Override
    public void inverseNtt(MemorySegment a, NttTables t) {
        int[] x = load(a, 0);
        inverseNtt(x, t);
        store(x, a);
    }

    @Override
    public void add(MemorySegment a, MemorySegment b, MemorySegment out, Modulus m) {
        int[] x = load(a, 0), y = load(b, 1);
        final int q = m.q();
        for (int i = 0; i < x.length; i++) {
            x[i] = csub(x[i] + y[i], q);
        }
        store(x, out);
    }

    @Override
    public void sub(MemorySegment a, MemorySegment b, MemorySegment out, Modulus m) {
        int[] x = load(a, 0), y = load(b, 1);
        final int q = m.q();
        for (int i = 0; i < x.length; i++) {
            x[i] = csub(x[i] - y[i] + q, q);
        }
        store(x, out);
    }

    @Override
    public void negate(MemorySegment a, MemorySegment out, Modulus m) {
        int[] x = load(a, 0);
        final int q = m.q();
        for (int i = 0; i < x.length; i++) {
            x[i] = csub(q - x[i], q);
        }
        store(x, out);
    }

    @Override
    public void mul(MemorySegment a, MemorySegment b, MemorySegment out, Modulus m) {
        int[] x = load(a, 0), y = load(b, 1);
        for (int i = 0; i < x.length; i++) {
            x[i] = ModArith.mulBarrett(x[i], y[i], m.q(), m.barrettMu(), m.bits());
        }
        store(x, out);
    }

    @Override
    public void mulAdd(MemorySegment a, MemorySegment b, MemorySegment acc, Modulus m) {
        int[] x = load(a, 0), y = load(b, 1), z = load(acc, 2);
        final int q = m.q();
        for (int i = 0; i < x.length; i++) {
            z[i] = csub(z[i] + ModArith.mulBarrett(x[i], y[i], q, m.barrettMu(), m.bits()), q);
        }
        store(z, acc);
    }

    @Override
    public void mulShoup(MemorySegment a, MemorySegment w, MemorySegment ws, MemorySegment out, Modulus m) {
        int[] x = load(a, 0), y = load(w, 1), z = load(ws, 2);
        final int q = m.q();
        for (int i = 0; i < x.length; i++) {
            x[i] = ModArith.mulShoup(x[i], y[i], z[i], q);
        }
        store(x, out);
    }

    @Override
    public void mulAddShoup(MemorySegment a, MemorySegment w, MemorySegment ws, MemorySegment acc, Modulus m) {
        int[] x = load(a, 0), y = load(w, 1), z = load(ws, 2);
        int[] r = load(acc, 3);
        mulAddShoup(x, y, z, r, m);
        store(r, acc);
    }

    @Override
    public void innerProduct(MemorySegment[] x, MemorySegment[] w, MemorySegment[] v, MemorySegment acc0,
            MemorySegment acc1, Modulus m) {
        int n = length(acc0);
        int[] s0 = new int[n], s1 = new int[n];
        innerProduct(arrays(x), arrays(w), arrays(v), s0, s1, m);
        store(s0, acc0);
        store(s1, acc1);
    }

    /** The reference inner product on arrays: Montgomery products in [0, 2q), sums kept in [0, 2q), then [0, q). */
    public static void innerProduct(int[][] x, int[][] w, int[][] v, int[] acc0, int[] acc1, Modulus m) {
        final int q = m.q(), twoQ = 2 * q, negInv = m.montgomeryNegInv();
        for (int c = 0; c < acc0.length; c++) {
            int s0 = 0, s1 = 0;
            for (int j = 0; j < x.length; j++) {
                s0 = csub(s0 + montgomeryLazy(x[j][c], w[j][c], q, negInv), twoQ);
                s1 = csub(s1 + montgomeryLazy(x[j][c], v[j][c], q, negInv), twoQ);
            }
            acc0[c] = csub(s0, q);
            acc1[c] = csub(s1, q);
        }
    }

    /** a b 2^-32 mod q in [0, 2q) for a, b in [0, q). */
    static int montgomeryLazy(int a, int b, int q, int negInv) {
        long p = (a & M32) * (b & M32);
        long t = ((int) p * negInv) & M32;
        return (int) ((p + t * q) >>> 32);
    }

    private static int[][] arrays(MemorySegment[] segments) {
        int[][] r = new int[segments.length][];
        for (int j = 0; j < r.length; j++) {
            r[j] = new int[length(segments[j])]; // a bulk copy: no heap segment (RnsPoly.limbToArray)
            MemorySegment.copy(segments[j], INT, 0, r[j], 0, r[j].length);
        }
        return r;
    }

    @Override
    public void switchModulus(MemorySegment a, Modulus from, MemorySegment out, Modulus to) {
        int[] x = load(a, 0);
        switchModulus(x, from, to);
        store(x, out);
    }

    /** In place: x = centered(x mod p) mod q, adding q ceil(p/q) - p to the upper half so that the sum stays >= 0. */
    public static void switchModulus(int[] x, Modulus from, Modulus to) {
        final int p = from.q(), q = to.q(), half = (p - 1) >>> 1, offset = switchOffset(p, q);
        for (int i = 0; i < x.length; i++) {
            int v = x[i] + (x[i] > half ? offset : 0);
            x[i] = ModArith.mulShoup(v, 1, to.oneShoup(), q);
        }
    }

    /** q * ceil(p / q) - p: added to x - p's representative to make it non-negative, and 0 modulo q minus p. */
    static int switchOffset(int p, int q) {
        return (int) ((long) q * ((p + (long) q - 1) / q) - p);
    }

    @Override
    public void pairDigits(MemorySegment a, Modulus qa, MemorySegment b, Modulus qb) {
        int[] x = load(a, 0), y = load(b, 1);
        pairDigits(x, qa, y, qb);
        store(x, a);
        store(y, b);
    }

    /**
     * In place: a = d0 = (a + H) mod qa, b = d1 = (b + H - d0) qa^-1 mod qb, the digits of v = r + H = d0 + qa d1 for
     * the centered remainder r of the pair modulo P = qa qb and H = (P - 1) / 2 (see {@link Kernels#pairDigits}).
     * b + H - d0 is taken as b + (H mod qb) + c - d0 with c = qb ceil(qa / qb) >= d0: below 3 qb + qa < 2^32.
     */
    public static void pairDigits(int[] a, Modulus qa, int[] b, Modulus qb) {
        final int pa = qa.q(), pb = qb.q();
        final int ha = pairHalf(qa, qb, pa), hb = pairHalf(qa, qb, pb), c = pairOffset(pa, pb);
        final int inv = (int) ModArith.invMod(pa, pb), invShoup = ModArith.shoup(inv, pb);
        for (int i = 0; i < a.length; i++) {
            int d0 = csub(a[i] + ha, pa);
            a[i] = d0;
            b[i] = ModArith.mulShoup(b[i] + hb + c - d0, inv, invShoup, pb);
        }
    }

    @Override
    public void switchModulusPair(MemorySegment d0, MemorySegment d1, Modulus qa, Modulus qb, MemorySegment out,
            Modulus to) {
        int[] x = load(d0, 0), y = load(d1, 1), r = scratch(2, x.length);
        switchModulusPair(x, y, qa, qb, r, to);
        store(r, out);
    }

    /**
     * out = (d0 + qa d1 - H) mod q: qa d1 by a Shoup product in [0, 2q), -H as + (q - H mod q) in (0, q], so the sum
     * stays below qa + 3q < 2^32 and one Shoup reduction by 1 brings it to [0, 2q), then [0, q).
     */
    public static void switchModulusPair(int[] d0, int[] d1, Modulus qa, Modulus qb, int[] out, Modulus to) {
        final int q = to.q(), w = (int) (qa.q() % q), ws = ModArith.shoup(w, q), k = q - pairHalf(qa, qb, q);
        for (int i = 0; i < out.length; i++) {
            int s = d0[i] + ModArith.mulShoupLazy(d1[i], w, ws, q) + k;
            out[i] = ModArith.mulShoup(s, 1, to.oneShoup(), q);
        }
    }

    /** H mod q for H = (qa qb - 1) / 2, the offset that makes the centered remainder modulo qa qb non-negative. */
    static int pairHalf(Modulus qa, Modulus qb, int q) {
        return (int) ((((long) qa.q() * qb.q() - 1) >>> 1) % q);
    }

    /** qb ceil(qa / qb): a multiple of qb at least qa (and below qa + qb < 2^31). */
    static int pairOffset(int qa, int qb) {
        return (int) (qb * ((qa + (long) qb - 1) / qb));
    }

    @Override
    public void mulScalar(MemorySegment a, int c, MemorySegment out, Modulus m) {
        int[] x = load(a, 0);
        final int q = m.q(), cs = ModArith.shoup(c, q);
        for (int i = 0; i < x.length; i++) {
            x[i] = ModArith.mulShoup(x[i], c, cs, q);
        }
        store(x, out);
    }

    @Override
    public void addScalar(MemorySegment a, int c, MemorySegment out, Modulus m) {
        int[] x = load(a, 0);
        final int q = m.q();
        for (int i = 0; i < x.length; i++) {
            x[i] = csub(x[i] + c, q);
        }
        store(x, out);
    }

    @Override
    public void automorphismNtt(MemorySegment a, int k, MemorySegment out) {
        int[] index = Automorphism.cachedNttIndex(length(out), k);
        int[] x = load(a, 0), r = scratch(1, index.length);
        permute(x, index, r);
        store(r, out);
    }

    @Override
    public void permuteNegate(MemorySegment a, int[] index, int[] negate, MemorySegment out, Modulus m) {
        int[] x = load(a, 0), r = scratch(1, index.length);
        final int q = m.q();
        for (int i = 0; i < r.length; i++) {
            int v = x[index[i]];
            int neg = csub(q - v, q);
            r[i] = v ^ ((v ^ neg) & negate[i]);
        }
        store(r, out);
    }

    @Override
    public void baseConvert(BaseConverter bc, MemorySegment[] in, MemorySegment[] out, int n, int start, int end) {
        int[] x = new int[in.length * n], r = new int[out.length * n];
        for (int i = 0; i < in.length; i++) {
            MemorySegment.copy(in[i], INT, 0, x, i * n, n);
        }
        baseConvert(bc, x, r, n, start, end);
        for (int j = 0; j < out.length; j++) {
            MemorySegment.copy(r, j * n + start, out[j], INT, 4L * start, end - start);
        }
    }

    /** The limb a copied into per-thread scratch array number {@code slot} (whose length is exactly the limb's). */
    private static int[] load(MemorySegment a, int slot) {
        int[] x = scratch(slot, length(a));
        MemorySegment.copy(a, INT, 0, x, 0, x.length);
        return x;
    }

    private static int length(MemorySegment a) {
        return (int) (a.byteSize() / Integer.BYTES);
    }

    private static int[] scratch(int slot, int n) {
        int[][] s = SCRATCH.get();
        if (s[slot].length != n) {
            s[slot] = new int[n];
        }
        return s[slot];
    }

    private static void store(int[] x, MemorySegment out) {
        MemorySegment.copy(x, 0, out, INT, 0, x.length);
    }
}
