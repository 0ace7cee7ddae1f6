package dev.hyphenj.ckks;

import dev.hyphenj.ntt.Parallel;
import dev.hyphenj.ntt.RnsBasis;
import dev.hyphenj.ntt.RnsPoly;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * y = M x for a plaintext matrix M of s x s (s = 2^logSlots, the ciphertext's slot count) given by its non-zero
 * generalized diagonals: diagonal d holds M[i][(i + d) mod s] at index i, so that M x = sum_d diag_d * rot(x, d)
 * (rot to the left, * slot-wise).
 *
 * <p><b>Baby-step giant-step.</b> With n1 baby steps every index d is split as d = g + b, b = d mod n1, g a multiple
 * of n1; then M x = sum_g rot(sum_b rot(diag_(g+b), -g) * rot(x, b), g). The plaintext diagonals are encoded
 * pre-rotated by -g; each giant partial sum costs one rotation. <b>Double hoisting:</b> the baby rotations rot(x, b)
 * share one key-switching decomposition and stay over Q_l and P, times P, without their ModDown
 * ({@link ExtendedCiphertext}); the diagonals are encoded over Q_l and P, the partial sums formed there, each giant
 * rotation brings only its sum's c1 down to decompose it and keeps its own result extended, and one ModDown ends the
 * transform: per transform two ModDowns plus one per giant step instead of two per rotation (and the key-switching
 * noise is divided by P once, after the products). A transform with D diagonals spread over a span of about D slots
 * then costs about 2 sqrt(D) rotations instead of D. n1 is chosen to minimize the number of rotations (the
 * diagonal indices are read both in [0, s) and centered in (-s/2, s/2], whichever is cheaper, so that a band around
 * the main diagonal counts as one span); {@link #withBabySteps} overrides it.
 *
 * <p><b>Levels and scales.</b> The diagonals are encoded at the ciphertext's level l with the scale Q_l, the product
 * of the primes that level l adds ({@link Parameters#levelPrimes}), the number the following rescale divides by.
 * The giant rotations act on the products before the rescale, where their key-switching noise is divided by Q_l.
 * {@link #apply} returns the rescaled result: one level lower, at the input's scale (exactly, up to the rounding
 * of one product and one division of doubles). {@link #applyWithoutRescale} returns the sum before the rescale
 * (scale input * Q_l, level l), for callers that add several transforms before one rescale.
 *
 * <p><b>Complex diagonals.</b> {@link #ofComplex} takes diagonals with imaginary parts (as the homomorphic DFT of
 * bootstrapping needs); each pre-rotated diagonal is encoded with both parts, which costs nothing more. The plan and
 * the keys depend only on the indices.
 *
 * <p>Keys: {@link #rotationSteps()} lists the steps (baby and giant) the transform needs; generate exactly those.
 * The input must be a message of the transform's 2^logSlots slots as the encoder makes it (a polynomial in
 * X^(N/2s)); then a key for any step congruent modulo the slot count serves ({@link Encoder#galoisElements}), so
 * transforms over fewer slots can share keys with others.
 */
public final class LinearTransform {
    private final int logSlots;
    private final int slots;
    /** Diagonal index in [0, s) to values (defensive copies); the real parts for a complex transform. */
    private final TreeMap<Integer, double[]> diagonals;
    /** The imaginary parts, same keys as {@link #diagonals}; null for a real transform. */
    private final TreeMap<Integer, double[]> imag;
    private final int babySteps;
    private final boolean centered;
    /** Giant step (normalized to [0, s)) to the diagonals it gathers, each as {baby step, diagonal index}. */
    private final TreeMap<Integer, List<int[]>> plan;
    private final int[] babyList;
    /** Whether {@link #apply} keeps the encoded diagonals of its last level and scale for the next application. */
    private final boolean keepEncodings;
    /** The kept encodings (diagonal index to polynomial), or null; guarded by this. */
    private Encodings encodings;

    /** Diagonals encoded over Q_level and P at one scale, pre-rotated for their giant step. */
    private record Encodings(int level, double scale, Map<Integer, RnsPoly> byDiagonal) {}

    private LinearTransform(int logSlots, TreeMap<Integer, double[]> diagonals, TreeMap<Integer, double[]> imag,
            int babySteps, boolean centered, boolean keepEncodings) {
        this.keepEncodings = keepEncodings;
        this.logSlots = logSlots;
        this.slots = 1 << logSlots;
        this.diagonals = diagonals;
        this.imag = imag;
        this.babySteps = babySteps;
        this.centered = centered;
        this.plan = new TreeMap<>();
        TreeSet<Integer> babies = new TreeSet<>();
        for (int d : diagonals.keySet()) {
            int[] split = split(d, babySteps, centered, slots);
            babies.add(split[0]);
            plan.computeIfAbsent(split[1], g -> new ArrayList<>()).add(new int[] {split[0], d});
        }
        this.babyList = babies.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * A transform over 2^logSlots slots from its non-zero diagonals (index in [0, s) to s values), with the baby-step
     * count that minimizes the number of rotations.
     */
    public static LinearTransform of(Map<Integer, double[]> diagonals, int logSlots) {
        return planned(validate(diagonals, logSlots), null, logSlots);
    }

    /**
     * A complex transform over 2^logSlots slots: diagonal d is re.get(d) + i im.get(d). A diagonal is present if its
     * index is in either map; a missing part is zero. Planning (baby steps, rotation keys) depends only on the indices,
     * exactly as for {@link #of}; both parts of every (pre-rotated) diagonal are encoded, so a complex transform costs
     * the same rotations, products and level as a real one. {@link #applyPlain(double[], double[])} is its reference.
     */
    public static LinearTransform ofComplex(Map<Integer, double[]> re, Map<Integer, double[]> im, int logSlots) {
        TreeMap<Integer, double[]> r = validateParts(re == null ? Map.of() : re, logSlots, "real");
        TreeMap<Integer, double[]> i = validateParts(im == null ? Map.of() : im, logSlots, "imaginary");
        if (r.isEmpty() && i.isEmpty()) {
            throw new IllegalArgumentException("linear transform: no diagonal given");
        }
        int slots = 1 << logSlots;
        for (int d : i.keySet()) {
            r.putIfAbsent(d, new double[slots]);
        }
        for (int d : r.keySet()) {
            i.putIfAbsent(d, new double[slots]);
        }
        return planned(r, i, logSlots);
    }

    private static LinearTransform planned(TreeMap<Integer, double[]> copy, TreeMap<Integer, double[]> imag,
            int logSlots) {
        int slots = 1 << logSlots;
        int bestN1 = 1;
        boolean bestCentered = false;
        long bestCost = Long.MAX_VALUE;
        for (int n1 = 1; n1 <= slots; n1 *= 2) {
            for (boolean c : new boolean[] {false, true}) {
                long cost = cost(copy.keySet(), n1, c, slots);
                if (cost < bestCost) {
                    bestCost = cost;
                    bestN1 = n1;
                    bestCentered = c;
                }
            }
        }
        return new LinearTransform(logSlots, copy, imag, bestN1, bestCentered, false);
    }

    /**
     * The same transform with {@code n1} baby steps (1 <= n1 <= s; n1 = s is the plain diagonal method with one
     * hoisted rotation per diagonal and no giant step). Of the two readings of the indices the cheaper is kept.
     */
    public LinearTransform withBabySteps(int n1) {
        if (n1 < 1 || n1 > slots) {
            throw new IllegalArgumentException("linear transform: " + n1 + " baby steps is outside 1.." + slots);
        }
        boolean c = cost(diagonals.keySet(), n1, true, slots) < cost(diagonals.keySet(), n1, false, slots);
        return new LinearTransform(logSlots, diagonals, imag, n1, c, keepEncodings);
    }

    /**
     * The same transform keeping its encoded diagonals: the first application at a level and diagonal scale encodes
     * them and keeps them (one set, replaced when the level or scale changes), later ones reuse them. Trades
     * memory (one plaintext per diagonal at the level used) for the encodings, which at N = 2^16 and 45 primes cost
     * about 45 NTTs each. {@link #releaseEncodings()} frees them. Applications at one level and scale may run
     * concurrently.
     */
    public LinearTransform keepingEncodings() {
        return new LinearTransform(logSlots, diagonals, imag, babySteps, centered, true);
    }

    /** Frees the encoded diagonals a {@link #keepingEncodings()} transform holds (it encodes again when applied). */
    public synchronized void releaseEncodings() {
        if (encodings != null) {
            encodings.byDiagonal().values().forEach(RnsPoly::close);
            encodings = null;
        }
    }

    /** Bytes of the encoded diagonals held now (0 unless {@link #keepingEncodings()}). */
    public synchronized long encodingBytes() {
        if (encodings == null) {
            return 0;
        }
        return encodings.byDiagonal().values().stream()
                .mapToLong(p -> p.limbCount() * p.basis().limbBytes()).sum();
    }

    public int logSlots() {
        return logSlots;
    }

    /** True for a transform made by {@link #ofComplex} (even if its imaginary parts happen to be zero). */
    public boolean isComplex() {
        return imag != null;
    }

    /** The baby-step count n1. */
    public int babySteps() {
        return babySteps;
    }

    /** The diagonal indices, in [0, s), ascending. */
    public int[] diagonalIndices() {
        return diagonals.keySet().stream().mapToInt(Integer::intValue).toArray();
    }

    /** The non-zero baby rotation steps (hoisted rotations of the input), ascending in [1, s). */
    public int[] babyRotations() {
        return Arrays.stream(babyList).filter(b -> b != 0).toArray();
    }

    /** The non-zero giant rotation steps (one rotation per partial sum), ascending in [1, s). */
    public int[] giantRotations() {
        return plan.keySet().stream().mapToInt(Integer::intValue).filter(g -> g != 0).toArray();
    }

    /** Rotations {@link #apply} performs: baby plus giant. */
    public int rotationCount() {
        return babyRotations().length + giantRotations().length;
    }

    /** Every rotation step (Galois key) {@link #apply} needs, in [1, s), ascending and without duplicates. */
    public int[] rotationSteps() {
        TreeSet<Integer> all = new TreeSet<>();
        Arrays.stream(babyRotations()).forEach(all::add);
        Arrays.stream(giantRotations()).forEach(all::add);
        return all.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The rotation steps the plain diagonal method ({@link #applyNaive}) needs: every non-zero diagonal index. */
    public int[] naiveRotationSteps() {
        return diagonals.keySet().stream().mapToInt(Integer::intValue).filter(d -> d != 0).toArray();
    }

    /**
     * M x in plain double math (the reference the encrypted result is compared to), for a real transform and a real
     * x; a complex transform throws (use {@link #applyPlain(double[], double[])}).
     */
    public double[] applyPlain(double[] x) {
        if (x.length != slots) {
            throw new IllegalArgumentException("linear transform over " + slots + " slots applied to " + x.length);
        }
        if (imag != null) {
            throw new IllegalStateException("linear transform: a complex transform's plain product is complex; use "
                    + "applyPlain(re, im)");
        }
        double[] y = new double[slots];
        for (Map.Entry<Integer, double[]> e : diagonals.entrySet()) {
            int d = e.getKey();
            double[] diag = e.getValue();
            for (int i = 0; i < slots; i++) {
                y[i] += diag[i] * x[(i + d) % slots];
            }
        }
        return y;
    }

    /** M x for x = xr + i xi in plain complex double math, as {re, im}; for real and complex transforms alike. */
    public double[][] applyPlain(double[] xr, double[] xi) {
        if (xr.length != slots || xi.length != slots) {
            throw new IllegalArgumentException("linear transform over " + slots + " slots applied to "
                    + xr.length + " + " + xi.length + " values");
        }
        double[] yr = new double[slots], yi = new double[slots];
        for (Map.Entry<Integer, double[]> e : diagonals.entrySet()) {
            int d = e.getKey();
            double[] dr = e.getValue(), di = imag == null ? null : imag.get(d);
            for (int i = 0; i < slots; i++) {
                int j = (i + d) % slots;
                double ar = dr[i], ai = di == null ? 0 : di[i];
                yr[i] += ar * xr[j] - ai * xi[j];
                yi[i] += ar * xi[j] + ai * xr[j];
            }
        }
        return new double[][] {yr, yi};
    }

    /** y = M x by baby-step giant-step, rescaled: level one lower, the input's scale. */
    public Ciphertext apply(Evaluator evaluator, Ciphertext ct) {
        try (Ciphertext sum = applyWithoutRescale(evaluator, ct)) {
            return evaluator.rescale(sum);
        }
    }

    /**
     * y = M x rescaled to exactly {@code outputScale} (level one lower): the diagonals are encoded at
     * outputScale Q_l / scale(x) instead of Q_l, which moves the scale (and the magnitude of the ciphertext) by
     * outputScale / scale(x) at no cost. The diagonals' rounding is relative to that encoding scale.
     */
    public Ciphertext apply(Evaluator evaluator, Ciphertext ct, double outputScale) {
        check(evaluator, ct);
        double diagonalScale = outputScale * levelModulus(evaluator.parameters(), ct.level()) / ct.scale();
        try (Ciphertext sum = applyWithoutRescale(evaluator, ct, diagonalScale)) {
            Ciphertext out = evaluator.rescale(sum);
            out.setScale(outputScale); // equal up to the rounding of doubles
            return out;
        }
    }

    /**
     * y = M x by baby-step giant-step before the rescale: at the input's level, scale input scale * Q_l. The caller
     * rescales (after adding other terms at the same scale, if it likes).
     */
    public Ciphertext applyWithoutRescale(Evaluator evaluator, Ciphertext ct) {
        check(evaluator, ct);
        return applyWithoutRescale(evaluator, ct, levelModulus(evaluator.parameters(), ct.level()));
    }

    private Ciphertext applyWithoutRescale(Evaluator evaluator, Ciphertext ct, double diagonalScale) {
        check(evaluator, ct);
        evaluator.requireRotationKeys("linear transform (" + this + "; its keys: rotationSteps())", logSlots,
                rotationSteps());
        Parameters params = evaluator.parameters();
        Encoder encoder = new Encoder(params);
        int level = ct.level();
        RnsBasis qp = params.basisQP(level);
        Map<Integer, RnsPoly> kept = keepEncodings ? encodings(encoder, level, diagonalScale) : null;
        ExtendedCiphertext[] babies = new ExtendedCiphertext[babyList.length];
        ExtendedCiphertext acc = null;
        try {
            try (KeySwitcher.Decomposition dec = babyList.length > 1 || babyList[0] != 0 ? evaluator.decompose(ct)
                    : null) {
                for (int i = 0; i < babyList.length; i++) {
                    babies[i] = babyList[i] == 0 ? evaluator.extend(ct)
                            : evaluator.rotateExtended(ct, dec, babyList[i]);
                }
            }
            for (Map.Entry<Integer, List<int[]>> giant : plan.entrySet()) {
                int g = giant.getKey();
                ExtendedCiphertext partial = partialSum(giant.getValue(), g, babies, kept, encoder, qp,
                        diagonalScale, level);
                try {
                    if (g != 0) {
                        ExtendedCiphertext turned = evaluator.rotateExtended(partial, g, logSlots);
                        partial.close();
                        partial = turned;
                    }
                    if (acc == null) {
                        acc = partial;
                        partial = null;
                    } else {
                        acc.c0.add(partial.c0, acc.c0);
                        acc.c1.add(partial.c1, acc.c1);
                    }
                } finally {
                    if (partial != null) {
                        partial.close();
                    }
                }
            }
            return evaluator.modDown(acc, ct.scale() * diagonalScale, logSlots);
        } finally {
            for (ExtendedCiphertext c : babies) {
                if (c != null) {
                    c.close();
                }
            }
            if (acc != null) {
                acc.close();
            }
        }
    }

    /**
     * The giant step's sum of diagonal * baby over Q_l and P, limb by limb ({@link Evaluator#sumOfProducts}): unless
     * kept, each diagonal's limb is encoded just before its products, so no encoded diagonal is ever written out
     * whole. The diagonals' FFTs run first, one diagonal per thread.
     */
    private ExtendedCiphertext partialSum(List<int[]> terms, int g, ExtendedCiphertext[] babies,
            Map<Integer, RnsPoly> kept, Encoder encoder, RnsBasis qp, double diagonalScale, int level) {
        int n = terms.size();
        RnsPoly[] x0 = new RnsPoly[n], x1 = new RnsPoly[n], plains = kept == null ? null : new RnsPoly[n];
        Encoder.Rounded[] rounded = kept == null ? new Encoder.Rounded[n] : null;
        for (int i = 0; i < n; i++) {
            ExtendedCiphertext x = babies[Arrays.binarySearch(babyList, terms.get(i)[0])];
            x0[i] = x.c0;
            x1[i] = x.c1;
            if (kept != null) {
                plains[i] = kept.get(terms.get(i)[1]);
            }
        }
        if (rounded != null) {
            Parallel.forEach(n, i -> {
                int d = terms.get(i)[1];
                rounded[i] = encoder.round(rotateRight(diagonals.get(d), g),
                        imag == null ? null : rotateRight(imag.get(d), g), diagonalScale, logSlots);
            });
        }
        ExtendedCiphertext partial = new ExtendedCiphertext(RnsPoly.allocate(qp), RnsPoly.allocate(qp), level);
        try {
            Evaluator.sumOfProducts(qp, x0, x1, plains, rounded, partial.c0, partial.c1, false);
            return partial;
        } catch (RuntimeException | Error e) {
            partial.close();
            throw e;
        }
    }

    /**
     * y = M x by the plain diagonal method: one hoisted rotation per non-zero diagonal index, a plaintext product
     * each, one rescale. Needs the keys of {@link #naiveRotationSteps()}; for testing BSGS against it.
     */
    public Ciphertext applyNaive(Evaluator evaluator, Ciphertext ct) {
        check(evaluator, ct);
        Parameters params = evaluator.parameters();
        Encoder encoder = new Encoder(params);
        int level = ct.level();
        double diagonalScale = levelModulus(params, level);
        int[] indices = diagonalIndices();
        Ciphertext[] rotated = rotations(evaluator, ct, indices, "diagonal");
        Ciphertext acc = null;
        try {
            for (int i = 0; i < indices.length; i++) {
                Ciphertext product;
                try (Plaintext pt = encodeDiagonal(encoder, indices[i], 0, level, diagonalScale)) {
                    product = evaluator.mulPlain(rotated[i], pt);
                }
                acc = accumulate(evaluator, acc, product);
            }
            return evaluator.rescale(acc);
        } finally {
            for (Ciphertext c : rotated) {
                c.close();
            }
            if (acc != null) {
                acc.close();
            }
        }
    }

    @Override
    public String toString() {
        return "LinearTransform[" + diagonals.size() + (imag == null ? "" : " complex") + " diagonals over "
                + slots + " slots, " + babySteps
                + " baby steps, " + babyRotations().length + " baby + " + giantRotations().length + " giant rotations]";
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The kept encodings at this level and scale, encoding them (and freeing others) if they are not those. */
    private synchronized Map<Integer, RnsPoly> encodings(Encoder encoder, int level, double scale) {
        if (encodings != null && encodings.level() == level && encodings.scale() == scale) {
            return encodings.byDiagonal();
        }
        releaseEncodings();
        Map<Integer, RnsPoly> byDiagonal = new TreeMap<>();
        RnsBasis qp = encoder.parameters().basisQP(level);
        for (Map.Entry<Integer, List<int[]>> giant : plan.entrySet()) {
            for (int[] term : giant.getValue()) {
                byDiagonal.put(term[1], encodeDiagonal(encoder, term[1], giant.getKey(), qp, scale));
            }
        }
        encodings = new Encodings(level, scale, byDiagonal);
        return byDiagonal;
    }

    /** Diagonal d (both parts for a complex transform) rotated right by g, encoded over the basis at the scale. */
    private RnsPoly encodeDiagonal(Encoder encoder, int d, int g, RnsBasis basis, double scale) {
        double[] re = rotateRight(diagonals.get(d), g);
        double[] im = imag == null ? new double[slots] : rotateRight(imag.get(d), g);
        return encoder.encodeOver(re, im, basis, scale, logSlots);
    }

    /** Diagonal d (both parts for a complex transform) rotated right by g, encoded at the level and scale. */
    private Plaintext encodeDiagonal(Encoder encoder, int d, int g, int level, double scale) {
        double[] re = rotateRight(diagonals.get(d), g);
        double[] im = imag == null ? new double[slots] : rotateRight(imag.get(d), g);
        return encoder.encode(re, im, level, scale, logSlots);
    }

    /** The product of the primes level {@code level} adds: what a rescale from that level divides by. */
    static double levelModulus(Parameters params, int level) {
        double q = 1;
        for (long p : params.levelPrimes(level)) {
            q *= p;
        }
        return q;
    }

    /** acc + term, taking ownership of term (closed if it is not returned). */
    private static Ciphertext accumulate(Evaluator evaluator, Ciphertext acc, Ciphertext term) {
        if (acc == null) {
            return term;
        }
        try (term) {
            evaluator.addInPlace(acc, term);
        }
        return acc;
    }

    private void check(Evaluator evaluator, Ciphertext ct) {
        Parameters params = evaluator.parameters();
        if (ct.logSlots() != logSlots) {
            throw new IllegalArgumentException("linear transform over 2^" + logSlots + " slots applied to a "
                    + "ciphertext of 2^" + ct.logSlots() + " slots");
        }
        if (ct.level() > params.maxLevel() || !ct.c0().basis().equals(params.basisQ(ct.level()))) {
            throw new IllegalArgumentException("linear transform: the ciphertext is not over Q_" + ct.level()
                    + " of the evaluator's parameters '" + params.name() + "'");
        }
        if (ct.level() < 1) {
            throw new IllegalArgumentException("linear transform: the ciphertext is at level 0; the transform "
                    + "consumes one level (one rescale)");
        }
    }

    /** Hoisted rotations, after checking that every key is there (so the message names the missing steps). */
    private Ciphertext[] rotations(Evaluator evaluator, Ciphertext ct, int[] steps, String kind) {
        evaluator.requireRotationKeys("linear transform (" + this + "; its keys: rotationSteps()), " + kind
                + " rotations", steps);
        return evaluator.rotateHoisted(ct, steps);
    }

    /** v rotated right by g: out[i] = v[(i - g) mod s]. */
    private double[] rotateRight(double[] v, int g) {
        if (g == 0) {
            return v;
        }
        double[] out = new double[slots];
        for (int i = 0; i < slots; i++) {
            out[i] = v[Math.floorMod(i - g, slots)];
        }
        return out;
    }

    /** {baby, giant} for diagonal d (in [0, s)) with n1 baby steps; giant normalized to [0, s). */
    private static int[] split(int d, int n1, boolean centered, int slots) {
        int v = centered && d > slots / 2 ? d - slots : d;
        int b = Math.floorMod(v, n1);
        return new int[] {b, Math.floorMod(v - b, slots)};
    }

    /** Rotations for n1 baby steps: distinct non-zero babies plus distinct non-zero giants. */
    private static long cost(Iterable<Integer> indices, int n1, boolean centered, int slots) {
        TreeSet<Integer> babies = new TreeSet<>(), giants = new TreeSet<>();
        for (int d : indices) {
            int[] s = split(d, n1, centered, slots);
            babies.add(s[0]);
            giants.add(s[1]);
        }
        babies.remove(0);
        giants.remove(0);
        // rotations first; among equal counts prefer fewer giant (non-hoisted) rotations
        return 2L * slots * (babies.size() + giants.size()) + giants.size();
    }

    private static TreeMap<Integer, double[]> validate(Map<Integer, double[]> diagonals, int logSlots) {
        if (diagonals == null || diagonals.isEmpty()) {
            checkLogSlots(logSlots);
            throw new IllegalArgumentException("linear transform: no diagonal given");
        }
        return validateParts(diagonals, logSlots, null);
    }

    private static void checkLogSlots(int logSlots) {
        if (logSlots < 0 || logSlots > 20) {
            throw new IllegalArgumentException("linear transform: log2 slots " + logSlots + " is out of range");
        }
    }

    /** Checked defensive copy of diagonals (possibly empty); {@code part} names real/imaginary parts in messages. */
    private static TreeMap<Integer, double[]> validateParts(Map<Integer, double[]> diagonals, int logSlots,
            String part) {
        checkLogSlots(logSlots);
        int slots = 1 << logSlots;
        String what = part == null ? "diagonal " : part + " part of diagonal ";
        TreeMap<Integer, double[]> copy = new TreeMap<>();
        for (Map.Entry<Integer, double[]> e : diagonals.entrySet()) {
            Integer d = e.getKey();
            if (d == null || d < 0 || d >= slots) {
                throw new IllegalArgumentException("linear transform: diagonal index " + d + " is outside 0.."
                        + (slots - 1));
            }
            double[] v = e.getValue();
            if (v == null || v.length != slots) {
                throw new IllegalArgumentException("linear transform: " + what + d + " has "
                        + (v == null ? "no" : String.valueOf(v.length)) + " values for " + slots + " slots");
            }
            copy.put(d, v.clone());
        }
        return copy;
    }
}
