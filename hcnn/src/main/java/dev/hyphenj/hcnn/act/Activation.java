package dev.hyphenj.hcnn.act;

import dev.hyphenj.hcnn.eval.HeEvaluator;

/**
 * An activation layer on the ciphertexts of one tensor, written against {@link HeEvaluator}. Implementations keep
 * the layouts' rule that slots outside the tensor hold zero (f(0) = 0 there).
 */
public interface Activation {
    /**
     * The activation of ciphertext {@code ciphertext} of the tensor (the index matters for per-channel coefficients),
     * as a new handle; {@code x} has no pending rescale and stays the caller's. The result has no pending rescale.
     */
    <C> C apply(HeEvaluator<C> ev, C x, int ciphertext);

    /** Levels the activation consumes. */
    int levels();

    /**
     * The factor the activation expects its input multiplied by, which the layer before applies for free (a
     * bootstrap's output scale, a convolution's weights): 1 unless the activation says otherwise.
     */
    default double inputScale() {
        return 1;
    }

    /** A short name for reports, such as {@code appRelu}. */
    String kind();
}
