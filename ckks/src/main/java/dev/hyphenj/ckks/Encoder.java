package dev.hyphenj.ckks;

import dev.hyphenj.ntt.CrtReconstructor;
import dev.hyphenj.ntt.Kernels;
import dev.hyphenj.ntt.ModArith;
import dev.hyphenj.ntt.NttTables;
import dev.hyphenj.ntt.Parallel;
import dev.hyphenj.ntt.RnsBasis;
import dev.hyphenj.ntt.RnsPoly;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CKKS encoder: complex slot vectors to plaintext polynomials and back, through the canonical embedding.
 *
 * <p>With s slots (s a power of two, at most N/2) the message lives in the subring of polynomials in Y = X^(N/2s):
 * m(X) = p(X^(N/2s)) with p of degree 2s and real coefficients c_0..c_{2s-1}. Slot j is p(w^(5^j)) for
 * w = exp(2 pi i / 4s). Writing u_k = c_k + i c_(k+s) (k < s), the identity (w^(5^j))^s = i gives
 * p(w^(5^j)) = u(w^(5^j)); the points 5^j mod 4s run over the residues 4r + 1, so the slots are a length-s DFT of
 * u_k w^k, permuted by j -> r(j) = (5^j mod 4s - 1) / 4. Encoding is the inverse: permute, inverse DFT, untwist,
 * scale by the scale and round. With fewer slots than N/2 the message repeats: slot j and j + s coincide.
 * Rotation by r slots is the automorphism X -> X^(5^r).
 */
public final class Encoder {
    private final Parameters params;
    /** FFT tables by log2 slots: they depend on nothing else, so every encoder shares them. */
    private static final Map<Integer, Fft> FFTS = new ConcurrentHashMap<>();
    private final CrtReconstructor[] crt;

    public Encoder(Parameters params) {
        this.params = params;
        this.crt = new CrtReconstructor[params.maxLevel() + 1];
    }

    public Parameters parameters() {
        return params;
    }

    /** Encodes real values (imaginary parts zero) at the parameters' slot count. */
    public Plaintext encode(double[] values, int level, double scale) {
        int logSlots = params.logSlots();
        return new Plaintext(encodeOver(values, null, params.basisQ(level), scale, logSlots), level, scale, logSlots);
    }

    /**
     * Encodes the complex vector re + i im into {@code 2^logSlots} slots at the given level and scale. Shorter
     * vectors are padded with zeros; longer ones are an error.
     */
    public Plaintext encode(double[] re, double[] im, int level, double scale, int logSlots) {
        return new Plaintext(encodeOver(re, im, params.basisQ(level), scale, logSlots), level, scale, logSlots);
    }

    /**
     * The encoding of re + i im at the given scale as a polynomial over any basis of this ring (NTT domain): over
     * Q_level it is {@link #encode}'s; over Q_level and P it multiplies ciphertexts kept before their ModDown.
     *
     * <p>im may be null for real values (zero imaginary parts). A vector that repeats with a period p below its slot
     * count s is a message of p slots (slot j and j + p coincide), a polynomial in X^(N/2p): it is encoded as one,
     * whose FFT, rounding and NTTs cost p/s of the full ones ({@link NttTables#subring}); the polynomial is the same.
     */
    RnsPoly encodeOver(double[] re, double[] im, RnsBasis basis, double scale, int logSlots) {
        int period = checkedPeriod(re, im, scale, logSlots);
        Work work = Work.take(period);
        try {
            coefficients(re, im, scale, period, work);
            return toNttPoly(work.coefficients, 2 * period, work.rounded, basis);
        } finally {
            Work.give(work);
        }
    }

    /**
     * {@link #encodeOver}'s integer polynomial before its limbs are made (in arrays of its own): for a caller that
     * consumes each limb as it is made ({@link Rounded#limb}) instead of holding the whole plaintext.
     */
    Rounded round(double[] re, double[] im, double scale, int logSlots) {
        int period = checkedPeriod(re, im, scale, logSlots);
        Work work = Work.take(period);
        try {
            coefficients(re, im, scale, period, work);
            return Rounded.of(Arrays.copyOf(work.coefficients, 2 * period), 2 * period, new long[2 * period],
                    params.n());
        } finally {
            Work.give(work);
        }
    }

