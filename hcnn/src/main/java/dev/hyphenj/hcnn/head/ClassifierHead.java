package dev.hyphenj.hcnn.head;

import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.layout.TensorLayout;
import java.util.List;
import java.util.TreeSet;

/**
 * Global average pooling then the fully connected layer, on packed features (for ResNet-20: 64 channels of 8 x 8 at
 * gap 4, CA, two ciphertexts of 2^15 slots, into 10 logits): {@link GlobalAveragePool} sums each plane in place, and
 * {@link FullyConnected#afterPool} applies W / (h w) and the bias. One level, one output ciphertext.
 */
public final class ClassifierHead {
    private final GlobalAveragePool pool;
    private final FullyConnected fc;

    /** The head for features in {@code features} and the linear layer W [classes][channels], b [classes]. */
    public ClassifierHead(TensorLayout features, double[][] weight, double[] bias) {
        this(features, weight, bias, false);
    }

    /**
     * As above; {@code poolWithUnitStepsOnly} makes the pooling rotate only by the taps' steps (more rotations, no
     * Galois key of its own: see {@link GlobalAveragePool}).
     */
    public ClassifierHead(TensorLayout features, double[][] weight, double[] bias, boolean poolWithUnitStepsOnly) {
        this.pool = new GlobalAveragePool(features, poolWithUnitStepsOnly);
        this.fc = FullyConnected.afterPool(pool, weight, bias);
    }

    public GlobalAveragePool pool() {
        return pool;
    }

    public FullyConnected fullyConnected() {
        return fc;
    }

    /** The logits of a plain feature tensor [c][h][w]. */
    public double[] applyPlain(double[][][] features) {
        return fc.applyPlain(GlobalAveragePool.applyPlain(features));
    }

    /** The logits ciphertext of the packed features (the inputs stay the caller's); read it with {@link #decode}. */
    public <C> C apply(HeEvaluator<C> ev, List<C> features) {
        List<C> sums = pool.apply(ev, features);
        C logits = fc.apply(ev, sums);
        sums.forEach(ev::release);
        return logits;
    }

    /** The logits from the decrypted slots of {@link #apply}'s result. */
    public double[] decode(double[] slots) {
        return fc.decode(slots);
    }

    /** Every rotation step (Galois key) the head uses, each in (-S/2, S/2], ascending. */
    public int[] rotationSteps() {
        int s = pool.inputLayout().frame().slots();
        TreeSet<Integer> all = new TreeSet<>();
        for (int r : pool.rotationSteps()) {
            all.add(r > s / 2 ? r - s : r);
        }
        for (int r : fc.transform().rotationSteps()) {
            all.add(r);
        }
        return all.stream().mapToInt(Integer::intValue).toArray();
    }
}
