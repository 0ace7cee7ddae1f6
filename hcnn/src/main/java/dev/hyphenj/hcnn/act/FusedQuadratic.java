package dev.hyphenj.hcnn.act;

import dev.hyphenj.hcnn.conv.Convolution;
import dev.hyphenj.hcnn.conv.HeConvolution;
import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import java.util.ArrayList;
import java.util.List;

/**
 * A convolution followed by a per-channel quadratic y = a s^2 + b s + c of its output s, in two levels (the
 * degree-2 networks' layer; {@link QuadraticActivation} after a convolution takes three). From one set of hoisted
 * tap rotations the convolution computes s = conv(x) and, with a second weight set, t = a (.) conv(x) + (a (.) bias
 * + b) (a folded into the weights and bias, per output channel); then y = s * t + c with one ciphertext product.
 * Levels: the convolution's one, the product's one.
 *
 * <p>What the second weight set costs: the tap rotations are shared, but the plaintext multiplies, the block
 * rotations and the rotate-and-sum rotations (CAConv) run for s and t alike. A residual input r (the sum s + r
 * enters the activation) must be added to both: r to s and a (.) r to t ({@link #tScale()}); that product is one
 * plaintext multiply, folded into the option-A shortcut's masks, so it costs no level on the block's path.
 *
 * <p>Output scale: with {@code outScale} the layer computes y (.) outScale instead (t and c scaled, free), which puts
 * a tensor that is about to be bootstrapped into the bootstrap's input range; the layers that read it scale it back
 * in their weights ({@link Convolution#scaleInputs}).
 */
public final class FusedQuadratic {
    private final HeConvolution conv;
    private final Convolution s;
    private final Convolution t;
    private final double[] tScale;
    private final List<double[]> c;

    /**
     * The layer of {@code conv} (built with the weights of s) and quadratic {@code q} of its output channels, the
     * output multiplied by {@code outScale[o]} per channel.
     */
    public FusedQuadratic(HeConvolution conv, ResNet20Weights.Quadratic q, double[] outScale) {
        int n = conv.convolution().outChannels();
        if (q.a().length != n || outScale.length != n) {
            throw new IllegalArgumentException("quadratic " + q.name() + " or output scale of another channel count"
                    + " than the convolution's " + n);
        }
        this.conv = conv;
        this.s = conv.convolution();
        this.tScale = new double[n];
        double[] shift = new double[n], constant = new double[n];
        for (int o = 0; o < n; o++) {
            tScale[o] = q.a()[o] * outScale[o];
            shift[o] = q.b()[o] * outScale[o];
            constant[o] = q.c()[o] * outScale[o];
        }
        this.t = s.affineOutputs(tScale, shift);
        this.c = conv.outputLayout().packPerChannel(constant);
    }

    public HeConvolution convolution() {
        return conv;
    }

    /** The factor of t per output channel, a (.) outScale: what a residual added to s is multiplied by for t. */
    public double[] tScale() {
        return tScale.clone();
    }

    /** s and t of the packed input: element 0 holds the ciphertexts of s, element 1 those of t. */
    public <C> List<List<C>> convolve(HeEvaluator<C> ev, List<C> input) {
        return conv.apply(ev, input, List.of(s, t));
    }

    /**
     * y = (s + rs) * (t + rt) + c of every output ciphertext, from the layer's s and t ({@code st}, as
     * {@link #convolve} gives them; released) and residuals rs and rt (empty lists for none; they stay the caller's,
     * rt already multiplied by {@link #tScale()}).
     */
    public <C> List<C> activate(HeEvaluator<C> ev, List<List<C>> st, List<C> rs, List<C> rt) {
        List<C> out = new ArrayList<>(st.getFirst().size());
        for (int k = 0; k < st.getFirst().size(); k++) {
            C sk = st.get(0).get(k), tk = st.get(1).get(k);
            if (!rs.isEmpty()) {
                C s2 = ev.add(sk, rs.get(k)), t2 = ev.add(tk, rt.get(k));
                ev.release(sk);
                ev.release(tk);
                sk = s2;
                tk = t2;
            }
            C product = ev.multiply(sk, tk);
            ev.release(sk);
            ev.release(tk);
            C rescaled = ev.rescale(product);
            ev.release(product);
            out.add(ev.addPlain(rescaled, c.get(k)));
            ev.release(rescaled);
        }
        return out;
    }

    /** The layer without a residual: y of every output ciphertext of the packed input. */
    public <C> List<C> apply(HeEvaluator<C> ev, List<C> input) {
        return activate(ev, convolve(ev, input), List.of(), List.of());
    }
}
