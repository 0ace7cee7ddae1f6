package dev.hyphenj.hcnn.sim;

import dev.hyphenj.ckks.ChebyshevEvaluator;
import dev.hyphenj.ckks.ChebyshevPolynomial;
import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.eval.PolynomialCost;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.DoubleUnaryOperator;

/**
 * An {@link HeEvaluator} on plain slot vectors: a ciphertext is a {@code double[]} of {@link #slots()} values,
 * rotations are cyclic left shifts, and every operation is counted (see {@link OpCounts}). Rescales change no
 * value but are counted and tracked per ciphertext ({@link SimCiphertext#levelsUsed()}); adding operands with
 * different numbers of pending rescales is rejected, as CKKS would reject their different scales. Handles must not
 * be used after {@link #release} (their slot arrays are recycled for later results). One simulator serves one
 * thread; run images in parallel with one simulator each.
 *
 * <p>Counting rules: a rotation by a multiple of the slot count is a free copy; a hoisted batch counts one
 * decomposition (if any step is non-zero) and one hoisted rotation per non-zero step; every rotation, ordinary or
 * hoisted, is one key switch; a ciphertext product is one relinearization, that is one key switch.
 *
 * <p>{@link #evaluatePolynomial} computes the stages in double (Clenshaw) and charges what {@link
 * ChebyshevEvaluator#evaluateComposite} does in CKKS: {@link ChebyshevEvaluator#depth(List)} levels and, per stage,
 * {@link ChebyshevEvaluator#multiplications} ciphertext products (of the coefficients it evaluates, that is with the
 * next stage's change of variable folded in). The other counts of a polynomial are estimates from its coefficients:
 * one constant multiply and one addition per non-zero coefficient of degree 1 or more, one rescale per ciphertext
 * product plus one per stage, and one constant multiply and rescale for the first stage's change of variable when
 * it is not free.
 */
public final class SlotSimulator implements HeEvaluator<SimCiphertext> {
    private final int slots;
    private long rotations, hoistedRotations, decompositions, plaintextMultiplies, constantMultiplies,
            ciphertextMultiplies, additions, plaintextAdditions, rescales, live, peak;
    private final SortedMap<Integer, Long> steps = new TreeMap<>();
    /** Slot arrays of released ciphertexts, reused by later results; at most {@link #POOL_LIMIT}. */
    private final ArrayDeque<double[]> pool = new ArrayDeque<>();
    private static final int POOL_LIMIT = 64;

    /** A simulator of ciphertexts with {@code slots} slots. */
    public SlotSimulator(int slots) {
        if (slots <= 0) {
            throw new IllegalArgumentException("slot count must be positive, got " + slots);
        }
        this.slots = slots;
    }

    @Override
    public int slots() {
        return slots;
    }

    /** A fresh "ciphertext" holding a copy of {@code values} (the client's encryption; not counted as an op). */
    public SimCiphertext encrypt(double[] values) {
        checkLength(values, "encrypt");
        return create(values.clone(), 0, 0);
    }

