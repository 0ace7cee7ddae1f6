package dev.hyphenj.hcnn.plan;

import dev.hyphenj.ckks.ChebyshevEvaluator;
import dev.hyphenj.ckks.ChebyshevPolynomial;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.hcnn.eval.HeEvaluator;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * An {@link HeEvaluator} decorator that follows every ciphertext's level in a CKKS chain and adds up what the
 * operations would cost there ({@link CostModel}), which rotation keys are used up to which level, the bytes of the
 * plaintexts met, bootstraps by slot count and activations. Operations are passed to the wrapped evaluator (the slot
 * simulator in the planner), which does the counting of {@link dev.hyphenj.hcnn.eval.OpCounts}. A level that would
 * drop below 0 is an error: the level plan must fit the chain.
 *
 * <p>Fresh ciphertexts enter with {@link #enter}; a bootstrap returns a copy at {@code topLevel}; an activation
 * consumes {@link CostModel#activationLevels()} levels.
 *
 * @param <C> the wrapped evaluator's ciphertext handle
 */
public final class CostMeter<C> implements HeEvaluator<C> {
    private final HeEvaluator<C> inner;
    private final Parameters params;
    private final CostModel model;
    private final int topLevel;
    private final boolean measuredBootstraps;
    private final IdentityHashMap<C, Integer> levels = new IdentityHashMap<>();
    private final SortedMap<Integer, Integer> keyLevels = new TreeMap<>();
    private SortedMap<Integer, Integer> recentKeys = new TreeMap<>();
    private final SortedMap<Integer, Long> bootstrapSlots = new TreeMap<>();
    private double ms;
    private double bootstrapMs;
    private double activationMs;
    private long bootstraps;
    private long activations;
    private long activationKeySwitches;
    private long plaintextBytes;
    private int productTopLevel = -1;

    /** A meter over {@code inner} for the chain of {@code params}; bootstraps return to {@code topLevel}. */
    public CostMeter(HeEvaluator<C> inner, Parameters params, CostModel model, int topLevel) {
        this(inner, params, model, topLevel, false);
    }

    /**
     * As above; with {@code measuredBootstraps} a bootstrap costs the model's measured time for its slot count
     * ({@link CostModel#bootstrap(int)}, as the degree-2 planner counts) instead of the placeholder.
     */
    public CostMeter(HeEvaluator<C> inner, Parameters params, CostModel model, int topLevel,
            boolean measuredBootstraps) {
        this.inner = inner;
        this.params = params;
        this.model = model;
        this.topLevel = topLevel;
        this.measuredBootstraps = measuredBootstraps;
    }

    /** Registers a fresh ciphertext (the client's encryption) at {@code level}; returns it. */
    public C enter(C x, int level) {
        if (level < 0 || level > params.maxLevel()) {
            throw new IllegalArgumentException("level " + level + " is outside the chain 0.." + params.maxLevel());
        }
        levels.put(x, level);
        return x;
    }

    /** The level of a live ciphertext. */
    public int level(C x) {
        Integer l = levels.get(x);
        if (l == null) {
            throw new IllegalStateException("a ciphertext the meter does not know (released, or not entered)");
        }
        return l;
    }

    /** A bootstrapped copy of x at the top network level, as a sparse bootstrap of {@code slots} slots. */
    public C bootstrap(C x, int slots) {
        level(x);
        C out = inner.rotate(x, 0);
        double cost = measuredBootstraps ? model.bootstrap(slots) : model.bootstrap();
        ms += cost;
        bootstrapMs += cost;
        bootstraps++;
        bootstrapSlots.merge(slots, 1L, Long::sum);
        return track(out, topLevel);
    }

    /** The activation of x, computed by f on the wrapped evaluator, costing its levels and key switches. */
    public C activate(C x, UnaryOperator<C> f) {
        int l = level(x);
        if (l < model.activationLevels()) {
            throw new IllegalStateException("an activation needs " + model.activationLevels() + " levels, the"
                    + " ciphertext is at level " + l + ": a bootstrap is missing");
        }
        C out = f.apply(x);
        ms += model.activation(params, l);
        activationMs += model.activation(params, l);
        activations++;
        activationKeySwitches += model.activationProducts();
        return track(out, l - model.activationLevels());
    }

    @Override
    public int slots() {
        return inner.slots();
    }

    @Override
    public C rotate(C a, int steps) {
        int l = level(a);
        if (key(steps, l)) {
            ms += model.rotation(params, l);
        }
        return track(inner.rotate(a, steps), l);
    }

    @Override
    public List<C> rotateHoisted(C a, int[] steps) {
        int l = level(a), n = 0;
        for (int s : steps) {
            if (key(s, l)) {
                n++;
            }
        }
        ms += model.hoistedBatch(params, l, n);
        List<C> out = new ArrayList<>(steps.length);
        for (C c : inner.rotateHoisted(a, steps)) {
            out.add(track(c, l));
        }
        return out;
    }

    @Override
    public C add(C a, C b) {
        int l = Math.min(level(a), level(b));
        ms += model.add(params, l);
        return track(inner.add(a, b), l);
    }

    @Override
    public C sub(C a, C b) {
        int l = Math.min(level(a), level(b));
        ms += model.add(params, l);
        return track(inner.sub(a, b), l);
    }

    @Override
    public C multiplyPlain(C a, double[] plain) {
        int l = level(a);
        ms += model.plaintextMultiply(params, l);
        plaintextBytes += plaintextBytes(l);
        return track(inner.multiplyPlain(a, plain), l);
    }

    @Override
    public C addPlain(C a, double[] plain) {
        int l = level(a);
        ms += model.add(params, l);
        plaintextBytes += plaintextBytes(l);
        return track(inner.addPlain(a, plain), l);
    }

    @Override
    public C multiplyConstant(C a, double c) {
        int l = level(a);
        ms += model.add(params, l);
        return track(inner.multiplyConstant(a, c), l);
    }

    /** A ciphertext product with relinearization: one key switch (costed as a rotation) and a multiply. */
    @Override
    public C multiply(C a, C b) {
        int l = Math.min(level(a), level(b));
        ms += model.rotation(params, l) + model.plaintextMultiply(params, l);
        activationKeySwitches++;
        productTopLevel = Math.max(productTopLevel, l);
        return track(inner.multiply(a, b), l);
    }

    /** A composite polynomial: its ciphertext products, each a key switch at the middle of its levels. */
    @Override
    public C evaluatePolynomial(C a, List<ChebyshevPolynomial> stages) {
        int l = level(a), depth = ChebyshevEvaluator.depth(stages), products = 0;
        if (l < depth) {
            throw new IllegalStateException("a polynomial of depth " + depth + " at level " + l);
        }
        for (ChebyshevPolynomial p : stages) {
            products += ChebyshevEvaluator.multiplications(p, 0);
        }
        ms += products * model.rotation(params, Math.max(0, l - depth / 2));
        activationKeySwitches += products;
        return track(inner.evaluatePolynomial(a, stages), l - depth);
    }

    @Override
    public C rescale(C a) {
        int l = level(a);
        if (l == 0) {
            throw new IllegalStateException("rescale at level 0: the level plan does not fit the chain");
        }
        ms += model.rescale(params, l);
        return track(inner.rescale(a), l - 1);
    }

    @Override
    public void release(C a) {
        level(a);
        levels.remove(a);
        inner.release(a);
    }

    /** Bytes of one plaintext at a level: its primes of Q times N words of 4 bytes (NTT form). */
    public long plaintextBytes(int level) {
        return (long) params.primesAtLevel(level) * params.n() * Integer.BYTES;
    }

    /** A snapshot of the totals so far. */
    public Snapshot snapshot() {
        return new Snapshot(ms, bootstrapMs, activationMs, bootstraps, activations, activationKeySwitches,
                plaintextBytes, new TreeMap<>(bootstrapSlots));
    }

    /** The highest level a ciphertext product ({@link #multiply}) ran at so far (its relinearization), or -1. */
    public int productTopLevel() {
        return productTopLevel;
    }

    /** Every rotation step used so far (normalized into (-slots/2, slots/2]) and the highest level it is used at. */
    public SortedMap<Integer, Integer> keyLevels() {
        return new TreeMap<>(keyLevels);
    }

    /** The rotation steps used since the last call (with their highest level then), and starts a new record. */
    public SortedMap<Integer, Integer> takeRecentKeys() {
        SortedMap<Integer, Integer> r = recentKeys;
        recentKeys = new TreeMap<>();
        return r;
    }

    /**
     * Totals of a run or part of one.
     *
     * @param ms predicted milliseconds, all operations
     * @param bootstrapMs the part of ms spent in bootstraps
     * @param activationMs the part of ms spent in activations
     * @param bootstraps bootstraps
     * @param activations activations (one per ciphertext)
     * @param activationKeySwitches relinearizations of the activations (and of other ciphertext products)
     * @param plaintextBytes bytes of the plaintexts met (each multiply and plaintext add has its own)
     * @param bootstrapSlots bootstraps by sparse slot count
     */
    public record Snapshot(double ms, double bootstrapMs, double activationMs, long bootstraps, long activations,
            long activationKeySwitches,
            long plaintextBytes, SortedMap<Integer, Long> bootstrapSlots) {

        /** What happened since {@code earlier}, a snapshot of the same meter. */
        public Snapshot since(Snapshot earlier) {
            SortedMap<Integer, Long> slots = new TreeMap<>();
            for (Map.Entry<Integer, Long> e : bootstrapSlots.entrySet()) {
                long n = e.getValue() - earlier.bootstrapSlots.getOrDefault(e.getKey(), 0L);
                if (n > 0) {
                    slots.put(e.getKey(), n);
                }
            }
            return new Snapshot(ms - earlier.ms, bootstrapMs - earlier.bootstrapMs,
                    activationMs - earlier.activationMs, bootstraps - earlier.bootstraps,
                    activations - earlier.activations,
                    activationKeySwitches - earlier.activationKeySwitches, plaintextBytes - earlier.plaintextBytes,
                    slots);
        }
    }

    /** Records a key use of {@code steps} at level l; false for a step that needs no key. */
    private boolean key(int steps, int l) {
        int n = inner.slots(), s = Math.floorMod(steps, n);
        if (s == 0) {
            return false;
        }
        int key = s > n / 2 ? s - n : s;
        keyLevels.merge(key, l, Math::max);
        recentKeys.merge(key, l, Math::max);
        return true;
    }

    private C track(C c, int level) {
        levels.put(c, level);
        return c;
    }
}