    /** The period of re + i im (im null for real values) after checking the lengths and the scale. */
    private int checkedPeriod(double[] re, double[] im, double scale, int logSlots) {
        int slots = checkSlots(logSlots);
        if ((im != null && re.length != im.length) || re.length > slots) {
            throw new IllegalArgumentException("encode: " + re.length + " real and "
                    + (im == null ? "no" : Integer.toString(im.length)) + " imaginary parts for " + slots + " slots");
        }
        checkScale(scale);
        return re.length == slots ? period(re, im) : slots;
    }

    /**
     * The 2p coefficients of X^(k N / 2p), before rounding, of re + i im (at most p values, zeros after them; im null
     * for real values) as a message of p slots at the given scale: permute, inverse DFT, untwist by w^-k, scale.
     */
    static double[] coefficients(double[] re, double[] im, double scale, int period) {
        Work work = new Work();
        work.fit(period);
        coefficients(re, im, scale, period, work);
        return Arrays.copyOf(work.coefficients, 2 * period);
    }

    /** {@link #coefficients(double[], double[], double, int)} into work.coefficients, with work's FFT arrays. */
    private static void coefficients(double[] re, double[] im, double scale, int period, Work work) {
        Fft fft = fft(Integer.numberOfTrailingZeros(period));
        // Scatter the slots straight into the FFT's bit-reversed input order (missing slots are zeros; a scatter
        // measured 3x faster than the gather).
        double[] ur = work.re, ui = work.im;
        int count = Math.min(re.length, period);
        if (count < period) {
            Arrays.fill(ur, 0, period, 0);
        }
        if (count < period || im == null) {
            Arrays.fill(ui, 0, period, 0);
        }
        for (int j = 0; j < count; j++) {
            ur[fft.inputPosition[j]] = re[j];
        }
        for (int j = 0; im != null && j < count; j++) {
            ui[fft.inputPosition[j]] = im[j];
        }
        fft.butterflies(ur, ui, -1); // the inverse DFT, without its 1/period (applied in the untwist)
        if (Fft.VECTOR) {
            EncoderVectors.untwist(fft, ur, ui, scale, work.coefficients);
        } else {
            untwist(fft, ur, ui, scale, work.coefficients, 0);
        }
    }

    /**
     * The arrays of one encode, kept per thread between encodes (at 2^15 slots they are 1.5 MiB, which a fresh
     * allocation zeroes every time). A thread takes its arrays and gives them back when done, so that an encode
     * nested in another on the same thread (should a pool thread run another task while it waits in
     * Parallel.forEach) finds none and uses arrays of its own instead of overwriting those still being read.
     */
    private static final class Work {
        private static final ThreadLocal<Work> HELD = new ThreadLocal<>();
        /** The FFT's real and imaginary parts (p values), the coefficients and their rounded values (2p). */
        double[] re = new double[0];
        double[] im = new double[0];
        double[] coefficients = new double[0];
        long[] rounded = new long[0];

        static Work take(int period) {
            Work work = HELD.get();
            HELD.set(null);
            if (work == null) {
                work = new Work();
            }
            work.fit(period);
            return work;
        }

        static void give(Work work) {
            HELD.set(work);
        }

        void fit(int period) {
            if (re.length < period) {
                re = new double[period];
                im = new double[period];
                coefficients = new double[2 * period];
                rounded = new long[2 * period];
            }
        }
    }

    /**
     * coefficients[k] + i coefficients[k + size] = x_k / size * w^-k * scale for k from {@code from}, where
     * x = ur + i ui is the unscaled inverse DFT: the inverse's 1/size, the untwist by w^-k and the scale in one pass
     * (as (x_k / size) w^-k, then times scale). {@link EncoderVectors#untwist} is its vector form.
     */
    static void untwist(Fft fft, double[] ur, double[] ui, double scale, double[] coefficients, int from) {
        int size = fft.size;
        double inv = 1.0 / size;
        for (int k = from; k < size; k++) {
            double a = ur[k] * inv, b = ui[k] * inv;
            double c = fft.twistRe[k], s = fft.untwistIm[k];
            coefficients[k] = (a * c - b * s) * scale;
            coefficients[k + size] = (a * s + b * c) * scale;
        }
    }

    /**
     * The smallest power of two p with v[i] = v[i + p] for every i, for v = re + i im of power-of-two length (im null
     * for real values).
     */
    static int period(double[] re, double[] im) {
        int p = re.length;
        while (p > 1 && repeats(re, im, p / 2)) {
            p /= 2;
        }
        return p;
    }

