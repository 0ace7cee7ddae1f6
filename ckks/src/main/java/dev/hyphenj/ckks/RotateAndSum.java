package dev.hyphenj.ckks;

import java.util.Arrays;

/**
 * Rotate-and-sum: the sum of the rotations of a ciphertext by 0, s, 2s, ..., (n-1)s for n a power of two, in
 * log2(n) rotations and additions (acc += rot(acc, s); acc += rot(acc, 2s); ...). It needs the Galois keys for
 * s, 2s, 4s, ..., (n/2)s, which {@link #rotationSteps} lists. No level is consumed and the scale is unchanged.
 *
 * <p>With n s equal to the slot count this puts the sum of each residue class modulo s in every slot of the class
 * (n = slots and s = 1: the total in every slot); it is the replication step of CAConv in DESIGN section 5.
 */
public final class RotateAndSum {
    private RotateAndSum() {}

    /**
     * Sum over i in [0, count) of rot(ct, i * step), rotations to the left. {@code count} must be a power of two
     * (1 returns a copy); the result is a new ciphertext.
     */
    public static Ciphertext apply(Evaluator evaluator, Ciphertext ct, int step, int count) {
        int[] steps = rotationSteps(step, count, ct.logSlots());
        evaluator.requireRotationKeys("rotate-and-sum of " + count + " rotations by " + step, steps);
        Ciphertext acc = ct.copy();
        try {
            for (int r : steps) {
                try (Ciphertext rotated = evaluator.rotate(acc, r)) {
                    evaluator.addInPlace(acc, rotated);
                }
            }
            return acc;
        } catch (RuntimeException e) {
            acc.close();
            throw e;
        }
    }

    /**
     * The rotation steps (Galois keys) {@link #apply} needs for {@code count} rotations of {@code step} slots on a
     * ciphertext of 2^logSlots slots: step * 2^i reduced modulo the slot count, for 2^i < count (zero steps, which
     * need no key, are left out).
     */
    public static int[] rotationSteps(int step, int count, int logSlots) {
        if (count < 1 || Integer.bitCount(count) != 1) {
            throw new IllegalArgumentException("rotate-and-sum: count " + count + " is not a power of two");
        }
        if (logSlots < 0 || logSlots > 30) {
            throw new IllegalArgumentException("rotate-and-sum: log2 slots " + logSlots + " is out of range");
        }
        int slots = 1 << logSlots;
        int[] steps = new int[Integer.numberOfTrailingZeros(count)];
        int n = 0;
        for (long s = step; n < steps.length; s *= 2) {
            steps[n++] = (int) Math.floorMod(s, (long) slots);
        }
        return Arrays.stream(steps).filter(s -> s != 0).toArray();
    }
}
