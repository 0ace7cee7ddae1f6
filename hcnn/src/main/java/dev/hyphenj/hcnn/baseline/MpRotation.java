package dev.hyphenj.hcnn.baseline;

import dev.hyphenj.hcnn.eval.HeEvaluator;

/**
 * How FHE-MP-CNN rotates ({@code memory_save_rotate} in {@code cnn_seal.cpp}): every rotation is an ordinary one,
 * never hoisted; the step is taken modulo the slot count n into [0, n), and steps 34..55 and 57..61, for which its
 * key list holds no key, are done as a rotation by 33 followed by one by (step - 33). So those steps cost two key
 * switches.
 */
final class MpRotation {
    private MpRotation() {}

    /** Whether FHE-MP-CNN splits a step in [0, n) into 33 + (step - 33). */
    static boolean split(int step) {
        return (step >= 34 && step <= 55) || (step >= 57 && step <= 61);
    }

    /** x rotated left by steps as FHE-MP-CNN does it; a new handle (x is kept), or x itself for a zero step. */
    static <C> C rotate(HeEvaluator<C> ev, C x, int steps) {
        int s = Math.floorMod(steps, ev.slots());
        if (s == 0) {
            return x;
        }
        if (!split(s)) {
            return ev.rotate(x, s);
        }
        C first = ev.rotate(x, 33);
        C r = ev.rotate(first, s - 33);
        ev.release(first);
        return r;
    }


    /** x + (x rotated by steps), a new handle; x is kept. */
    static <C> C plusRotated(HeEvaluator<C> ev, C x, int steps) {
        C r = rotate(ev, x, steps);
        C s = ev.add(x, r);
        if (r != x) {
            ev.release(r);
        }
        return s;
    }

    /** x + (x rotated by steps), a new handle; x is released. */
    static <C> C rotateAndSum(HeEvaluator<C> ev, C x, int steps) {
        C s = plusRotated(ev, x, steps);
        ev.release(x);
        return s;
    }
}
