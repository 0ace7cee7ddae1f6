package dev.hyphenj.hcnn.act;

import dev.hyphenj.hcnn.conv.Convolution;
import dev.hyphenj.hcnn.conv.HeConvolution;
import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import java.util.ArrayList;
import java.util.List;

/**
 * A convolution followed by a per-channel quadratic y = a s^2 + b s + c of its output s, in two levels (the
 * degree-2 networks' layer; {@link QuadraticActivation} after a convolution takes three): the convolution's level and
 * one ciphertext product's. The quadratic takes one of two forms, chosen per layer from the signs of a:
 * <ul>
 *   <li><b>Square</b>, when every channel has a > 0: y = u^2 + c' with u = sqrt(a) (.) (s + b / 2a) and
 *       c' = c - b^2 / 4a (the square completed). u is one convolution (sqrt(a) folded into the weights, the shift
 *       into the bias), so the layer costs what a plain convolution costs, plus one product u * u per output
 *       ciphertext. The shift b / 2a and the constant c' stay small for the trained networks (|b / 2a| <= 4 where every
 *       a is positive; it would grow as 1 / a, with a cancellation in u^2 + c', if a approached 0).</li>
 *   <li><b>Product</b>, otherwise: from one set of hoisted tap rotations the convolution computes s = conv(x) and,
 *       with a second weight set, t = a (.) conv(x) + (a (.) bias + b) (a folded into the weights and bias, per output
 *       channel); then y = s * t + c. The tap rotations are shared, but the plaintext multiplies, the block rotations
 *       and the rotate-and-sum rotations (CAConv) run for s and t alike.</li>
 * </ul>
 *
 * <p>A residual input r (the sum s + r enters the activation) is added to every weight set's output, multiplied by
 * that set's {@link #residualScales() residual scale} (u: sqrt(a); s: 1; t: a); a product by a scale other than 1 is
 * one plaintext multiply on the residual's path (folded into the option-A shortcut's masks), which has levels to
 * spare, so it costs no level on the block's path.
 *
 * <p>Output scale: with {@code outScale} the layer computes y (.) outScale instead (a and c scaled, free), which puts
 * a tensor that is about to be bootstrapped into the bootstrap's input range; the layers that read it scale it back
 * in their weights ({@link Convolution#scaleInputs}).
 */
public final class FusedQuadratic {
    private final HeConvolution conv;
    private final List<Convolution> weightSets;
    private final List<double[]> residualScales;
    private final List<double[]> c;

    /**
     * The layer of {@code conv} (built with the weights of s) and quadratic {@code q} of its output channels, the
     * output multiplied by {@code outScale[o]} (positive) per channel.
     */
    public FusedQuadratic(HeConvolution conv, ResNet20Weights.Quadratic q, double[] outScale) {
        int n = conv.convolution().outChannels();
        if (q.a().length != n || outScale.length != n) {
            throw new IllegalArgumentException("quadratic " + q.name() + " or output scale of another channel count"
                    + " than the convolution's " + n);
        }
        for (double s : outScale) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("output scales must be positive and finite, got " + s);
            }
        }
        this.conv = conv;
        Convolution s = conv.convolution();
        double[] constant = new double[n];
        if (weightSets(q) == 1) {
            double[] root = new double[n], shift = new double[n];
            for (int o = 0; o < n; o++) {
                double a = q.a()[o] * outScale[o], half = q.b()[o] / (2 * q.a()[o]);
                root[o] = Math.sqrt(a);
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

    /** The weight sets the layer of quadratic q convolves with: 1 (the square form, every a > 0) or 2 (s and t). */
    public static int weightSets(ResNet20Weights.Quadratic q) {
        for (double a : q.a()) {
            if (!(a > 0)) {
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
