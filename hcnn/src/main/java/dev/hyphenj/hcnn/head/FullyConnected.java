package dev.hyphenj.hcnn.head;

import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.layout.Frame;
import java.util.Arrays;
import java.util.List;

/**
 * A fully connected layer y = W x + b on features scattered over ciphertext slots: feature i is
 * {@code inputFactor} times slot {@code featureSlot[i]} of input ciphertext {@code featureCiphertext[i]} (after
 * {@link GlobalAveragePool}: the plane sums, with inputFactor 1/(h w)), output o goes to slot {@code outputSlot[o]}
 * of one ciphertext. The layer is the slot matrix M_j[outputSlot[o]][featureSlot[i]] = inputFactor * W[o][i]
 * (features i of ciphertext j) evaluated by {@link DiagonalTransform} (baby-step giant-step diagonal method), then
 * the bias is added. One level, one plaintext multiply per non-zero diagonal.
 *
 * <p>{@link #afterPool} puts output o in the first slot of block o mod B (plus o / B when there are more outputs
 * than blocks): for features at block starts the diagonals are then multiples of the block size, at most B of them
 * per input, and their rotation steps are the block rotations CAConv and RAConv use already.
 */
public final class FullyConnected {
    private final double[][] weight;
    private final double[] bias;
    private final int slots;
    private final int[] outputSlots;
    private final DiagonalTransform transform;
    private final double[] biasSlots;

    /**
     * The layer W [outputs][features], b [outputs] on features at the given positions of {@code inputs} ciphertexts
     * of {@code slots} slots, each feature read as inputFactor times its slot, outputs at {@code outputSlots}
     * (distinct).
     */
    public FullyConnected(double[][] weight, double[] bias, int slots, int inputs, int[] featureCiphertext,
            int[] featureSlot, double inputFactor, int[] outputSlots) {
        int outs = weight.length, features = weight[0].length;
        if (bias.length != outs || outputSlots.length != outs) {
            throw new IllegalArgumentException(outs + " output rows need as many biases and output slots, got "
                    + bias.length + " and " + outputSlots.length);
        }
        if (featureCiphertext.length != features || featureSlot.length != features) {
            throw new IllegalArgumentException(features + " features need as many positions, got "
                    + featureCiphertext.length + " and " + featureSlot.length);
        }
        if (Arrays.stream(outputSlots).distinct().count() != outs) {
            throw new IllegalArgumentException("output slots must be distinct");
        }
        this.weight = Arrays.stream(weight).map(double[]::clone).toArray(double[][]::new);
        this.bias = bias.clone();
        this.slots = slots;
        this.outputSlots = outputSlots.clone();
        DiagonalTransform.Builder b = DiagonalTransform.builder(slots, inputs);
        for (int o = 0; o < outs; o++) {
            if (weight[o].length != features) {
                throw new IllegalArgumentException("row " + o + " of the weights has " + weight[o].length
                        + " values, expected " + features);
            }
            for (int i = 0; i < features; i++) {
                b.add(featureCiphertext[i], outputSlots[o], featureSlot[i], inputFactor * weight[o][i]);
            }
        }
        this.transform = b.build();
        this.biasSlots = new double[slots];
        for (int o = 0; o < outs; o++) {
            biasSlots[outputSlots[o]] = bias[o];
        }
    }

    /**
     * The layer after {@code pool}: the pooled sums divided by the plane size, outputs at the first slot of block
     * o mod B (+ o / B).
     */
    public static FullyConnected afterPool(GlobalAveragePool pool, double[][] weight, double[] bias) {
        Frame f = pool.inputLayout().frame();
        int features = pool.inputLayout().channels();
        if (weight[0].length != features) {
            throw new IllegalArgumentException("weights for " + weight[0].length + " features after pooling "
                    + features + " channels");
        }
        int[] ct = new int[features], slot = new int[features];
        for (int c = 0; c < features; c++) {
            ct[c] = pool.ciphertextOf(c);
            slot[c] = pool.slotOf(c);
        }
        int[] out = new int[weight.length];
        for (int o = 0; o < out.length; o++) {
            if (o / f.blocks() >= f.blockSize()) {
                throw new IllegalArgumentException(weight.length + " outputs do not fit one ciphertext");
            }
            out[o] = (o % f.blocks()) * f.blockSize() + o / f.blocks();
        }
        return new FullyConnected(weight, bias, f.slots(), pool.inputLayout().ciphertexts(), ct, slot,
                1.0 / pool.divisor(), out);
    }

    /** Outputs (rows of W). */
    public int outputs() {
        return weight.length;
    }

    /** The slot of output o. */
    public int outputSlot(int o) {
        return outputSlots[o];
    }

    /** The diagonal product underneath (rotation counts, steps, baby steps). */
    public DiagonalTransform transform() {
        return transform;
    }

    /** The outputs read from the decrypted slots of {@link #apply}'s result. */
    public double[] decode(double[] slotValues) {
        if (slotValues.length != slots) {
            throw new IllegalArgumentException(slotValues.length + " slot values, expected " + slots);
        }
        double[] y = new double[outputSlots.length];
        for (int o = 0; o < y.length; o++) {
            y[o] = slotValues[outputSlots[o]];
        }
        return y;
    }

    /** W x + b in double, for the features x themselves (after the input factor). */
    public double[] applyPlain(double[] features) {
        double[] y = bias.clone();
        for (int o = 0; o < y.length; o++) {
            for (int i = 0; i < features.length; i++) {
                y[o] += weight[o][i] * features[i];
            }
        }
        return y;
    }

    /**
     * W x + b on the packed features: one ciphertext with output o at {@link #outputSlot}(o) and zeros elsewhere;
     * one level. The inputs stay the caller's.
     */
    public <C> C apply(HeEvaluator<C> ev, List<C> input) {
        C y = transform.apply(ev, input);
        C out = ev.addPlain(y, biasSlots);
        ev.release(y);
        return out;
    }
}
