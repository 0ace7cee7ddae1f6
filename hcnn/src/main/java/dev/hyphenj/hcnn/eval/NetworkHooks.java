package dev.hyphenj.hcnn.eval;

/**
 * What a network runner asks of its caller besides the linear operations of {@link HeEvaluator}: the activation,
 * bootstrapping, and a report after each layer. Both return a new handle and leave the argument to the caller.
 *
 * @param <C> the ciphertext handle
 */
public interface NetworkHooks<C> {
    /** The activation of every slot (ReLU, approximated in CKKS), as a new handle. */
    C activate(C x);

    /**
     * The activation of ciphertext {@code ciphertext} of the tensor entering activation layer {@code layer} (named as
     * in the profiles: {@code relu_stem}, {@code layerS.B.relu1}, {@code layerS.B.relu2}), as a new handle; by
     * default {@link #activate(Object)}, the same for every layer.
     */
    default C activate(String layer, int ciphertext, C x) {
        return activate(x);
    }

    /**
     * A bootstrapped copy of x, at the top network level. {@code slots} is the sparse slot count the bootstrap may
     * use: x is periodic with that period.
     */
    C bootstrap(C x, int slots);

    /**
     * The bootstrap of ciphertext {@code ciphertext} of the tensor about to enter activation layer {@code layer}
     * (named as in {@link #activate(String, int, Object)}), so that an implementation can use the layer's range (a
     * CKKS bootstrap is precise relative to a bound on the slots); by default {@link #bootstrap(Object, int)}.
     * Implementations that choose the layer's activation return x times its {@code Activation.inputScale()} (free in
     * CKKS: the bootstrap's output scale), the input that activation expects.
     */
    default C bootstrap(String layer, int ciphertext, C x, int slots) {
        return bootstrap(x, slots);
    }

    /**
     * Called when the activation of {@code layer} begins, by networks whose activations are not
     * {@link #activate(String, int, Object)} calls (the degree-2 network's products), so that reports can split a
     * layer's operations from its activation's.
     */
    default void activationStarts(String layer) {}

    /** Called after each layer (with its activation) completes. */
    default void layerDone(String name) {}
}
