package dev.hyphenj.hcnn.head;

import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.layout.TensorLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Global average pooling of packed channel planes, by rotate-and-sum inside each block: the sum over the w columns
 * of a plane at gap g (values g apart), then over its h rows (g * W apart, W the frame width), leaves in the first
 * slot of every block the sum of its plane. Each sum of n shifted copies costs about log2(n) rotations (exactly
 * log2(n) for a power of two: 3 + 3 for an 8 x 8 plane), no multiplication and no level. The division by h * w is
 * left to the next layer ({@link FullyConnected#afterPool} folds it into its weights).
 *
 * <p>With {@code unitStepsOnly}, each sum of n copies is instead accumulated one step at a time
 * (S_(k+1) = x + rot(S_k, step)): n - 1 rotations, but only by g and g * W, which are rotation steps of the 3x3
 * taps at gap g already, so pooling needs no Galois key of its own (for ResNet-20: 14 rotations per ciphertext
 * instead of 6, and none of the 4 keys 8, 16, 256, 512).
 *
 * <p>Output: channel c's plane sum is in slot {@link #slotOf}(c) of ciphertext {@link #ciphertextOf}(c) (its first
 * copy in the layout: block c mod m); the other slots hold partial sums (not zeros), so the next layer must read
 * only those slots. Works on any layout, CA or PR(m), at any gap.
 */
public final class GlobalAveragePool {
    private final TensorLayout in;
    private final boolean unitStepsOnly;

    /** Pooling of tensors in {@code in}, with the fewest rotations. */
    public GlobalAveragePool(TensorLayout in) {
        this(in, false);
    }

    /** Pooling of tensors in {@code in}; {@code unitStepsOnly}: rotations by g and g * W only (see above). */
    public GlobalAveragePool(TensorLayout in, boolean unitStepsOnly) {
        this.in = in;
        this.unitStepsOnly = unitStepsOnly;
    }

    public TensorLayout inputLayout() {
        return in;
    }

    /** The plane size h * w the sums are to be divided by. */
    public int divisor() {
        return in.height() * in.width();
    }

    /** The ciphertext that holds channel c's sum. */
    public int ciphertextOf(int channel) {
        checkChannel(channel);
        return channel / in.m();
    }

    /** The slot that holds channel c's sum: the first slot of its first block. */
    public int slotOf(int channel) {
        checkChannel(channel);
        return (channel % in.m()) * in.frame().blockSize();
    }

    /** The means of the channel planes of a tensor [c][h][w], in double. */
    public static double[] applyPlain(double[][][] x) {
        double[] out = new double[x.length];
        for (int c = 0; c < x.length; c++) {
            double sum = 0;
            for (double[] row : x[c]) {
                for (double v : row) {
                    sum += v;
                }
            }
            out[c] = sum / (x[c].length * x[c][0].length);
        }
        return out;
    }

    /**
     * The plane sums of the packed input (see the class comment for where they are), one new ciphertext per input
     * ciphertext; no level consumed. The inputs stay the caller's.
     */
    public <C> List<C> apply(HeEvaluator<C> ev, List<C> input) {
        if (ev.slots() != in.frame().slots()) {
            throw new IllegalArgumentException("evaluator of " + ev.slots() + " slots for frames of "
                    + in.frame().slots());
        }
        if (input.size() != in.ciphertexts()) {
            throw new IllegalArgumentException(input.size() + " ciphertexts given, " + in + " needs "
                    + in.ciphertexts());
        }
        List<C> out = new ArrayList<>(input.size());
        for (C x : input) {
            C rows = sumOfShifts(ev, x, in.width(), in.gap(), unitStepsOnly);
            C all = sumOfShifts(ev, rows, in.height(), in.gap() * in.frame().width(), unitStepsOnly);
            if (all != rows) {
                ev.release(rows);
            }
            out.add(all);
        }
        return out;
    }

    /** The rotation steps {@link #apply} uses (one Galois key each), positive, ascending. */
    public int[] rotationSteps() {
        TreeSet<Integer> steps = new TreeSet<>();
        for (int s : shiftSteps(in.width(), in.gap(), unitStepsOnly)) {
            steps.add(s);
        }
        for (int s : shiftSteps(in.height(), in.gap() * in.frame().width(), unitStepsOnly)) {
            steps.add(s);
        }
        return steps.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Rotations per input ciphertext. */
    public int rotationsPerCiphertext() {
        return shiftSteps(in.width(), in.gap(), unitStepsOnly).length
                + shiftSteps(in.height(), in.gap() * in.frame().width(), unitStepsOnly).length;
    }

    /**
     * sum over i < n of rot(x, i * step), a new handle (a copy of x for n = 1). From the top bit of n down:
     * S_2k = S_k + rot(S_k, k * step), S_(k+1) = x + rot(S_k, step); with {@code unit}, S_(k+1) only.
     */
    private static <C> C sumOfShifts(HeEvaluator<C> ev, C x, int n, int step, boolean unit) {
        C acc = null; // null stands for S_1 = x itself
        if (unit) {
            for (int k = 1; k < n; k++) {
                C shifted = ev.rotate(acc == null ? x : acc, step);
                C next = ev.add(x, shifted);
                ev.release(shifted);
                if (acc != null) {
                    ev.release(acc);
                }
                acc = next;
            }
            return acc != null ? acc : ev.rotate(x, ev.slots());
        }
        int k = 1;
        for (int bit = Integer.highestOneBit(n) >> 1; bit > 0; bit >>= 1) {
            C cur = acc == null ? x : acc;
            C r = ev.rotate(cur, k * step);
            C doubled = ev.add(cur, r);
            ev.release(r);
            if (acc != null) {
                ev.release(acc);
            }
            acc = doubled;
            k *= 2;
            if ((n & bit) != 0) {
                C shifted = ev.rotate(acc, step);
                C next = ev.add(x, shifted);
                ev.release(shifted);
                ev.release(acc);
                acc = next;
                k += 1;
            }
        }
        return acc != null ? acc : ev.rotate(x, ev.slots()); // n = 1: a free copy
    }

    /** The steps {@link #sumOfShifts} rotates by, in order. */
    private static int[] shiftSteps(int n, int step, boolean unit) {
        List<Integer> steps = new ArrayList<>();
        if (unit) {
            for (int k = 1; k < n; k++) {
                steps.add(step);
            }
            return steps.stream().mapToInt(Integer::intValue).toArray();
        }
        int k = 1;
        for (int bit = Integer.highestOneBit(n) >> 1; bit > 0; bit >>= 1) {
            steps.add(k * step);
            k *= 2;
            if ((n & bit) != 0) {
                steps.add(step);
                k += 1;
            }
        }
        return steps.stream().mapToInt(Integer::intValue).toArray();
    }

    private void checkChannel(int channel) {
        if (channel < 0 || channel >= in.channels()) {
            throw new IllegalArgumentException("channel " + channel + " of a tensor of " + in.channels());
        }
    }
}
