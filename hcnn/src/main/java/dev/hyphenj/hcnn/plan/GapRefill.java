package dev.hyphenj.hcnn.plan;

import dev.hyphenj.hcnn.eval.HeEvaluator;
import java.util.ArrayList;
import java.util.List;

/**
 * Gap refilling (DESIGN 5, "gap offsets may be refilled with other channels"): a tensor at 2D gap g uses one slot in
 * g x g of its planes, so up to g^2 ciphertexts of the same layout fit in one, each moved right by its own offset
 * inside the g x g cell ({@link #refill}: one rotation per ciphertext but the first). A bootstrap and an activation
 * then cost one ciphertext instead of several. The next convolution gets the ciphertexts back by rotating the
 * refilled one left by each offset ({@link #expand}: one hoisted batch); each copy holds its own ciphertext's values
 * at the places of the layout and the other sets' values between them, which the convolution's weight plaintexts
 * (zero away from the layout's places) ignore, and so does a sum with another expanded copy of the same offsets.
 * A refilled PR(m) tensor stays periodic with period m P, so it is still a sparse message of m P slots.
 */
public final class GapRefill {
    private GapRefill() {}

    /**
     * Slot offsets for {@code sets} ciphertexts in a g x g cell of a frame {@code frameWidth} wide: a grid of
     * rows x columns sets (rows = columns or twice as many), spread evenly over the cell, the first at offset 0.
     * For 2 sets at gap 4 in a 32-wide frame: 0 and 64 (two rows down); for 4: 0, 2, 64, 66.
     */
    public static int[] offsets(int sets, int gap, int frameWidth) {
        if (sets < 1 || Integer.bitCount(sets) != 1 || sets > gap * gap) {
            throw new IllegalArgumentException(sets + " sets do not fit the " + gap + "x" + gap + " cells of gap "
                    + gap);
        }
        int rows = 1 << ((Integer.numberOfTrailingZeros(sets) + 1) / 2), columns = sets / rows;
        int[] off = new int[sets];
        for (int j = 0; j < sets; j++) {
            off[j] = (j / columns) * (gap / rows) * frameWidth + (j % columns) * (gap / columns);
        }
        return off;
    }

    /** One ciphertext holding ciphertext j moved right by offsets[j] (a new handle; the inputs are kept). */
    public static <C> C refill(HeEvaluator<C> ev, List<C> cts, int[] offsets) {
        if (cts.size() != offsets.length || offsets[0] != 0) {
            throw new IllegalArgumentException(cts.size() + " ciphertexts for offsets starting at " + offsets[0]);
        }
        C sum = null;
        for (int j = 1; j < cts.size(); j++) {
            C moved = ev.rotate(cts.get(j), -offsets[j]);
            if (sum == null) {
                sum = moved;
            } else {
                C s = ev.add(sum, moved);
                ev.release(sum);
                ev.release(moved);
                sum = s;
            }
        }
        if (sum == null) {
            return ev.rotate(cts.getFirst(), 0);
        }
        C s = ev.add(sum, cts.getFirst());
        ev.release(sum);
        return s;
    }

    /**
     * The ciphertexts of a refilled one: element 0 is {@code packed} itself, element j (j > 0) a new handle, packed
     * rotated left by offsets[j], all from one hoisted batch.
     */
    public static <C> List<C> expand(HeEvaluator<C> ev, C packed, int[] offsets) {
        List<C> out = new ArrayList<>(offsets.length);
        out.add(packed);
        if (offsets.length > 1) {
            int[] steps = new int[offsets.length - 1];
            for (int j = 1; j < offsets.length; j++) {
                steps[j - 1] = offsets[j];
            }
            out.addAll(ev.rotateHoisted(packed, steps));
        }
        return out;
    }
}
