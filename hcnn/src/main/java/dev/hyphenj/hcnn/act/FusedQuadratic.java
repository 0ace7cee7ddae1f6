package dev.hyphenj.hcnn.act;

import dev.hyphenj.hcnn.conv.Convolution;
import dev.hyphenj.hcnn.conv.HeConvolution;
import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A convolution followed by a per-channel quadratic y = a s^2 + b s + c of its output s, in two levels (the
 * degree-2 networks' layer; {@link QuadraticActivation} after a convolution takes three): the convolution's level and
 * one ciphertext product's. The layer outputs y (.) outScale, outScale a non-zero factor per channel chosen by the
 * caller (its readers multiply by 1 / outScale in their weights, {@link Convolution#scaleInputs}). The quadratic takes
 * one of two forms:
 * <ul>
 *   <li><b>Square</b>, when a (.) outScale > 0 in every channel: y outScale = u^2 + c' with
 *       u = sqrt(a outScale) (.) (s + b / 2a) and c' = (c - b^2 / 4a) outScale (the square completed). u is one
 *       convolution (the root folded into the weights, the shift into the bias), so the layer costs what a plain
 *       convolution costs, plus one product u * u per output ciphertext. A caller makes every layer whose a has no
 *       zero take this form by giving outScale the signs of a ({@link #outputSigns}): a negative channel is then
 *       carried negated, and its readers negate it again for free. The shift b / 2a grows as 1 / a, with a
 *       cancellation in u^2 + c': in the trained network |b / 2a| <= 128, |u| <= 6 and |c'| <= 37 (layer1.0.act2,
 *       a = 0.0022), which costs about 2^-5 of the square's absolute precision.</li>
 *   <li><b>Product</b>, otherwise: from one set of hoisted tap rotations the convolution computes s = conv(x) and,
 *       with a second weight set, t = a outScale (.) conv(x) + (a (.) bias + b) outScale (folded into the weights
 *       and bias, per output channel); then y outScale = s * t + c outScale. The tap rotations are shared, but the
 *       plaintext multiplies, the block rotations and the rotate-and-sum rotations (CAConv) run for s and t alike.</li>
 * </ul>
 *
 * <p>A residual input r (the sum s + r enters the activation) is added to every weight set's output, multiplied by
 * that set's {@link #residualScales() residual scale} (u: sqrt(a outScale); s: 1; t: a outScale); a product by a
 * scale other than 1 is one plaintext multiply on the residual's path (folded into the option-A shortcut's masks),
 * which has levels to spare, so it costs no level on the block's path.
 *
 * <p>outScale also puts a tensor that is about to be bootstrapped into the bootstrap's input range (1 / sigma).
 */
public final class FusedQuadratic {
    private final HeConvolution conv;
    private final List<Convolution> weightSets;
    private final List<double[]> residualScales;
    private final List<double[]> c;

    /**
     * The layer of {@code conv} (built with the weights of s) and quadratic {@code q} of its output channels, the
     * output multiplied by {@code outScale[o]} (non-zero) per channel: the square form if every a[o] outScale[o] is
     * positive, else the product form.
     */
    public FusedQuadratic(HeConvolution conv, ResNet20Weights.Quadratic q, double[] outScale) {
        int n = conv.convolution().outChannels();
        if (q.a().length != n || outScale.length != n) {
            throw new IllegalArgumentException("quadratic " + q.name() + " or output scale of another channel count"
                    + " than the convolution's " + n);
        }
        boolean square = true;
        for (int o = 0; o < n; o++) {
            if (outScale[o] == 0 || !Double.isFinite(outScale[o])) {
                throw new IllegalArgumentException("output scales must be non-zero and finite, got " + outScale[o]);
            }
            square &= q.a()[o] * outScale[o] > 0;
        }
        this.conv = conv;
        Convolution s = conv.convolution();
        double[] constant = new double[n];
        if (square) {
            double[] root = new double[n], shift = new double[n];
            for (int o = 0; o < n; o++) {
                double half = q.b()[o] / (2 * q.a()[o]);
                root[o] = Math.sqrt(q.a()[o] * outScale[o]);
                shift[o] = root[o] * half;
                constant[o] = (q.c()[o] - q.b()[o] * half / 2) * outScale[o];
            }
            weightSets = List.of(s.affineOutputs(root, shift));
            residualScales = List.of(root);
        } else {
            double[] ones = new double[n], tScale = new double[n], shift = new double[n];
            for (int o = 0; o < n; o++) {
                ones[o] = 1;
                tScale[o] = q.a()[o] * outScale[o];
                shift[o] = q.b()[o] * outScale[o];
                constant[o] = q.c()[o] * outScale[o];
            }
            weightSets = List.of(s, s.affineOutputs(tScale, shift));
            residualScales = List.of(ones, tScale);
        }
        this.c = conv.outputLayout().packPerChannel(constant);
    }

    /** The signs of q's a per channel (1 for a zero): the output signs that give the square form where a has no 0. */
    public static double[] outputSigns(ResNet20Weights.Quadratic q) {
        return Arrays.stream(q.a()).map(a -> a < 0 ? -1 : 1).toArray();
    }

    /**
     * The weight sets the layer of quadratic q convolves with when its output carries {@link #outputSigns}: 1 (the
     * square form) unless some a is 0 (or not a number), then 2 (s and t).
     */
    public static int weightSets(ResNet20Weights.Quadratic q) {
        for (double a : q.a()) {
            if (!(a > 0 || a < 0)) {
                return 2;
            }
        }
        return 1;
    }

    public HeConvolution convolution() {
        return conv;
    }

    /** Whether the layer squares one convolution u (true) or multiplies s by t (false). */
    public boolean square() {
        return weightSets.size() == 1;
    }

    /**
     * Per weight set (u; or s, then t), the factor per output channel that a residual added to the activation's input
     * s is multiplied by before it is added to that set's output.
     */
    public List<double[]> residualScales() {
        return residualScales.stream().map(double[]::clone).toList();
    }

    /** The weight sets' outputs for the packed input: element i holds the ciphertexts of weight set i (u; or s, t). */
    public <C> List<List<C>> convolve(HeEvaluator<C> ev, List<C> input) {
        return conv.apply(ev, input, weightSets);
    }

    /**
     * y of every output ciphertext from the weight sets' outputs ({@code sets}, as {@link #convolve} gives them;
     * released) and the residuals ({@code residuals}: per weight set, the residual times that set's
     * {@link #residualScales() scale}, or an empty list for none; they stay the caller's): y = (u + ru)^2 + c' or
     * y = (s + rs) * (t + rt) + c.
     */
    public <C> List<C> activate(HeEvaluator<C> ev, List<List<C>> sets, List<List<C>> residuals) {
        if (sets.size() != weightSets.size() || !residuals.isEmpty() && residuals.size() != weightSets.size()) {
            throw new IllegalArgumentException(sets.size() + " outputs and " + residuals.size() + " residuals for "
                    + weightSets.size() + " weight set(s)");
        }
        List<C> out = new ArrayList<>(sets.getFirst().size());
        for (int k = 0; k < sets.getFirst().size(); k++) {
            List<C> factors = new ArrayList<>(sets.size());
            for (int i = 0; i < sets.size(); i++) {
                C f = sets.get(i).get(k);
                if (!residuals.isEmpty()) {
                    C sum = ev.add(f, residuals.get(i).get(k));
                    ev.release(f);
                    f = sum;
                }
                factors.add(f);
            }
            C product = ev.multiply(factors.getFirst(), factors.getLast());
            factors.forEach(ev::release);
            C rescaled = ev.rescale(product);
            ev.release(product);
            out.add(ev.addPlain(rescaled, c.get(k)));
            ev.release(rescaled);
        }
        return out;
    }

    /** The layer without a residual: y of every output ciphertext of the packed input. */
    public <C> List<C> apply(HeEvaluator<C> ev, List<C> input) {
        return activate(ev, convolve(ev, input), List.of());
    }
}
