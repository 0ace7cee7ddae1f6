package dev.hyphenj.hcnn.eval;

import dev.hyphenj.ckks.ChebyshevPolynomial;
import java.util.List;

/**
 * The homomorphic operations the CNN layers use, over opaque ciphertext handles of type {@code C}. The layer code
 * is written once against this interface; the slot simulator runs it on plain slot vectors (and counts every
 * operation), a CKKS implementation runs it on ciphertexts.
 *
 * <p>Conventions the layer code keeps, so that an RNS-CKKS implementation can implement every method directly:
 * <ul>
 *   <li>Every operation returns a new handle and leaves its operands unchanged. The caller owns the handles it gets
 *       and gives each back once with {@link #release}; layers never release the handles passed to them.</li>
 *   <li>Plaintexts are real slot vectors of length {@link #slots()}; the implementation encodes them when they are
 *       used, at the level and scale of the ciphertext they meet (levels and scales are its business).</li>
 *   <li>A multiplication (by a plaintext, a constant or a ciphertext) is followed by exactly one {@link #rescale}
 *       once the sum it feeds is complete; operands of {@link #add} and {@link #sub} have had the same number of
 *       multiplications since their last rescale.</li>
 *   <li>{@link #evaluatePolynomial} is the one composite operation: it manages its own levels and rescales and
 *       returns a rescaled ciphertext.</li>
 * </ul>
 *
 * @param <C> the ciphertext handle
 */
public interface HeEvaluator<C> {
    /** Slots per ciphertext (N/2 for CKKS). */
    int slots();

    /**
     * Rotates the slots left by {@code steps}: slot i of the result holds slot (i + steps) mod slots of {@code a}.
     * Negative steps rotate right. A step that is a multiple of the slot count gives a copy and needs no key.
     */
    C rotate(C a, int steps);

    /**
     * Rotations of one ciphertext by several steps sharing one key-switching decomposition (hoisting); element i
     * of the result is {@code rotate(a, steps[i])}.
     */
    List<C> rotateHoisted(C a, int[] steps);

    /**
     * The sum of a[i] rotated left by steps[i] (a zero step adds a[i] itself; at least one term): counted as the
     * rotations and additions of summing them one by one, which is what it does unless an implementation shares work
     * between the rotations (one ModDown for the sum in CKKS). The operands are kept.
     */
    default C rotateSum(List<C> a, int[] steps) {
        if (a.isEmpty() || a.size() != steps.length) {
            throw new IllegalArgumentException("rotateSum: " + a.size() + " ciphertexts and " + steps.length
                    + " steps");
        }
        C sum = null;
        for (int i = 0; i < a.size(); i++) {
            sum = accumulate(sum, rotate(a.get(i), steps[i]));
        }
        return sum;
    }

    /** a + b, slot-wise. */
    C add(C a, C b);

    /** a - b, slot-wise. */
    C sub(C a, C b);

    /** a times the plaintext slot vector {@code plain}, slot-wise; needs a {@link #rescale} afterwards. */
    C multiplyPlain(C a, double[] plain);

    /** a plus the plaintext slot vector {@code plain}, slot-wise. */
    C addPlain(C a, double[] plain);

    /** a times the constant c in every slot; needs a {@link #rescale} afterwards. */
    C multiplyConstant(C a, double c);

    /**
     * a times b, slot-wise (a ciphertext product, with relinearization: one key switch); like {@link #multiplyPlain}
     * it needs a {@link #rescale} afterwards. The operands should have no pending rescale; an implementation may
     * bring the higher one down to the other's level first.
     */
    C multiply(C a, C b);

    /**
     * The composite polynomial stages[k-1](...stages[0](a)) slot-wise: stage k is applied to stage k-1's output,
     * each on its own interval (the first stage's interval may fold an input scaling, such as AppReLU's 1/B, into
     * its change of variable). {@code a} must have no pending rescale; the implementation consumes the levels and
     * does the rescales itself and returns a ciphertext with no pending rescale, {@link
     * dev.hyphenj.ckks.ChebyshevEvaluator#depth(List)} levels below {@code a} (as {@link
     * dev.hyphenj.ckks.ChebyshevEvaluator#evaluateComposite} does in CKKS). Inputs outside the first stage's
     * interval give whatever the polynomial gives there (often a wrong answer, not a small error).
     */
    C evaluatePolynomial(C a, List<ChebyshevPolynomial> stages);

    /** Divides out the scale of the last multiplication, consuming one level. */
    C rescale(C a);

    /** Gives back a handle that will not be used again (frees its memory in CKKS). */
    void release(C a);

    /**
     * The sum of a[i] times the plaintext slot vector plains[i] (a convolution's sum of plaintext products; at least
     * one term); needs a {@link #rescale} afterwards. Counted as the products and additions of summing the terms one
     * by one, which is what it does unless an implementation encodes and multiplies the terms together. The operands
     * are kept.
     */
    default C multiplyPlainSum(List<C> a, List<double[]> plains) {
        if (a.isEmpty() || a.size() != plains.size()) {
            throw new IllegalArgumentException("multiplyPlainSum: " + a.size() + " ciphertexts and " + plains.size()
                    + " plaintexts");
        }
        C sum = null;
        for (int i = 0; i < a.size(); i++) {
            sum = accumulate(sum, multiplyPlain(a.get(i), plains.get(i)));
        }
        return sum;
    }

    /** sum + term as a new handle, releasing both; term itself when sum is null (the first term of a sum). */
    default C accumulate(C sum, C term) {
        if (sum == null) {
            return term;
        }
        C s = add(sum, term);
        release(sum);
        release(term);
        return s;
    }
}
