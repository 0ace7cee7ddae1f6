package dev.hyphenj.ckks;

import dev.hyphenj.ntt.Kernels;

/**
 * A radix-2 complex FFT of one size with the twist factors and slot permutation of the embedding. The
 * butterflies of a stage read their twiddles from one contiguous run of a table (entry half + k holds
 * w^(k size / 2 half)), and the bit reversal is a precomputed permutation.
 *
 * <p>Two ways to run it compute bit-identical results. {@link #forwardReference} and {@link #inverseReference} are
 * the plain scalar transform (swap into bit-reversed order, then every stage in scalar code): the reference that the
 * tests hold the fast path to. {@link #forward} and {@link #butterflies} run the same floating-point operations in
 * the same order, but the stages whose half-length is at least the vector length go through
 * {@link EncoderVectors} when the Vector API is in use (as {@link Kernels#get()} chooses). {@link #inputPosition}
 * lets the encoder place its slots straight into bit-reversed order, with no separate swap pass.
 */
final class Fft {
    /** Whether the vector kernels run: the Vector API is present and the NTT kernels chosen are the vector ones. */
    static final boolean VECTOR = Kernels.get().name().startsWith("vector");

    final int size;
    /** cos and sin of 2 pi k / (2 half) at index half + k, for every stage's half-length (1, 2, .., size/2). */
    final double[] stageCos;
    final double[] stageSin;
    final int[] bitReversed;
    /** The twist factors w^k = cos + i sin (2 pi k / 4 size). */
    final double[] twistRe;
    final double[] twistIm;
    /** -twistIm: the imaginary parts of the untwist factors w^-k. */
    final double[] untwistIm;
    /** slotToIndex[j]: the DFT index r(j) = (5^j mod 4 size - 1) / 4 of slot j. */
    final int[] slotToIndex;
    /** inputPosition[j] = bitReversed[slotToIndex[j]]: where the butterflies read slot j, both permutations in one. */
    final int[] inputPosition;

    Fft(int logSlots) {
        size = 1 << logSlots;
        stageCos = new double[Math.max(1, size)];
        stageSin = new double[Math.max(1, size)];
        for (int half = 1; half < size; half *= 2) {
            for (int k = 0; k < half; k++) {
                double angle = Math.PI * k / half;
                stageCos[half + k] = Math.cos(angle);
                stageSin[half + k] = Math.sin(angle);
            }
        }
        bitReversed = new int[size];
        for (int i = 0; i < size; i++) {
            bitReversed[i] = logSlots == 0 ? 0 : Integer.reverse(i) >>> (32 - logSlots);
        }
        twistRe = new double[size];
        twistIm = new double[size];
        untwistIm = new double[size];
        for (int k = 0; k < size; k++) {
            double angle = 2 * Math.PI * k / (4.0 * size);
            twistRe[k] = Math.cos(angle);
            twistIm[k] = Math.sin(angle);
            untwistIm[k] = -twistIm[k];
        }
        slotToIndex = new int[size];
        inputPosition = new int[size];
        long m = 4L * size, g = 1;
        for (int j = 0; j < size; j++) {
            slotToIndex[j] = (int) ((g - 1) / 4);
            inputPosition[j] = bitReversed[slotToIndex[j]];
            g = g * 5 % m;
        }
    }

    /** In place: X_r = sum_k x_k e^(+2 pi i r k / size). */
    void forward(double[] re, double[] im) {
        bitReverse(re, im);
        butterflies(re, im, 1);
    }

    /**
     * In place, the stages of the transform with the given sign (+1 forward, -1 inverse, unscaled) on values already
     * in bit-reversed order. With the vector kernels: the stages within one vector in registers (in scalar code for
     * vector lengths other than 4 and 8), then the others two at a time; sizes below one vector stay scalar.
     */
    void butterflies(double[] re, double[] im, double sign) {
        if (VECTOR && size >= EncoderVectors.LANES && EncoderVectors.IN_REGISTER) {
            EncoderVectors.firstStages(re, im, sign, stageCos, stageSin, size);
            EncoderVectors.fftStages(re, im, sign, stageCos, stageSin, EncoderVectors.LANES, size);
        } else if (VECTOR) {
            int half = stages(re, im, sign, firstTwoStages(re, im, sign), EncoderVectors.LANES);
            EncoderVectors.fftStages(re, im, sign, stageCos, stageSin, half, size);
        } else {
            stages(re, im, sign, firstTwoStages(re, im, sign), size);
        }
    }

    /** The scalar reference of {@link #forward}: X_r = sum_k x_k e^(+2 pi i r k / size), in place. */
    void forwardReference(double[] re, double[] im) {
        transformReference(re, im, 1);
    }

    /** The scalar reference inverse, in place: x_k = (1/size) sum_r X_r e^(-2 pi i r k / size). */
    void inverseReference(double[] re, double[] im) {
        transformReference(re, im, -1);
        double inv = 1.0 / size;
        for (int k = 0; k < size; k++) {
            re[k] *= inv;
            im[k] *= inv;
        }
    }

    /** The scalar reference transform: bit reversal, then every stage in scalar code. */
    void transformReference(double[] re, double[] im, double sign) {
        bitReverse(re, im);
        stages(re, im, sign, firstTwoStages(re, im, sign), size);
    }

    /** Swaps re + i im into bit-reversed order. */
    private void bitReverse(double[] re, double[] im) {
        for (int i = 0; i < size; i++) {
            int j = bitReversed[i];
            if (j > i) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
    }

    /** The first two stages at once (their twiddles are 1 and +-i); returns the next stage's half-length. */
    private int firstTwoStages(double[] re, double[] im, double sign) {
        if (size < 4) {
            return 1;
        }
        for (int a = 0; a < size; a += 4) {
            double r0 = re[a] + re[a + 1], i0 = im[a] + im[a + 1];
            double r1 = re[a] - re[a + 1], i1 = im[a] - im[a + 1];
            double r2 = re[a + 2] + re[a + 3], i2 = im[a + 2] + im[a + 3];
            double r3 = re[a + 2] - re[a + 3], i3 = im[a + 2] - im[a + 3];
            double xr = -sign * i3, xi = sign * r3; // (r3 + i i3) times sign i
            re[a] = r0 + r2;
            im[a] = i0 + i2;
            re[a + 2] = r0 - r2;
            im[a + 2] = i0 - i2;
            re[a + 1] = r1 + xr;
            im[a + 1] = i1 + xi;
            re[a + 3] = r1 - xr;
            im[a + 3] = i1 - xi;
        }
        return 4;
    }

    /** The scalar radix-2 stages with half-lengths from firstHalf below limit (and size); returns the next one. */
    private int stages(double[] re, double[] im, double sign, int firstHalf, int limit) {
        int half = firstHalf;
        for (; half < Math.min(size, limit); half *= 2) {
            for (int start = 0; start < size; start += 2 * half) {
                for (int k = 0; k < half; k++) {
                    double wr = stageCos[half + k], wi = sign * stageSin[half + k];
                    int a = start + k, b = a + half;
                    double xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
        return half;
    }
}
