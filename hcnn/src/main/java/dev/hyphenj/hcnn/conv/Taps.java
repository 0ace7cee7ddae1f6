package dev.hyphenj.hcnn.conv;

import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.layout.TensorLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The kernel taps of a convolution on gapped planes. Tap (dy, dx) (offsets from the kernel centre) reads input value
 * (y + dy, x + dx) for output position (y, x): rotating the input left by g * (dy * W + dx) slots (g the input gap,
 * W the frame width) brings it into the slot of input position (y, x), which is where a stride-s output (y', x')
 * lies, at (s y', s x'). A tap is valid for an output position when it reads inside the plane, not padding; the
 * weight plaintexts are zero everywhere else, which folds padding and stride into the multiplies.
 */
final class Taps {
    private final int count;
    private final int centre;
    private final int[] steps;
    private final int[][] validOffsets;

    Taps(Convolution conv, TensorLayout in, TensorLayout out) {
        int k = conv.kernel(), pad = conv.padding(), s = conv.stride();
        count = k * k;
        centre = pad * k + pad;
        steps = new int[count];
        validOffsets = new int[count][];
        for (int t = 0; t < count; t++) {
            int dy = t / k - pad, dx = t % k - pad;
            steps[t] = in.gap() * (dy * in.frame().width() + dx);
            int[] offsets = new int[out.height() * out.width()];
            int n = 0;
            for (int y = 0; y < out.height(); y++) {
                for (int x = 0; x < out.width(); x++) {
                    int iy = s * y + dy, ix = s * x + dx;
                    if (iy >= 0 && iy < in.height() && ix >= 0 && ix < in.width()) {
                        offsets[n++] = out.positionOffset(y, x);
                    }
                }
            }
            validOffsets[t] = Arrays.copyOf(offsets, n);
        }
    }

    /** Taps per kernel: k * k. */
    int count() {
        return count;
    }

    /** The in-block offsets of the output positions where tap t reads inside the input plane. */
    int[] validOffsets(int t) {
        return validOffsets[t];
    }

    /**
     * The input rotated for every tap, by one hoisted batch (no rotation for a 1x1 kernel); element t is the copy
     * for tap t, and the centre tap is {@code x} itself.
     */
    <C> List<C> rotate(HeEvaluator<C> ev, C x) {
        int[] offCentre = new int[count - 1];
        for (int t = 0, i = 0; t < count; t++) {
            if (t != centre) {
                offCentre[i++] = steps[t];
            }
        }
        List<C> rotated = offCentre.length == 0 ? List.of() : ev.rotateHoisted(x, offCentre);
        List<C> all = new ArrayList<>(rotated);
        all.add(centre, x);
        return all;
    }

    /** Releases the copies {@link #rotate} made (not the input itself). */
    <C> void release(HeEvaluator<C> ev, List<C> rotated) {
        for (int t = 0; t < count; t++) {
            if (t != centre) {
                ev.release(rotated.get(t));
            }
        }
    }
}
