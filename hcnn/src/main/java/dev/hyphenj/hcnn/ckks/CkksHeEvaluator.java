package dev.hyphenj.hcnn.ckks;

import dev.hyphenj.ckks.ChebyshevEvaluator;
import dev.hyphenj.ckks.ChebyshevPolynomial;
import dev.hyphenj.ckks.Ciphertext;
import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.Evaluator;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.Plaintext;
import dev.hyphenj.ntt.Parallel;
import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.eval.PolynomialCost;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@link HeEvaluator} on RNS-CKKS ciphertexts ({@link dev.hyphenj.ckks.Evaluator}): the layer code that runs on the
 * slot simulator runs here unchanged. Handles are {@link CkksCiphertext}s; every operation is counted exactly as the
 * simulator counts it ({@link #counts()}, comparable one to one) and timed ({@link #timings()}).
 *
 * <p><b>Scales.</b> The evaluator keeps every rescaled ciphertext at the nominal scale Delta (by default the
 * parameters' scale, 2^30 for the network profile), exactly up to the rounding of a few doubles:
 * <ul>
 *   <li>{@link #multiplyPlain} encodes the slot vector at the ciphertext's level with the scale
 *       Delta * q_l / scale(a), q_l the product of the primes of level l (what the rescale divides by; for a
 *       ciphertext at Delta, this is q_l itself, as {@link dev.hyphenj.ckks.LinearTransform} encodes its diagonals),
 *       so that the rescale lands exactly on Delta whatever scale the input had. With p pending rescales the product
 *       q_l ... q_(l-p) takes q_l's place. {@link #multiplyConstant} does the same with a rounded constant.</li>
 *   <li>{@link #addPlain} encodes at the ciphertext's current scale and level: Delta after a rescale,
 *       Delta * q_l while a rescale is pending.</li>
 *   <li>{@link #evaluatePolynomial} lands on Delta ({@link ChebyshevEvaluator#evaluateComposite} with Delta as its
 *       target scale) and consumes {@link ChebyshevEvaluator#depth} levels.</li>
 *   <li>{@link #multiply} of ciphertexts at different levels first brings the higher one down to the lower one's
 *       level with a scale chosen so that the product has the scale Delta * q_l of a plaintext product (a
 *       multiplication by an integer near 2^30 and a rescale on the higher path, which has those levels to spare;
 *       counted in {@link #scaleAdjustments()}, not in {@link #counts()}), so x * p(x) is exact. At equal levels
 *       no free correction exists: the product is Delta^2, and after its rescale Delta^2 / q_l (2^-13 relative
 *       from Delta for 30-bit primes of N = 2^16); the next plaintext product renormalizes it, but adding it to a
 *       ciphertext at Delta at the same level fails.</li>
 *   <li>{@link #add} and {@link #sub} of operands whose scales differ by more than 2^-20 (relative) at different
 *       levels bring the higher one to the lower one's level and scale as above; at equal levels they throw.</li>
 * </ul>
 *
 * <p><b>Plaintexts</b> are encoded when used, through a {@link PlaintextCache} (its budget bounds the memory the
 * weights take; a layer run for several images encodes each vector once if the budget holds its plaintexts).
 *
 * <p>Bootstrapping of these handles is {@link CkksBootstrapService}'s (it lands on Delta too).
 *
 * <p>Rotations check that the Galois key is there and name the missing steps otherwise. Handles must not be used
 * after {@link #release}. One evaluator serves one thread at a time (the ckks operations parallelize inside).
 */
public final class CkksHeEvaluator implements HeEvaluator<CkksCiphertext> {
    private static final double SCALE_TOLERANCE = 0x1p-20;
    /**
     * The most terms of {@link #multiplyPlainSum} encoded together, a bounded number of plaintexts live: a
     * convolution's sum over two input ciphertexts' nine taps (18) is one chunk, so one pass of the product kernel
     * takes all of it.
     */
    private static final int SUM_CHUNK = 24;

    /** Operations timed by {@link #timings()}. */
    public enum Operation {
        ROTATE, ROTATE_HOISTED, ADD, MULTIPLY_PLAIN, ADD_PLAIN, MULTIPLY_CONSTANT, MULTIPLY, RESCALE, POLYNOMIAL,
        SCALE_ADJUSTMENT
    }

    /** Calls of an operation and the wall time they took (encodings included). */
    public record Timing(long calls, long nanos) {
        public double millis() {
            return nanos / 1e6;
        }
    }

    private final Parameters params;
    private final EvaluationKeys keys;
    private final Evaluator evaluator;
    private final Encoder encoder;
    private final ChebyshevEvaluator chebyshev;
    private final PlaintextCache cache;
    private final double scale;
    private final int slots;

    private long rotations, hoistedRotations, decompositions, plaintextMultiplies, constantMultiplies,
            ciphertextMultiplies, additions, plaintextAdditions, rescales, live, peak, adjustments;
    private int lowestLevel = Integer.MAX_VALUE;
    private final SortedMap<Integer, Long> steps = new TreeMap<>();
    private final EnumMap<Operation, long[]> times = new EnumMap<>(Operation.class);

    /**
     * An evaluator with the given keys (the Galois keys of the rotations the layers do, and the relinearization key
     * for {@link #multiply} and {@link #evaluatePolynomial}), plaintexts cached in {@code cache}, at the
     * parameters' scale.
     */
    public CkksHeEvaluator(Parameters params, EvaluationKeys keys, PlaintextCache cache) {
        this(params, keys, cache, params.scale());
    }

    /** As above with the nominal scale Delta given. */
    public CkksHeEvaluator(Parameters params, EvaluationKeys keys, PlaintextCache cache, double scale) {
        if (!(scale >= 1) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("nominal scale " + scale + " must be finite and >= 1");
        }
        this.params = params;
        this.keys = keys;
        this.evaluator = new Evaluator(params, keys);
        this.encoder = new Encoder(params);
        this.chebyshev = new ChebyshevEvaluator(evaluator);
        this.cache = cache != null ? cache : new PlaintextCache(0);
        this.scale = scale;
        this.slots = params.slots();
    }

    public Parameters parameters() {
        return params;
    }

    /** The ckks evaluator underneath. */
    public Evaluator evaluator() {
        return evaluator;
    }

    /** The evaluation keys this evaluator was given (null if none). */
    public EvaluationKeys keys() {
        return keys;
    }

    public PlaintextCache cache() {
        return cache;
    }

    /** The nominal scale Delta every rescaled result lands on. */
    public double nominalScale() {
        return scale;
    }

    @Override
    public int slots() {
        return slots;
    }

    /**
     * A handle owning {@code ct} (a client's encrypted input over all of the parameters' slots): no level used, no
     * pending rescale. Not counted as an operation.
     */
    public CkksCiphertext wrap(Ciphertext ct) {
        checkOwnable(ct);
        return create(ct, 0, 0);
    }

    /**
     * A handle owning {@code ct}, a result computed outside this evaluator from a handle's ciphertext (a bootstrap):
     * over all of the parameters' slots, no pending rescale, {@code levelsUsed} carried over. Not counted as an
     * operation, but live until released like every handle.
     */
    CkksCiphertext adopt(Ciphertext ct, int levelsUsed) {
        checkOwnable(ct);
        return create(ct, levelsUsed, 0);
    }

    private void checkOwnable(Ciphertext ct) {
        if (ct.logSlots() != params.logSlots()) {
            throw new IllegalArgumentException("a ciphertext of 2^" + ct.logSlots()
                    + " slots given to an evaluator of 2^" + params.logSlots());
        }
        if (ct.level() > params.maxLevel() || !ct.c0().basis().equals(params.basisQ(ct.level()))) {
            throw new IllegalArgumentException("the ciphertext is not over Q_" + ct.level() + " of '" + params.name()
                    + "'");
        }
    }

    /** The ciphertext of a live handle (still owned by the handle: for decryption or serialization). */
    public Ciphertext ciphertext(CkksCiphertext a) {
        return check(a).ciphertext;
    }

    // ------------------------------------------------------------------------------------------------ rotations

    @Override
    public CkksCiphertext rotate(CkksCiphertext a, int steps) {
        check(a);
        int s = Math.floorMod(steps, slots);
        long start = System.nanoTime();
        if (s == 0) {
            return create(a.ciphertext.copy(), a.levelsUsed, a.pendingRescales);
        }
        evaluator.requireRotationKeys("rotate", s);
        Ciphertext r = evaluator.rotate(a.ciphertext, s);
        rotations++;
        countStep(s);
        time(Operation.ROTATE, start);
        return create(r, a.levelsUsed, a.pendingRescales);
    }

    @Override
    public List<CkksCiphertext> rotateHoisted(CkksCiphertext a, int[] steps) {
        check(a);
        long start = System.nanoTime();
        int[] normalized = new int[steps.length];
        int nonZero = 0;
        for (int i = 0; i < steps.length; i++) {
            normalized[i] = Math.floorMod(steps[i], slots);
            if (normalized[i] != 0) {
                nonZero++;
            }
        }
        int[] keyed = new int[nonZero];
        for (int i = 0, k = 0; i < steps.length; i++) {
            if (normalized[i] != 0) {
                keyed[k++] = normalized[i];
            }
        }
        Ciphertext[] rotated = new Ciphertext[0];
        if (nonZero > 0) {
            evaluator.requireRotationKeys("rotateHoisted", keyed);
            rotated = evaluator.rotateHoisted(a.ciphertext, keyed);
            decompositions++;
            hoistedRotations += nonZero;
            for (int s : keyed) {
                countStep(s);
            }
        }
        List<CkksCiphertext> out = new ArrayList<>(steps.length);
        for (int i = 0, k = 0; i < steps.length; i++) {
            Ciphertext c = normalized[i] == 0 ? a.ciphertext.copy() : rotated[k++];
            out.add(create(c, a.levelsUsed, a.pendingRescales));
        }
        time(Operation.ROTATE_HOISTED, start);
        return out;
    }

    /**
     * The sum of the rotations with one ModDown ({@link Evaluator#rotateSum}); counted as the simulator counts the
     * sum term by term. The terms must share a level, scale and pending rescales.
     */
    @Override
    public CkksCiphertext rotateSum(List<CkksCiphertext> a, int[] steps) {
        if (a.isEmpty() || a.size() != steps.length) {
            throw new IllegalArgumentException("rotateSum: " + a.size() + " ciphertexts and " + steps.length
                    + " steps");
        }
        CkksCiphertext first = check(a.getFirst());
        Ciphertext[] cts = new Ciphertext[a.size()];
        int[] normalized = new int[steps.length];
        for (int i = 0; i < cts.length; i++) {
            CkksCiphertext x = check(a.get(i));
            if (x.level() != first.level() || x.pendingRescales != first.pendingRescales) {
                throw new IllegalStateException("rotateSum: terms at different levels or pending rescales");
            }
            cts[i] = x.ciphertext;
            normalized[i] = Math.floorMod(steps[i], slots);
        }
        long start = System.nanoTime();
        evaluator.requireRotationKeys("rotateSum", normalized);
        Ciphertext r = evaluator.rotateSum(cts, normalized);
        for (int s : normalized) {
            if (s != 0) {
                rotations++;
                countStep(s);
            }
        }
        additions += cts.length - 1;
        time(Operation.ROTATE, start);
        return create(r, first.levelsUsed, first.pendingRescales);
    }

    // ------------------------------------------------------------------------------------------------ additive

    @Override
    public CkksCiphertext add(CkksCiphertext a, CkksCiphertext b) {
        return combine(a, b, false);
    }

    @Override
    public CkksCiphertext sub(CkksCiphertext a, CkksCiphertext b) {
        return combine(a, b, true);
    }

    @Override
    public CkksCiphertext addPlain(CkksCiphertext a, double[] plain) {
        check(a);
        checkLength(plain, "addPlain");
        long start = System.nanoTime();
        Ciphertext r;
        try (PlaintextCache.Lease pt = cache.acquire(plain, a.level(), a.scale(), encoder)) {
            r = evaluator.addPlain(a.ciphertext, pt.plaintext());
        }
        plaintextAdditions++;
        time(Operation.ADD_PLAIN, start);
        return create(r, a.levelsUsed, a.pendingRescales);
    }

    // ------------------------------------------------------------------------------------------------ multiplicative

    @Override
    public CkksCiphertext multiplyPlain(CkksCiphertext a, double[] plain) {
        check(a);
        checkLength(plain, "multiplyPlain");
        long start = System.nanoTime();
        double s = productScale(a, "multiplyPlain");
        Ciphertext r;
        try (PlaintextCache.Lease pt = cache.acquire(plain, a.level(), s, encoder)) {
            r = evaluator.mulPlain(a.ciphertext, pt.plaintext());
        }
        plaintextMultiplies++;
        time(Operation.MULTIPLY_PLAIN, start);
        return create(r, a.levelsUsed, a.pendingRescales + 1);
    }

    /**
     * The sum of a[i] * plains[i]: the plaintexts of up to {@value #SUM_CHUNK} terms at a time (chunks of equal
     * size) are encoded side by side, one per thread (an encoding's FFT runs on one core; its NTTs are too short to
     * spread well), and multiplied and summed in one pass over the limbs ({@link Evaluator#mulPlainSum}). Counted as
     * the simulator counts the sum term by term: n plaintext multiplies and n - 1 additions. The ciphertexts must
     * share a level, scale and pending rescales.
     */
    @Override
    public CkksCiphertext multiplyPlainSum(List<CkksCiphertext> a, List<double[]> plains) {
        if (a.isEmpty() || a.size() != plains.size()) {
            throw new IllegalArgumentException("multiplyPlainSum: " + a.size() + " ciphertexts and " + plains.size()
                    + " plaintexts");
        }
        CkksCiphertext first = check(a.getFirst());
        for (int i = 0; i < a.size(); i++) {
            CkksCiphertext x = check(a.get(i));
            checkLength(plains.get(i), "multiplyPlainSum");
            if (x.level() != first.level() || x.pendingRescales != first.pendingRescales
                    || Math.abs(x.scale() / first.scale() - 1) > SCALE_TOLERANCE) {
                throw new IllegalStateException("multiplyPlainSum: terms at different levels, scales or pending "
                        + "rescales");
            }
        }
        long start = System.nanoTime();
        double s = productScale(first, "multiplyPlainSum");
        Ciphertext sum = null;
        int chunks = (a.size() + SUM_CHUNK - 1) / SUM_CHUNK, chunk = (a.size() + chunks - 1) / chunks;
        for (int from = 0; from < a.size(); from += chunk) {
            int n = Math.min(chunk, a.size() - from), offset = from;
            PlaintextCache.Lease[] leases = new PlaintextCache.Lease[n];
            try {
                Parallel.forEach(n, i -> leases[i] = cache.acquire(plains.get(offset + i), first.level(), s, encoder));
                Ciphertext[] cts = new Ciphertext[n];
                Plaintext[] pts = new Plaintext[n];
                for (int i = 0; i < n; i++) {
                    cts[i] = a.get(offset + i).ciphertext;
                    pts[i] = leases[i].plaintext();
                }
                Ciphertext part = evaluator.mulPlainSum(cts, pts);
                if (sum == null) {
                    sum = part;
                } else {
                    evaluator.addInPlace(sum, part);
                    part.close();
                }
            } finally {
                for (PlaintextCache.Lease lease : leases) {
                    if (lease != null) {
                        lease.close();
                    }
                }
            }
        }
        plaintextMultiplies += a.size();
        additions += a.size() - 1;
        time(Operation.MULTIPLY_PLAIN, start);
        return create(sum, first.levelsUsed, first.pendingRescales + 1);
    }

    @Override
    public CkksCiphertext multiplyConstant(CkksCiphertext a, double c) {
        check(a);
        long start = System.nanoTime();
        Ciphertext r = evaluator.mulConstant(a.ciphertext, c, productScale(a, "multiplyConstant"));
        constantMultiplies++;
        time(Operation.MULTIPLY_CONSTANT, start);
        return create(r, a.levelsUsed, a.pendingRescales + 1);
    }

    @Override
    public CkksCiphertext multiply(CkksCiphertext a, CkksCiphertext b) {
        check(a);
        check(b);
        long start = System.nanoTime();
        int level = Math.min(a.level(), b.level());
        if (level - a.pendingRescales - b.pendingRescales < 1) {
            throw new IllegalStateException("multiply: no level left for the product's rescale (level " + level
                    + "); bootstrap first");
        }
        Ciphertext product;
        if (a.level() != b.level() && a.pendingRescales == 0 && b.pendingRescales == 0) {
            CkksCiphertext hi = a.level() > b.level() ? a : b, lo = hi == a ? b : a;
            double target = scale * levelModulus(level) / lo.scale();
            try (Ciphertext lowered = adjust(hi.ciphertext, level, target)) {
                product = evaluator.multiply(lowered, lo.ciphertext);
            }
        } else {
            product = evaluator.multiply(a.ciphertext, b.ciphertext);
        }
        ciphertextMultiplies++;
        time(Operation.MULTIPLY, start);
        return create(product, Math.max(a.levelsUsed, b.levelsUsed), a.pendingRescales + b.pendingRescales + 1);
    }

    @Override
    public CkksCiphertext rescale(CkksCiphertext a) {
        check(a);
        if (a.pendingRescales == 0) {
            throw new IllegalStateException("rescale: no multiplication to rescale");
        }
        long start = System.nanoTime();
        Ciphertext r = evaluator.rescale(a.ciphertext);
        rescales++;
        time(Operation.RESCALE, start);
        return create(r, a.levelsUsed + 1, a.pendingRescales - 1);
    }

    @Override
    public CkksCiphertext evaluatePolynomial(CkksCiphertext a, List<ChebyshevPolynomial> stages) {
        check(a);
        if (stages == null || stages.isEmpty()) {
            throw new IllegalArgumentException("evaluatePolynomial: no stage given");
        }
        if (a.pendingRescales != 0) {
            throw new IllegalStateException("evaluatePolynomial: rescale the ciphertext first");
        }
        long start = System.nanoTime();
        Ciphertext r = chebyshev.evaluateComposite(a.ciphertext, stages, scale);
        countPolynomial(stages);
        time(Operation.POLYNOMIAL, start);
        return create(r, a.levelsUsed + ChebyshevEvaluator.depth(stages), 0);
    }

    @Override
    public void release(CkksCiphertext a) {
        check(a);
        a.released = true;
        a.ciphertext.close();
        live--;
    }

    // ------------------------------------------------------------------------------------------------ reports

    /** The counts so far, by the simulator's rules (so a CKKS run and a simulated one compare one to one). */
    public OpCounts counts() {
        return new OpCounts(rotations, hoistedRotations, decompositions,
                rotations + hoistedRotations + ciphertextMultiplies, plaintextMultiplies, constantMultiplies,
                ciphertextMultiplies, ciphertextMultiplies, additions, plaintextAdditions, rescales, live, peak, steps);
    }

    /** Scale adjustments done for {@link #multiply}, {@link #add} or {@link #sub} at different levels. */
    public long scaleAdjustments() {
        return adjustments;
    }

    /** The lowest level any result reached so far (the parameters' top level before any operation). */
    public int lowestLevel() {
        return lowestLevel == Integer.MAX_VALUE ? params.maxLevel() : lowestLevel;
    }

    /** Calls and wall time per operation so far, in {@link Operation} order (operations never called left out). */
    public Map<Operation, Timing> timings() {
        Map<Operation, Timing> out = new LinkedHashMap<>();
        times.forEach((op, t) -> out.put(op, new Timing(t[0], t[1])));
        return Collections.unmodifiableMap(out);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /**
     * The scale to encode a factor of {@code a} at so that the product, after all its rescales, is at Delta:
     * Delta * q_l * ... * q_(l-p) / scale(a) for a at level l with p pending rescales.
     */
    private double productScale(CkksCiphertext a, String op) {
        int level = a.level(), p = a.pendingRescales;
        if (level - p < 1) {
            throw new IllegalStateException(op + ": the ciphertext is at level " + level + " with " + p
                    + " pending rescale(s): no level left for the product's rescale; bootstrap first");
        }
        double s = scale / a.scale();
        for (int i = 0; i <= p; i++) {
            s *= levelModulus(level - i);
        }
        return s;
    }

    /**
     * ct (no pending rescale, at a level above {@code level}) brought to {@code level} with scale {@code target}
     * (to 2^-30 relative, tracked exactly): dropped to level + 1, multiplied by the integer nearest
     * q_(level+1) * target / scale(ct) and rescaled.
     */
    private Ciphertext adjust(Ciphertext ct, int level, double target) {
        long start = System.nanoTime();
        double factor = levelModulus(level + 1) * target / ct.scale();
        if (!(factor >= 0x1p8) || factor >= 0x1p62) {
            throw new IllegalStateException(String.format("cannot bring a ciphertext at scale 2^%.2f to scale 2^%.2f "
                    + "at level %d (factor 2^%.2f)", log2(ct.scale()), log2(target), level, log2(factor)));
        }
        long c = Math.round(factor);
        Ciphertext result;
        Ciphertext dropped = ct.level() > level + 1 ? evaluator.dropLevel(ct, level + 1) : null;
        try (Ciphertext scaled = evaluator.mulInteger(dropped != null ? dropped : ct, c)) {
            scaled.setScale(ct.scale() * c);
            result = evaluator.rescale(scaled);
        } finally {
            if (dropped != null) {
                dropped.close();
            }
        }
        adjustments++;
        time(Operation.SCALE_ADJUSTMENT, start);
        return result;
    }

    private CkksCiphertext combine(CkksCiphertext a, CkksCiphertext b, boolean subtract) {
        String op = subtract ? "sub" : "add";
        check(a);
        check(b);
        if (a.pendingRescales != b.pendingRescales) {
            throw new IllegalStateException(op + ": operands at different scales (" + a.pendingRescales + " and "
                    + b.pendingRescales + " multiplications since the last rescale)");
        }
        long start = System.nanoTime();
        Ciphertext r;
        if (Math.abs(a.scale() / b.scale() - 1) > SCALE_TOLERANCE) {
            if (a.level() == b.level() || a.pendingRescales != 0) {
                throw new IllegalStateException(String.format("%s: operands at level %d and %d with scales 2^%.6f and "
                        + "2^%.6f cannot be aligned without a level", op, a.level(), b.level(), log2(a.scale()),
                        log2(b.scale())));
            }
            CkksCiphertext hi = a.level() > b.level() ? a : b, lo = hi == a ? b : a;
            try (Ciphertext lowered = adjust(hi.ciphertext, lo.level(), lo.scale())) {
                Ciphertext x = hi == a ? lowered : a.ciphertext, y = hi == b ? lowered : b.ciphertext;
                r = subtract ? evaluator.sub(x, y) : evaluator.add(x, y);
            }
        } else {
            r = subtract ? evaluator.sub(a.ciphertext, b.ciphertext) : evaluator.add(a.ciphertext, b.ciphertext);
        }
        additions++;
        time(Operation.ADD, start);
        return create(r, Math.max(a.levelsUsed, b.levelsUsed), a.pendingRescales);
    }

    /** Counts a composite polynomial as the slot simulator charges it (see {@code SlotSimulator}). */
    private void countPolynomial(List<ChebyshevPolynomial> stages) {
        PolynomialCost cost = PolynomialCost.of(stages);
        ciphertextMultiplies += cost.ciphertextMultiplies();
        constantMultiplies += cost.constantMultiplies();
        additions += cost.additions();
        plaintextAdditions += cost.plaintextAdditions();
        rescales += cost.rescales();
    }

    /** The product of the primes level {@code level} adds (what a rescale from it divides by). */
    private double levelModulus(int level) {
        double q = 1;
        for (long p : params.levelPrimes(level)) {
            q *= p;
        }
        return q;
    }

    private CkksCiphertext create(Ciphertext ct, int levelsUsed, int pending) {
        live++;
        peak = Math.max(peak, live);
        lowestLevel = Math.min(lowestLevel, ct.level());
        return new CkksCiphertext(ct, levelsUsed, pending);
    }

    private CkksCiphertext check(CkksCiphertext a) {
        if (a.released) {
            throw new IllegalStateException("ciphertext used after release");
        }
        return a;
    }

    private void checkLength(double[] v, String op) {
        if (v.length != slots) {
            throw new IllegalArgumentException(op + ": vector of " + v.length + " values, expected " + slots);
        }
    }

    /** Counts a key for step s in [1, slots), named by its representative in (-slots/2, slots/2]. */
    private void countStep(int s) {
        steps.merge(s > slots / 2 ? s - slots : s, 1L, Long::sum);
    }

    private void time(Operation op, long start) {
        long[] t = times.computeIfAbsent(op, k -> new long[2]);
        t[0]++;
        t[1] += System.nanoTime() - start;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