    /**
     * A new handle holding a's slots times {@code factor}, at a's levels and not counted: what a CKKS bootstrap's
     * output scale gives for free (the network's bootstrap hooks).
     */
    public SimCiphertext scaledCopy(SimCiphertext a, double factor) {
        double[] v = check(a).slots.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= factor;
        }
        return create(v, a.levelsUsed, a.pendingRescales);
    }

    /** A copy of the slot values (the client's decryption). */
    public double[] decrypt(SimCiphertext a) {
        return check(a).slots.clone();
    }

    /**
     * f applied to every slot, exactly: a stand-in for an activation that CKKS evaluates as a polynomial. The
     * argument must be rescaled; the result consumes no level here.
     */
    public SimCiphertext map(SimCiphertext a, DoubleUnaryOperator f) {
        check(a);
        if (a.pendingRescales != 0) {
            throw new IllegalStateException("map: rescale the ciphertext first");
        }
        double[] out = buffer();
        for (int i = 0; i < slots; i++) {
            out[i] = f.applyAsDouble(a.slots[i]);
        }
        return create(out, a.levelsUsed, 0);
    }

    @Override
    public SimCiphertext rotate(SimCiphertext a, int steps) {
        check(a);
        int s = Math.floorMod(steps, slots);
        if (s != 0) {
            rotations++;
            countStep(s);
        }
        return create(rotated(a.slots, s), a.levelsUsed, a.pendingRescales);
    }

    @Override
    public List<SimCiphertext> rotateHoisted(SimCiphertext a, int[] steps) {
        check(a);
        List<SimCiphertext> out = new ArrayList<>(steps.length);
        boolean decomposed = false;
        for (int step : steps) {
            int s = Math.floorMod(step, slots);
            if (s != 0) {
                hoistedRotations++;
                countStep(s);
                decomposed = true;
            }
            out.add(create(rotated(a.slots, s), a.levelsUsed, a.pendingRescales));
        }
        if (decomposed) {
            decompositions++;
        }
        return out;
    }

    @Override
    public SimCiphertext add(SimCiphertext a, SimCiphertext b) {
        return combine(a, b, 1, "add");
    }

    @Override
    public SimCiphertext sub(SimCiphertext a, SimCiphertext b) {
        return combine(a, b, -1, "sub");
    }

    @Override
    public SimCiphertext multiplyPlain(SimCiphertext a, double[] plain) {
        check(a);
        checkLength(plain, "multiplyPlain");
        plaintextMultiplies++;
        double[] out = buffer();
        for (int i = 0; i < slots; i++) {
            out[i] = a.slots[i] * plain[i];
        }
        return create(out, a.levelsUsed, a.pendingRescales + 1);
    }

    @Override
    public SimCiphertext addPlain(SimCiphertext a, double[] plain) {
        check(a);
        checkLength(plain, "addPlain");
        plaintextAdditions++;
        double[] out = buffer();
        for (int i = 0; i < slots; i++) {
            out[i] = a.slots[i] + plain[i];
        }
        return create(out, a.levelsUsed, a.pendingRescales);
    }

    @Override
    public SimCiphertext multiplyConstant(SimCiphertext a, double c) {
        check(a);
        constantMultiplies++;
        double[] out = buffer();
        for (int i = 0; i < slots; i++) {
            out[i] = a.slots[i] * c;
        }
        return create(out, a.levelsUsed, a.pendingRescales + 1);
    }

    @Override
    public SimCiphertext multiply(SimCiphertext a, SimCiphertext b) {
        check(a);
        check(b);
        ciphertextMultiplies++;
        double[] out = buffer();
        for (int i = 0; i < slots; i++) {
            out[i] = a.slots[i] * b.slots[i];
        }
        return create(out, Math.max(a.levelsUsed, b.levelsUsed), a.pendingRescales + b.pendingRescales + 1);
    }

    @Override
    public SimCiphertext evaluatePolynomial(SimCiphertext a, List<ChebyshevPolynomial> stages) {
        check(a);
        if (stages == null || stages.isEmpty()) {
            throw new IllegalArgumentException("evaluatePolynomial: no stage given");
        }
        if (a.pendingRescales != 0) {
            throw new IllegalStateException("evaluatePolynomial: rescale the ciphertext first");
        }
        double[] out = buffer();
        System.arraycopy(a.slots, 0, out, 0, slots);
        for (ChebyshevPolynomial p : stages) {
            for (int i = 0; i < slots; i++) {
                out[i] = p.evaluate(out[i]);
            }
        }
        countPolynomial(stages);
        return create(out, a.levelsUsed + ChebyshevEvaluator.depth(stages), 0);
    }

    /** Charges a composite polynomial as described in the class comment. */
    private void countPolynomial(List<ChebyshevPolynomial> stages) {
        PolynomialCost cost = PolynomialCost.of(stages);
        ciphertextMultiplies += cost.ciphertextMultiplies();
        constantMultiplies += cost.constantMultiplies();
        additions += cost.additions();
        plaintextAdditions += cost.plaintextAdditions();
        rescales += cost.rescales();
    }

    @Override
    public SimCiphertext rescale(SimCiphertext a) {
        check(a);
        if (a.pendingRescales == 0) {
            throw new IllegalStateException("rescale: no multiplication to rescale");
        }
        rescales++;
        double[] out = buffer();
        System.arraycopy(a.slots, 0, out, 0, slots);
        return create(out, a.levelsUsed + 1, a.pendingRescales - 1);
    }

    @Override
    public void release(SimCiphertext a) {
        check(a);
        a.released = true;
        live--;
        if (pool.size() < POOL_LIMIT) {
            pool.push(a.slots);
        }
    }

    /** The counts so far (a snapshot). */
    public OpCounts counts() {
        return new OpCounts(rotations, hoistedRotations, decompositions,
                rotations + hoistedRotations + ciphertextMultiplies, plaintextMultiplies, constantMultiplies,
                ciphertextMultiplies, ciphertextMultiplies, additions, plaintextAdditions, rescales, live, peak, steps);
    }

    private SimCiphertext combine(SimCiphertext a, SimCiphertext b, int sign, String op) {
        check(a);
        check(b);
        if (a.pendingRescales != b.pendingRescales) {
            throw new IllegalStateException(op + ": operands at different scales (" + a.pendingRescales + " and "
                    + b.pendingRescales + " multiplications since the last rescale)");
        }
        additions++;
        double[] out = buffer();
        for (int i = 0; i < slots; i++) {
            out[i] = a.slots[i] + sign * b.slots[i];
        }
        return create(out, Math.max(a.levelsUsed, b.levelsUsed), a.pendingRescales);
    }

    private double[] rotated(double[] v, int s) {
        double[] out = buffer();
        System.arraycopy(v, s, out, 0, slots - s);
        System.arraycopy(v, 0, out, slots - s, s);
        return out;
    }

    /** Counts a key for step s in [1, slots), named by its representative in (-slots/2, slots/2]. */
    private void countStep(int s) {
        steps.merge(s > slots / 2 ? s - slots : s, 1L, Long::sum);
    }

    /**
     * A slot array for a result, recycled from released ciphertexts when there is one (its old values are
     * overwritten by every caller): the simulator's arithmetic is bound by memory traffic, and recycling saves the
     * zeroing of fresh arrays and most of the garbage collection.
     */
    private double[] buffer() {
        double[] b = pool.poll();
        return b != null ? b : new double[slots];
    }

    private SimCiphertext create(double[] values, int levelsUsed, int pending) {
        live++;
        peak = Math.max(peak, live);
        return new SimCiphertext(values, levelsUsed, pending);
    }

    private SimCiphertext check(SimCiphertext a) {
        if (a.released) {
            throw new IllegalStateException("ciphertext used after release");
        }
        if (a.slots.length != slots) {
            throw new IllegalArgumentException("ciphertext of " + a.slots.length + " slots given to a simulator of "
                    + slots);
        }
        return a;
    }

    private void checkLength(double[] v, String op) {
        if (v.length != slots) {
            throw new IllegalArgumentException(op + ": vector of " + v.length + " values, expected " + slots);
        }
    }
}
