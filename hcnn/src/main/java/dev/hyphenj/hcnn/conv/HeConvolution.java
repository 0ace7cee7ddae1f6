package dev.hyphenj.hcnn.conv;

import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.layout.TensorLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * What CAConv and RAConv share: a convolution evaluated block-diagonally on packed ciphertexts.
 *
 * <p>For each output ciphertext k and each block diagonal d = 0 .. m-1 (m of the PR side), the sum Y_d over input
 * ciphertexts j and taps t of (input j rotated for tap t) times a weight plaintext puts, into block b, the
 * contribution of the input channel in block b to the output channel that block b - d of the output will hold.
 * Rotating Y_d left by d blocks and summing over d gives every output block the contributions of m input blocks; the
 * subclass then gathers the rest ({@link CAConv}: rotate-and-sum over the replicas; {@link RAConv}: nothing). One
 * rescale and the bias follow.
 * The weight plaintexts are built when used and dropped: zero where a block's channel does not exist, where a tap
 * reads padding and where the stride discards the output.
 *
 * <p>Rotations per call: one hoisted batch of k*k - 1 tap rotations per input ciphertext, m - 1 block rotations per
 * output ciphertext, plus what the subclass gathers with. Plaintext multiplies: m * k*k per input and output
 * ciphertext pair.
 *
 * <p>Block rotations in baby and giant steps ({@link #babySteps()} = n1 > 1): with d = g + b (g a multiple of n1,
 * 0 <= b < n1), the diagonals of a giant group are rotated by b blocks, summed, and the group's sum rotated by g
 * blocks. The count stays m - 1 (n1 - 1 per group and one per group but the first), while the rotation keys drop from
 * the m - 1 steps 1 .. m-1 blocks to (n1 - 1) + (m/n1 - 1): the planner uses this to keep the key set small.
 */
public abstract sealed class HeConvolution permits CAConv, RAConv {
    private final Convolution conv;
    private final TensorLayout in;
    private final TensorLayout out;
    private final Taps taps;
    private final int babySteps;

    HeConvolution(Convolution conv, TensorLayout in, TensorLayout out, int m, int babySteps) {
        if (in.channels() != conv.inChannels()) {
            throw new IllegalArgumentException("a convolution of " + conv.inChannels() + " input channels given "
                    + in);
        }
        this.conv = conv;
        this.in = in;
        this.out = out;
        this.taps = new Taps(conv, in, out);
        if (babySteps < 1 || m % Math.min(babySteps, m) != 0) {
            throw new IllegalArgumentException("baby steps must be positive and divide m = " + m + ", got "
                    + babySteps);
        }
        this.babySteps = Math.min(babySteps, m);
    }

    /** The output layout for an input layout, the convolution and the output's m. */
    static TensorLayout outputLayout(Convolution conv, TensorLayout in, int m) {
        return new TensorLayout(in.frame(), conv.outChannels(), conv.outputSize(in.height()),
                conv.outputSize(in.width()), in.gap() * conv.stride(), m);
    }

    public Convolution convolution() {
        return conv;
    }

    public TensorLayout inputLayout() {
        return in;
    }

    public TensorLayout outputLayout() {
        return out;
    }

    /** Baby steps n1 of the block rotations (1: every diagonal rotated by its own step). */
    public int babySteps() {
        return babySteps;
    }

    /** The block diagonals summed per output ciphertext (m of the PR side). */
    abstract int diagonals();

    /** The input channel in block b of input ciphertext j (past the last channel if none). */
    abstract int inputChannel(int j, int b);

    /** The output channel whose contributions block b of Y_d holds for output ciphertext k. */
    abstract int outputChannel(int k, int d, int b);

    /** Completes the sum over input channels of the summed diagonals z, consuming z. */
    abstract <C> C gather(HeEvaluator<C> ev, C z);

    /** The convolution of the packed input (in {@link #inputLayout()}); the result is in {@link #outputLayout()}. */
    public <C> List<C> apply(HeEvaluator<C> ev, List<C> input) {
        return apply(ev, input, List.of(conv)).getFirst();
    }

    /**
     * Several convolutions of the same shape and stride as this one ({@code weightSets}, such as s = conv(x) and
     * a (.) conv(x) + b for a degree-2 activation) of the packed input from one set of hoisted tap rotations:
     * element i of the result is convolution i in {@link #outputLayout()}. The tap rotations are shared; the
     * plaintext multiplies, block rotations and gathering are done per weight set.
     */
    public <C> List<List<C>> apply(HeEvaluator<C> ev, List<C> input, List<Convolution> weightSets) {
        if (ev.slots() != in.frame().slots()) {
            throw new IllegalArgumentException("evaluator of " + ev.slots() + " slots for frames of "
                    + in.frame().slots());
        }
        if (input.size() != in.ciphertexts()) {
            throw new IllegalArgumentException(input.size() + " ciphertexts given, " + in + " needs "
                    + in.ciphertexts());
        }
        for (Convolution w : weightSets) {
            if (w.outChannels() != conv.outChannels() || w.inChannels() != conv.inChannels()
                    || w.kernel() != conv.kernel() || w.stride() != conv.stride()) {
                throw new IllegalArgumentException("a weight set of another shape than " + conv.outChannels() + "x"
                        + conv.inChannels() + "x" + conv.kernel() + " stride " + conv.stride());
            }
        }
        List<List<C>> rotated = new ArrayList<>(input.size());
        for (C x : input) {
            rotated.add(taps.rotate(ev, x));
        }
        List<List<C>> results = new ArrayList<>(weightSets.size());
        for (Convolution w : weightSets) {
            results.add(convolve(ev, rotated, w));
        }
        for (List<C> r : rotated) {
            taps.release(ev, r);
        }
        return results;
    }

    /** One weight set's output ciphertexts from the tap rotations of every input ciphertext. */
    private <C> List<C> convolve(HeEvaluator<C> ev, List<List<C>> rotated, Convolution w) {
        List<double[]> bias = out.packPerChannel(w.bias());
        int p = in.frame().blockSize();
        List<C> result = new ArrayList<>(out.ciphertexts());
        for (int k = 0; k < out.ciphertexts(); k++) {
            List<C> groups = new ArrayList<>();
            List<Integer> giantSteps = new ArrayList<>();
            for (int g = 0; g < diagonals(); g += babySteps) {
                List<C> ys = new ArrayList<>();
                int[] babyRotations = new int[babySteps];
                for (int b = 0; b < babySteps; b++) {
                    List<C> terms = new ArrayList<>();
                    List<double[]> plains = new ArrayList<>();
                    for (int j = 0; j < rotated.size(); j++) {
                        for (int t = 0; t < taps.count(); t++) {
                            terms.add(rotated.get(j).get(t));
                            plains.add(plaintext(w, k, g + b, j, t));
                        }
                    }
                    ys.add(ev.multiplyPlainSum(terms, plains));
                    babyRotations[b] = b * p;
                }
                groups.add(sum(ev, ys, babyRotations));
                giantSteps.add(g * p);
            }
            C sum = sum(ev, groups, giantSteps.stream().mapToInt(Integer::intValue).toArray());
            C gathered = gather(ev, sum);
            C rescaled = ev.rescale(gathered);
            ev.release(gathered);
            result.add(ev.addPlain(rescaled, bias.get(k)));
            ev.release(rescaled);
        }
        return result;
    }

    /** The plaintext of weights w for output ciphertext k, diagonal d, input ciphertext j and tap t. */
    private double[] plaintext(Convolution w, int k, int d, int j, int t) {
        Frame f = in.frame();
        double[] v = new double[f.slots()];
        int kernel = conv.kernel();
        int[] offsets = taps.validOffsets(t);
        for (int b = 0; b < f.blocks(); b++) {
            int c = inputChannel(j, b), o = outputChannel(k, d, b);
            if (c >= in.channels() || o >= out.channels()) {
                continue;
            }
            double weight = w.weights()[o][c][t / kernel][t % kernel];
            int base = b * f.blockSize();
            for (int off : offsets) {
                v[base + off] = weight;
            }
        }
        return v;
    }

    /** The sum of the terms rotated left by their steps, releasing the terms (the one term itself if unrotated). */
    private static <C> C sum(HeEvaluator<C> ev, List<C> terms, int[] steps) {
        if (terms.size() == 1 && steps[0] == 0) {
            return terms.getFirst();
        }
        C s = ev.rotateSum(terms, steps);
        terms.forEach(ev::release);
        return s;
    }
}