    /** Whether the first 2 half values of re + i im are their first half twice. */
    private static boolean repeats(double[] re, double[] im, int half) {
        for (int i = 0; i < half; i++) {
            if (re[i] != re[i + half] || (im != null && im[i] != im[i + half])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Encodes a constant in every slot: the constant polynomial round(c * scale), whose NTT is that constant at every
     * point, so no transform is needed.
     */
    public Plaintext encodeConstant(double value, int level, double scale) {
        int[] residues = constantResidues(value, level, scale);
        RnsBasis basis = params.basisQ(level);
        RnsPoly p = RnsPoly.allocate(basis);
        int[] limb = new int[basis.n()];
        for (int l = 0; l < basis.size(); l++) {
            Arrays.fill(limb, residues[l]);
            MemorySegment.copy(limb, 0, p.limb(l), ValueLayout.JAVA_INT, 0, limb.length);
        }
        return new Plaintext(p, level, scale, params.logSlots());
    }

    /**
     * round(value * scale) modulo each prime of Q_level: every residue of {@link #encodeConstant}'s limb l is
     * element l.
     */
    public int[] constantResidues(double value, int level, double scale) {
        checkScale(scale);
        double x = value * scale;
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            throw new IllegalArgumentException("cannot encode the constant " + value + " at scale " + scale);
        }
        RnsBasis basis = params.basisQ(level);
        int[] residues = new int[basis.size()];
        for (int l = 0; l < residues.length; l++) {
            residues[l] = (int) residue(x, basis.prime(l));
        }
        return residues;
    }

    /** The real parts of the slots of pt. */
    public double[] decodeReal(Plaintext pt) {
        return decode(pt)[0];
    }

    /** The slots of pt as {real parts, imaginary parts}. Does not modify pt. */
    public double[][] decode(Plaintext pt) {
        int level = pt.level();
        double[] coefficients = new double[params.n()];
        try (RnsPoly p = RnsPoly.zeros(params.basisQ(level))) {
            p.copyFrom(pt.poly());
            p.inverseNtt();
            crt(level).toCenteredDoubles(p, coefficients);
        }
        int slots = checkSlots(pt.logSlots()), gap = params.n() / (2 * slots);
        Fft fft = fft(pt.logSlots());
        double[] ur = new double[slots], ui = new double[slots];
        double inv = 1 / pt.scale();
        for (int k = 0; k < slots; k++) { // twist by w^k, into the FFT's bit-reversed input order
            double a = coefficients[k * gap] * inv, b = coefficients[(k + slots) * gap] * inv;
            int i = fft.bitReversed[k];
            ur[i] = a * fft.twistRe[k] - b * fft.twistIm[k];
            ui[i] = a * fft.twistIm[k] + b * fft.twistRe[k];
        }
        fft.butterflies(ur, ui, 1); // the forward DFT
        double[] re = new double[slots], im = new double[slots];
        for (int j = 0; j < slots; j++) {
            re[j] = ur[fft.slotToIndex[j]];
            im[j] = ui[fft.slotToIndex[j]];
        }
        return new double[][] {re, im};
    }

    /** The Galois element of a rotation by {@code steps} slots to the left: 5^steps mod 2N. */
    public static long galoisElement(int steps, int n) {
        long twoN = 2L * n, g = 1, base = 5;
        for (long e = Math.floorMod(steps, n / 2); e > 0; e >>= 1) {
            if ((e & 1) != 0) {
                g = g * base % twoN;
            }
            base = base * base % twoN;
        }
        return g;
    }

    /**
     * The Galois elements that rotate a message of 2^logSlots slots by {@code steps}: 5^(steps + j 2^logSlots) for
     * j = 0 .. N / 2^(logSlots+1) - 1, the first being {@link #galoisElement(int, int)}. On a message of fewer slots
     * than N/2 (a polynomial in X^(N/2s)) they all act alike, so a key for any one of them serves.
     */
    public static long[] galoisElements(int steps, int logSlots, int n) {
        int period = 1 << logSlots, count = Math.max(1, n / (2 * period));
        long[] elements = new long[count];
        for (int j = 0; j < count; j++) {
            elements[j] = galoisElement(steps + j * period, n);
        }
        return elements;
    }

    /** The Galois element of complex conjugation: X -> X^(2N-1). */
    public static long conjugationElement(int n) {
        return 2L * n - 1;
    }

    private CrtReconstructor crt(int level) {
        CrtReconstructor c = crt[level];
        if (c == null) {
            c = new CrtReconstructor(params.basisQ(level));
            crt[level] = c;
        }
        return c;
    }

    private int checkSlots(int logSlots) {
        if (logSlots < 0 || logSlots > params.logN() - 1) {
            throw new IllegalArgumentException("log2 slots = " + logSlots + " is outside 0.." + (params.logN() - 1));
        }
        return 1 << logSlots;
    }

    private static void checkScale(double scale) {
        if (!(scale >= 1) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale " + scale + " must be a finite number >= 1");
        }
    }

    private static Fft fft(int logSlots) {
        return FFTS.computeIfAbsent(logSlots, Fft::new);
    }

    /**
     * The polynomial sum_k round(c_k) X^(k N/m) for the m coefficients c_k (m a power of two dividing N), in the
     * NTT domain over the basis: per prime, the m rounded coefficients are reduced, transformed in the subring of
     * degree m and each value repeated N/m times ({@link Rounded#limb}).
     */
    static RnsPoly toNttPoly(double[] coefficients, RnsBasis basis) {
        return toNttPoly(coefficients, coefficients.length, new long[coefficients.length], basis);
    }

    /** {@link #toNttPoly(double[], RnsBasis)} of the first m coefficients, rounded into the given array. */
    private static RnsPoly toNttPoly(double[] coefficients, int m, long[] rounded, RnsBasis basis) {
        Rounded r = Rounded.of(coefficients, m, rounded, basis.n());
        RnsPoly p = RnsPoly.allocate(basis);
        Parallel.forEach(basis.size(), l -> r.limb(basis, l, p.limb(l)));
        return p;
    }

    /**
     * A message rounded to its integer polynomial sum_k rounded[k] X^(k N/m) (m a power of two dividing N), which
     * {@link #limb} reduces and transforms one prime at a time: an encoding whose limbs are consumed as they are
     * made never writes the whole plaintext to memory ({@link LinearTransform}).
     */
    static final class Rounded {
        final int m;
        final int n;
        private final double[] coefficients;
        private final long[] rounded;
        private final boolean huge;
        /** The rounded coefficients as ints if every one is below 2^31 in magnitude, else null. */
        private final int[] narrow;
        /** The largest magnitude of a rounded coefficient (when {@code narrow} is given). */
        private final long largest;

        private Rounded(double[] coefficients, int m, long[] rounded, int n, boolean huge) {
            this.coefficients = coefficients;
            this.m = m;
            this.rounded = rounded;
            this.n = n;
            this.huge = huge;
            long max = 0;
            for (int i = 0; i < m; i++) {
                max = Math.max(max, Math.abs(rounded[i])); // Long.MIN_VALUE stays negative: only when huge
            }
            if (huge || max > Integer.MAX_VALUE) {
                narrow = null;
                largest = Long.MAX_VALUE;
            } else {
                narrow = new int[m];
                for (int i = 0; i < m; i++) {
                    narrow[i] = (int) rounded[i];
                }
                largest = max;
            }
        }

        /** The first m coefficients rounded into {@code rounded} (both arrays are kept, not copied). */
        static Rounded of(double[] coefficients, int m, long[] rounded, int n) {
            if (Integer.bitCount(m) != 1 || m > n) {
                throw new IllegalArgumentException(m + " coefficients do not fill a subring of degree dividing " + n);
            }
            boolean huge = Fft.VECTOR ? EncoderVectors.round(coefficients, m, rounded)
                    : round(coefficients, rounded, 0, m);
            return new Rounded(coefficients, m, rounded, n, huge);
        }

        /**
         * Limb l of the polynomial over {@code basis} in the NTT domain, into {@code limb} (N ints): the m rounded
         * coefficients reduced modulo the prime, transformed in the subring of degree m and each value repeated N/m
         * times ({@link NttTables#subring}).
         *
         * <p>Where every rounded coefficient is below q in magnitude (weights and diagonals at scales near one
         * prime), v mod q is v, plus q if v is negative, on ints. Otherwise a rounded coefficient v below 2^62 is
         * reduced with a quotient estimated in double (v / q is within 1 of it, so two conditional corrections give
         * v mod q exactly); larger ones, integers m 2^e, through m and 2^e.
         */
        void limb(RnsBasis basis, int l, MemorySegment limb) {
            long q = basis.prime(l);
            MemorySegment small = limb.asSlice(0, (long) m * Integer.BYTES); // the residues go straight here
            if (largest < q && Fft.VECTOR && m % EncoderVectors.INT_LANES == 0) {
                EncoderVectors.reduceSmall(narrow, m, (int) q, small);
            } else if (largest < q) {
                int[] residues = scratch(RESIDUES, m);
                reduceSmall(narrow, 0, m, (int) q, residues);
                MemorySegment.copy(residues, 0, small, ValueLayout.JAVA_INT, 0, m);
            } else if (Fft.VECTOR && m % EncoderVectors.LANES == 0) {
                EncoderVectors.reduce(rounded, m, q, small);
            } else { // (setAtIndex in this loop measured 4x slower than an int[] and one copy)
                int[] residues = scratch(RESIDUES, m);
                reduce(rounded, 0, m, q, residues);
                MemorySegment.copy(residues, 0, small, ValueLayout.JAVA_INT, 0, m);
            }
            if (huge) {
                for (int i = 0; i < m; i++) {
                    if (Math.abs(coefficients[i]) >= 0x1p62) {
                        small.setAtIndex(ValueLayout.JAVA_INT, i, (int) residue(coefficients[i], q));
                    }
                }
            }
            KERNELS.forwardNtt(small, basis.tables(l).subring(m));
            int gap = n / m;
            if (gap > 1) {
                int logGap = Integer.numberOfTrailingZeros(gap);
                int[] residues = scratch(RESIDUES, m);
                MemorySegment.copy(small, ValueLayout.JAVA_INT, 0, residues, 0, m);
                int[] full = scratch(EXPANDED, n);
                for (int i = 0; i < n; i++) {
                    full[i] = residues[i >> logGap];
                }
                MemorySegment.copy(full, 0, limb, ValueLayout.JAVA_INT, 0, n);
            }
        }
    }

    /**
     * rounded[i] = Math.round(coefficients[i]) for i in [from, to); whether any of them is at least 2^62 in
     * magnitude (and needs {@link #residue}). A NaN or infinite coefficient is an error. {@link EncoderVectors#round}
     * is its vector form.
     */
    static boolean round(double[] coefficients, long[] rounded, int from, int to) {
        boolean anyHuge = false;
        for (int i = from; i < to; i++) {
            double x = coefficients[i];
            if (Double.isNaN(x) || Double.isInfinite(x)) {
                throw new IllegalArgumentException("cannot encode " + x + " (coefficient " + i + ")");
            }
            anyHuge |= Math.abs(x) >= 0x1p62;
            rounded[i] = Math.round(x);
        }
        return anyHuge;
    }

    /**
     * residues[i] = rounded[i] mod q for i in [from, to), exact for |rounded[i]| below 2^62: the quotient estimated
     * in double is within 1, so two conditional corrections finish. {@link EncoderVectors#reduce} is its vector form.
     */
    static void reduce(long[] rounded, int from, int to, long q, int[] residues) {
        double inv = 1.0 / q;
        for (int i = from; i < to; i++) {
            long v = rounded[i];
            long r = v - (long) (v * inv) * q; // in [-q, 2q)
            r += (r >> 63) & q;
            r -= q;
            r += (r >> 63) & q;
            residues[i] = (int) r;
        }
    }

    /** residues[i] = v mod q for the values v = values[i] in [from, to), each below q (< 2^31) in magnitude. */
    static void reduceSmall(int[] values, int from, int to, int q, int[] residues) {
        for (int i = from; i < to; i++) {
            int v = values[i];
            residues[i] = v + ((v >> 31) & q);
        }
    }

    private static final Kernels KERNELS = Kernels.get();
    /** Per-thread arrays for one limb's residues and for their expansion from a subring. */
    private static final ThreadLocal<int[]> RESIDUES = ThreadLocal.withInitial(() -> new int[0]);
    private static final ThreadLocal<int[]> EXPANDED = ThreadLocal.withInitial(() -> new int[0]);

    /** The per-thread array of at least n ints. */
    private static int[] scratch(ThreadLocal<int[]> local, int n) {
        int[] r = local.get();
        if (r.length < n) {
            r = new int[n];
            local.set(r);
        }
        return r;
    }

    /** round(x) mod q for a finite x; beyond 2^62, x is an integer m 2^e with m of 53 bits (nothing to round). */
    private static long residue(double x, long q) {
        if (Math.abs(x) < 0x1p62) {
            return Math.floorMod(Math.round(x), q);
        }
        int e = Math.getExponent(x) - 52;
        long m = (long) Math.scalb(x, -e);
        return Math.floorMod(m, q) * ModArith.powMod(2, e, q) % q;
    }
}
