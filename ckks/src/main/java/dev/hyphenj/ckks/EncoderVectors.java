package dev.hyphenj.ckks;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.D2L;
import static jdk.incubator.vector.VectorOperators.L2D;
import static jdk.incubator.vector.VectorOperators.L2I;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
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
    /** Doubles (and longs) per vector: 8 at 512 bits. */
    static final int LANES = D.length();

    private EncoderVectors() {}

    /**
     * The radix-2 stages of {@link Fft#butterflies} with half-lengths from firstHalf (a power of two at least
     * {@link #LANES}) below size, in place: for each butterfly (a, b = a + half) with twiddle w = cos + i sign sin,
     * x = re/im[b] times w, then b = a - x and a = a + x, on LANES consecutive k at once.
     */
    static void fftStages(double[] re, double[] im, double sign, double[] cos, double[] sin, int firstHalf, int size) {
        for (int half = firstHalf; half < size; half *= 2) {
            for (int start = 0; start < size; start += 2 * half) {
                for (int k = 0; k < half; k += LANES) {
                    DoubleVector wr = DoubleVector.fromArray(D, cos, half + k);
                    DoubleVector wi = DoubleVector.fromArray(D, sin, half + k).mul(sign);
                    int a = start + k, b = a + half;
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
     * {@link Encoder#round}: rounded[i] = Math.round(coefficients[i]), and whether any |coefficient| >= 2^62.
     * Math.round(x) = floor(x + 1/2) is formed from t = (long) x (towards zero) and the exact fraction f = x - t
     * (exact: below 2^52, x and t share their integer bits; from 2^52 on x is an integer and f = 0): t + 1 where
     * f >= 1/2, t - 1 where f < -1/2, else t. At 2^62 and beyond (where a saturated t makes f meaningless) t alone
     * is taken, which is Math.round's value there too. A NaN or infinite coefficient goes to the scalar loop, which
     * names it in its exception.
     */
    static boolean round(double[] coefficients, long[] rounded) {
        int m = coefficients.length, bound = D.loopBound(m);
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
            return Encoder.round(coefficients, rounded, 0); // throws
        }
        return Encoder.round(coefficients, rounded, bound) | huge.anyTrue();
    }

    /**
     * {@link Encoder#reduce} over [0, m): residues[i] = rounded[i] mod q, with the same quotient estimate
     * (long) (v * (1.0 / q)) and the same two corrections, the residues narrowed from long lanes to int lanes.
     */
    static void reduce(long[] rounded, int m, long q, int[] residues) {
        int bound = LONGS.loopBound(m);
        double inv = 1.0 / q;
        for (int i = 0; i < bound; i += LANES) {
            LongVector v = LongVector.fromArray(LONGS, rounded, i);
            LongVector quotient = (LongVector) ((DoubleVector) v.convert(L2D, 0)).mul(inv).convert(D2L, 0);
            LongVector r = v.sub(quotient.mul(q)); // in [-q, 2q)
            r = r.add(r.lanewise(ASHR, 63).and(q));
            r = r.sub(q);
            r = r.add(r.lanewise(ASHR, 63).and(q));
            ((IntVector) r.convertShape(L2I, INTS, 0)).intoArray(residues, i);
        }
        Encoder.reduce(rounded, bound, m, q, residues);
    }
}
