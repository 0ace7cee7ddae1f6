package dev.hyphenj.ckks;

import dev.hyphenj.ntt.Kernels;
import dev.hyphenj.ntt.ModArith;
import dev.hyphenj.ntt.RnsBasis;
import dev.hyphenj.ntt.RnsPoly;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The encoder's scalar path as it was before the vector kernels, kept word for word as a reference: scatter the slots
 * by slotToIndex, the scalar inverse FFT with its bit-reversal swap and its separate 1/size pass, the untwist, and
 * the scalar rounding and reduction, one limb at a time. {@link Encoder#encodeOver} must give the same residues.
 */
final class ReferenceEncoder {
    private ReferenceEncoder() {}

    /** The coefficients of X^(k N / 2p) before rounding, for the period p of re + i im (or all slots if shorter). */
    static double[] coefficients(double[] re, double[] im, double scale, int logSlots) {
        int slots = 1 << logSlots;
        int period = re.length == slots ? Encoder.period(re, im) : slots;
        Fft fft = new Fft(Integer.numberOfTrailingZeros(period));
        double[] ur = new double[period], ui = new double[period];
        for (int j = 0; j < Math.min(re.length, period); j++) {
            ur[fft.slotToIndex[j]] = re[j];
            ui[fft.slotToIndex[j]] = im[j];
        }
        fft.inverseReference(ur, ui);
        double[] coefficients = new double[2 * period]; // of X^(k N / 2p)
        for (int k = 0; k < period; k++) { // untwist by w^-k, scale
            double c = fft.twistRe[k], s = -fft.twistIm[k];
            coefficients[k] = (ur[k] * c - ui[k] * s) * scale;
            coefficients[k + period] = (ur[k] * s + ui[k] * c) * scale;
        }
        return coefficients;
    }

    static RnsPoly encode(double[] re, double[] im, RnsBasis basis, double scale, int logSlots) {
        return toNttPoly(coefficients(re, im, scale, logSlots), basis);
    }

    /** The original Encoder.toNttPoly, one limb after the other. */
    static RnsPoly toNttPoly(double[] coefficients, RnsBasis basis) {
        int n = basis.n(), m = coefficients.length;
        long[] rounded = new long[m];
        boolean anyHuge = false;
        for (int i = 0; i < m; i++) {
            double x = coefficients[i];
            if (Double.isNaN(x) || Double.isInfinite(x)) {
                throw new IllegalArgumentException("cannot encode " + x + " (coefficient " + i + ")");
            }
            anyHuge |= Math.abs(x) >= 0x1p62;
            rounded[i] = Math.round(x);
        }
        int gap = n / m, logGap = Integer.numberOfTrailingZeros(gap);
        RnsPoly p = RnsPoly.allocate(basis);
        for (int l = 0; l < basis.size(); l++) {
            int[] residues = new int[m];
            long q = basis.prime(l);
            double inv = 1.0 / q;
            for (int i = 0; i < m; i++) {
                long v = rounded[i];
                long r = v - (long) (v * inv) * q; // in [-q, 2q)
                r += (r >> 63) & q;
                r -= q;
                r += (r >> 63) & q;
                residues[i] = (int) r;
            }
            if (anyHuge) {
                for (int i = 0; i < m; i++) {
                    if (Math.abs(coefficients[i]) >= 0x1p62) {
                        residues[i] = (int) residue(coefficients[i], q);
                    }
                }
            }
            MemorySegment limb = p.limb(l);
            MemorySegment small = limb.asSlice(0, (long) m * Integer.BYTES);
            MemorySegment.copy(residues, 0, small, ValueLayout.JAVA_INT, 0, m);
            Kernels.scalar().forwardNtt(small, basis.tables(l).subring(m));
            if (gap > 1) {
                MemorySegment.copy(small, ValueLayout.JAVA_INT, 0, residues, 0, m);
                int[] full = new int[n];
                for (int i = 0; i < n; i++) {
                    full[i] = residues[i >> logGap];
                }
                MemorySegment.copy(full, 0, limb, ValueLayout.JAVA_INT, 0, n);
            }
        }
        return p;
    }

    private static long residue(double x, long q) {
        if (Math.abs(x) < 0x1p62) {
            return Math.floorMod(Math.round(x), q);
        }
        int e = Math.getExponent(x) - 52;
        long m = (long) Math.scalb(x, -e);
        return Math.floorMod(m, q) * ModArith.powMod(2, e, q) % q;
    }
}
