package dev.hyphenj.ckks;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.D2L;
import static jdk.incubator.vector.VectorOperators.L2D;
import static jdk.incubator.vector.VectorOperators.L2I;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels of the encoder, each the lane-wise copy of a scalar loop in {@link Fft} or {@link Encoder}
 * with the same floating-point operations in the same order (no FMA, same association), so that both give
 * bit-identical results (EncoderVectorsTest checks that). Loaded only when {@link Fft#VECTOR} holds, so that the
 * scalar path runs without the Vector API module.
 *
 * <p>Vectors are passed to no helper method: C2 may box vectors that cross a call it does not inline.
 */
final class EncoderVectors {
    static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    /** Ints in half the width, so that a long vector narrows to one of them lane for lane. */
    static final VectorSpecies<Integer> INTS =
            VectorSpecies.of(int.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    /** Ints in the full width, for {@link #reduceSmall}. */
    private static final VectorSpecies<Integer> FULL_INTS = IntVector.SPECIES_PREFERRED;
    static final int INT_LANES = FULL_INTS.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Doubles (and longs) per vector: 8 at 512 bits. */
    static final int LANES = D.length();

    // The in-register stages of firstStages: lane i's partner in the stage of half-length h is lane i ^ h, and it
    // is the upper (b) side of its butterfly when i & h != 0.
    private static final VectorShuffle<Double> PARTNER_1 = VectorShuffle.fromOp(D, i -> i ^ 1);
    private static final VectorShuffle<Double> PARTNER_2 = VectorShuffle.fromOp(D, i -> i ^ 2);
    private static final VectorShuffle<Double> PARTNER_4 = VectorShuffle.fromOp(D, i -> LANES == 8 ? i ^ 4 : i);
    private static final VectorMask<Double> UPPER_1 = lanes(i -> (i & 1) != 0);
    private static final VectorMask<Double> UPPER_2 = lanes(i -> (i & 2) != 0);
    private static final VectorMask<Double> UPPER_4 = lanes(i -> (i & 4) != 0);
    /** The lanes 3 mod 4, whose values the second stage multiplies by +-i. */
    private static final VectorMask<Double> LAST_OF_4 = lanes(i -> (i & 3) == 3);
    /** Whether {@link #firstStages} applies: the stages within one vector are those of half-length 1, 2 (and 4). */
    static final boolean IN_REGISTER = LANES == 4 || LANES == 8;

    private static VectorMask<Double> lanes(java.util.function.IntPredicate p) {
        boolean[] bits = new boolean[LANES];
        for (int i = 0; i < LANES; i++) {
            bits[i] = p.test(i);
        }
        return VectorMask.fromArray(D, bits, 0);
    }

    private EncoderVectors() {}

    /**
     * The stages of {@link Fft#butterflies} with half-lengths 1, 2, .., LANES/2 (LANES 4 or 8, see
     * {@link #IN_REGISTER}; size a multiple of LANES), in place: each block of LANES values is one vector, and each
     * stage pairs lane i with lane i ^ h by a rearrangement. The first two stages are {@link Fft}'s special ones (no
     * products: sums and differences, then the factor +-i as -sign m + i sign r); the stage h = 4 multiplies by its
     * twiddles like {@link #fftStages}. The upper lane of each pair gets a - x and the lower one a + x, as in the
     * scalar code.
     */
    static void firstStages(double[] re, double[] im, double sign, double[] cos, double[] sin, int size) {
        // the h = 4 twiddles lane by lane (lanes 4 + k of a vector of 8), as the scalar stage reads them
        double[] w = new double[2 * LANES];
        for (int i = 4; i < LANES; i++) {
            w[i] = cos[i];
            w[LANES + i] = sign * sin[i];
        }
        DoubleVector wr = DoubleVector.fromArray(D, w, 0), wi = DoubleVector.fromArray(D, w, LANES);
        double minusSign = -sign;
        for (int a = 0; a < size; a += LANES) {
            DoubleVector r = DoubleVector.fromArray(D, re, a), m = DoubleVector.fromArray(D, im, a);
            // h = 1: (x0 + x1, x0 - x1) on each pair
            DoubleVector rp = r.rearrange(PARTNER_1), mp = m.rearrange(PARTNER_1);
            r = r.add(rp).blend(rp.sub(r), UPPER_1);
            m = m.add(mp).blend(mp.sub(m), UPPER_1);
            // h = 2: x = the upper value, lane 3 of each four times sign i: (-sign m3) + i (sign r3)
            DoubleVector xr = r.blend(m.mul(minusSign), LAST_OF_4), xi = m.blend(r.mul(sign), LAST_OF_4);
            rp = r.rearrange(PARTNER_2);
            mp = m.rearrange(PARTNER_2);
            r = r.add(xr.rearrange(PARTNER_2)).blend(rp.sub(xr), UPPER_2);
            m = m.add(xi.rearrange(PARTNER_2)).blend(mp.sub(xi), UPPER_2);
            if (LANES == 8) { // h = 4: x = the upper value times its twiddle
                xr = r.mul(wr).sub(m.mul(wi));
                xi = r.mul(wi).add(m.mul(wr));
                rp = r.rearrange(PARTNER_4);
                mp = m.rearrange(PARTNER_4);
                r = r.add(xr.rearrange(PARTNER_4)).blend(rp.sub(xr), UPPER_4);
                m = m.add(xi.rearrange(PARTNER_4)).blend(mp.sub(xi), UPPER_4);
            }
            r.intoArray(re, a);
            m.intoArray(im, a);
        }
    }

    /**
     * The radix-2 stages of {@link Fft#butterflies} with half-lengths from firstHalf (a power of two at least
     * {@link #LANES}) below size, in place: for each butterfly (a, b = a + half) with twiddle w = cos + i sign sin,
     * x = re/im[b] times w, then b = a - x and a = a + x, on LANES consecutive k at once.
     *
     * <p>Stages go two at a time, to halve the passes over the arrays: the four values at start + k + {0, h, 2h, 3h}
     * take the stage of half-length h (pairs (0, h) and (2h, 3h), twiddle k) and then that of 2h (pairs (0, 2h) with
     * twiddle k and (h, 3h) with twiddle h + k) in registers. Each butterfly is still the one radix-2 butterfly, so
     * the results are those of one stage after the other. An odd stage left over runs alone.
     */
    static void fftStages(double[] re, double[] im, double sign, double[] cos, double[] sin, int firstHalf, int size) {
        int h = firstHalf;
        for (; 2 * h < size; h *= 4) {
            for (int start = 0; start < size; start += 4 * h) {
                for (int k = 0; k < h; k += LANES) {
                    int i0 = start + k, i1 = i0 + h, i2 = i1 + h, i3 = i2 + h;
                    DoubleVector r0 = DoubleVector.fromArray(D, re, i0), m0 = DoubleVector.fromArray(D, im, i0);
                    DoubleVector r1 = DoubleVector.fromArray(D, re, i1), m1 = DoubleVector.fromArray(D, im, i1);
                    DoubleVector r2 = DoubleVector.fromArray(D, re, i2), m2 = DoubleVector.fromArray(D, im, i2);
                    DoubleVector r3 = DoubleVector.fromArray(D, re, i3), m3 = DoubleVector.fromArray(D, im, i3);
                    // stage h: (0, 1) and (2, 3), twiddle w_h^k
                    DoubleVector wr = DoubleVector.fromArray(D, cos, h + k);
                    DoubleVector wi = DoubleVector.fromArray(D, sin, h + k).mul(sign);
                    DoubleVector xr = r1.mul(wr).sub(m1.mul(wi)), xi = r1.mul(wi).add(m1.mul(wr));
                    r1 = r0.sub(xr);
                    m1 = m0.sub(xi);
                    r0 = r0.add(xr);
                    m0 = m0.add(xi);
                    xr = r3.mul(wr).sub(m3.mul(wi));
                    xi = r3.mul(wi).add(m3.mul(wr));
                    r3 = r2.sub(xr);
                    m3 = m2.sub(xi);
                    r2 = r2.add(xr);
                    m2 = m2.add(xi);
                    // stage 2h: (0, 2) with twiddle w_2h^k, (1, 3) with w_2h^(h + k)
                    wr = DoubleVector.fromArray(D, cos, 2 * h + k);
                    wi = DoubleVector.fromArray(D, sin, 2 * h + k).mul(sign);
                    xr = r2.mul(wr).sub(m2.mul(wi));
                    xi = r2.mul(wi).add(m2.mul(wr));
                    r0.sub(xr).intoArray(re, i2);
                    m0.sub(xi).intoArray(im, i2);
                    r0.add(xr).intoArray(re, i0);
                    m0.add(xi).intoArray(im, i0);
                    wr = DoubleVector.fromArray(D, cos, 3 * h + k);
                    wi = DoubleVector.fromArray(D, sin, 3 * h + k).mul(sign);
                    xr = r3.mul(wr).sub(m3.mul(wi));
                    xi = r3.mul(wi).add(m3.mul(wr));
                    r1.sub(xr).intoArray(re, i3);
                    m1.sub(xi).intoArray(im, i3);
                    r1.add(xr).intoArray(re, i1);
                    m1.add(xi).intoArray(im, i1);
                }
            }
        }
        if (h < size) { // the last stage alone: h = size / 2
            for (int k = 0; k < h; k += LANES) {
                DoubleVector wr = DoubleVector.fromArray(D, cos, h + k);
                DoubleVector wi = DoubleVector.fromArray(D, sin, h + k).mul(sign);
                int a = k, b = a + h;
                DoubleVector ra = DoubleVector.fromArray(D, re, a), ia = DoubleVector.fromArray(D, im, a);
                DoubleVector rb = DoubleVector.fromArray(D, re, b), ib = DoubleVector.fromArray(D, im, b);
                DoubleVector xr = rb.mul(wr).sub(ib.mul(wi)), xi = rb.mul(wi).add(ib.mul(wr));
                ra.sub(xr).intoArray(re, b);
                ia.sub(xi).intoArray(im, b);
                ra.add(xr).intoArray(re, a);
                ia.add(xi).intoArray(im, a);
            }
        }
    }

    /** {@link Encoder#untwist} from 0, LANES values of k at once; the remainder (below LANES) in scalar code. */
    static void untwist(Fft fft, double[] ur, double[] ui, double scale, double[] coefficients) {
        int size = fft.size, bound = D.loopBound(size);
        double inv = 1.0 / size;
        for (int k = 0; k < bound; k += LANES) {
            DoubleVector a = DoubleVector.fromArray(D, ur, k).mul(inv), b = DoubleVector.fromArray(D, ui, k).mul(inv);
            DoubleVector c = DoubleVector.fromArray(D, fft.twistRe, k), s = DoubleVector.fromArray(D, fft.untwistIm, k);
            a.mul(c).sub(b.mul(s)).mul(scale).intoArray(coefficients, k);
            a.mul(s).add(b.mul(c)).mul(scale).intoArray(coefficients, k + size);
        }
        Encoder.untwist(fft, ur, ui, scale, coefficients, bound);
    }

    /**
     * {@link Encoder#round} over [0, m): rounded[i] = Math.round(coefficients[i]), and whether any |coefficient| is
     * at least 2^62.
     * Math.round(x) = floor(x + 1/2) is formed from t = (long) x (towards zero) and the exact fraction f = x - t
     * (exact: below 2^52, x and t share their integer bits; from 2^52 on x is an integer and f = 0): t + 1 where
     * f >= 1/2, t - 1 where f < -1/2, else t. At 2^62 and beyond (where a saturated t makes f meaningless) t alone
     * is taken, which is Math.round's value there too. A NaN or infinite coefficient goes to the scalar loop, which
     * names it in its exception.
     */
    static boolean round(double[] coefficients, int m, long[] rounded) {
        int bound = D.loopBound(m);
        VectorMask<Double> finite = D.maskAll(true), huge = D.maskAll(false);
        for (int i = 0; i < bound; i += LANES) {
            DoubleVector x = DoubleVector.fromArray(D, coefficients, i), a = x.abs();
            VectorMask<Double> big = a.compare(VectorOperators.GE, 0x1p62);
            finite = finite.and(a.compare(VectorOperators.LT, Double.POSITIVE_INFINITY)); // false for NaN
            huge = huge.or(big);
            LongVector t = (LongVector) x.convert(D2L, 0);
            DoubleVector f = x.sub((DoubleVector) t.convert(L2D, 0));
            VectorMask<Long> up = f.compare(VectorOperators.GE, 0.5).andNot(big).cast(LONGS);
            VectorMask<Long> down = f.compare(VectorOperators.LT, -0.5).andNot(big).cast(LONGS);
            t.add(1L, up).sub(1L, down).intoArray(rounded, i);
        }
        if (!finite.allTrue()) {
            return Encoder.round(coefficients, rounded, 0, m); // throws
        }
        return Encoder.round(coefficients, rounded, bound, m) | huge.anyTrue();
    }

    /**
     * {@link Encoder#reduce} over [0, m), m a multiple of {@link #LANES}, written as ints into the segment: the same
     * quotient estimate (long) (v * (1.0 / q)) and the same two corrections, narrowed from long lanes to int lanes.
     */
    static void reduce(long[] rounded, int m, long q, MemorySegment residues) {
        double inv = 1.0 / q;
        for (int i = 0; i < m; i += LANES) {
            LongVector v = LongVector.fromArray(LONGS, rounded, i);
            LongVector quotient = (LongVector) ((DoubleVector) v.convert(L2D, 0)).mul(inv).convert(D2L, 0);
            LongVector r = v.sub(quotient.mul(q)); // in [-q, 2q)
            r = r.add(r.lanewise(ASHR, 63).and(q));
            r = r.sub(q);
            r = r.add(r.lanewise(ASHR, 63).and(q));
            ((IntVector) r.convertShape(L2I, INTS, 0)).intoMemorySegment(residues, (long) i * Integer.BYTES, ORDER);
        }
    }

    /**
     * {@link Encoder#reduceSmall} over [0, m), m a multiple of {@link #INT_LANES}, written into the segment: v, plus q
     * where v is negative, for values below q in magnitude.
     */
    static void reduceSmall(int[] values, int m, int q, MemorySegment residues) {
        for (int i = 0; i < m; i += INT_LANES) {
            IntVector v = IntVector.fromArray(FULL_INTS, values, i);
            v.add(v.lanewise(ASHR, 31).and(q)).intoMemorySegment(residues, (long) i * Integer.BYTES, ORDER);
        }
    }
}
