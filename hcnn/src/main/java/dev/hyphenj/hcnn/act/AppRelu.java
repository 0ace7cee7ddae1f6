package dev.hyphenj.hcnn.act;

import dev.hyphenj.ckks.ChebyshevEvaluator;
import dev.hyphenj.ckks.ChebyshevPolynomial;
import dev.hyphenj.hcnn.eval.HeEvaluator;
import java.util.ArrayList;
import java.util.List;

/**
 * AppReLU (DESIGN section 5): ReLU(x) ~ x * (1 + sign(x / B)) / 2 with the composite minimax sign ({@link
 * CompositeSign#standard()}: degrees {15, 15, 27}, gap 2^-9) and a layer bound B (2 x the largest |x| seen on
 * calibration images).
 *
 * <p>On ciphertexts: h = (1 + sign(x / B)) / 2 is one {@link HeEvaluator#evaluatePolynomial} of the sign's stages,
 * where the 1/B is folded into the first stage's interval (stage 1 on [-B, B]: its change of variable t = x / B is
 * the product the first stage needs anyway when B != 1, not a separate multiply) and the (1 + s) / 2 into the last
 * stage's coefficients (free); then x * h, one ciphertext product and one rescale. Levels:
 * {@link ChebyshevEvaluator#depth(List)} of the stages (1 for the change of variable + 4 + 4 + 5) + 1 = 15.
 *
 * <p><b>Normalized input</b> ({@link #normalizedInput()}): the same ReLU of an input t = x / B that the layer before
 * delivers already divided (a bootstrap's output scale, or the preceding convolution's weights, apply 1/B for free;
 * {@link #inputScale()} tells them the factor). Stage 1 then runs on [-1, 1] with no change of variable and the last
 * stage gives B (1 + s) / 2, so t * h = ReLU(x): 4 + 4 + 5 + 1 = 14 levels, what the planner budgets.
 *
 * <p>Accuracy: for |x| <= B the error is at most about |x| 2^-14.3 where |x| >= 2^-9 B, and below 2^-13 B in the
 * gap; for |x| > B the polynomial explodes (stage 1 at 1.01 is about -1e164 after composition): a wrong answer,
 * not a small error.
 */
public final class AppRelu implements Activation {
    private final double bound;
    private final CompositeSign sign;
    private final boolean normalized;
    private final List<ChebyshevPolynomial> stages;

    /** AppReLU with layer bound B = {@code bound} and the standard composite sign. */
    public AppRelu(double bound) {
        this(bound, CompositeSign.standard());
    }

    /** AppReLU with layer bound B = {@code bound} and the given composite sign. */
    public AppRelu(double bound, CompositeSign sign) {
        this(bound, sign, false);
    }

    private AppRelu(double bound, CompositeSign sign, boolean normalized) {
        if (!(bound > 0) || Double.isInfinite(bound)) {
            throw new IllegalArgumentException("AppReLU: the bound B must be positive and finite, got " + bound);
        }
        this.bound = bound;
        this.sign = sign;
        this.normalized = normalized;
        List<ChebyshevPolynomial> p = new ArrayList<>(sign.polynomials());
        if (normalized) {
            p.set(p.size() - 1, p.getLast().affineOutput(bound / 2, bound / 2)); // B (1 + s) / 2
        } else {
            ChebyshevPolynomial first = p.getFirst();
            p.set(0, first.onInterval(first.lower() * bound, first.upper() * bound)); // p1(x / B)
            p.set(p.size() - 1, p.getLast().affineOutput(0.5, 0.5)); // (1 + s) / 2
        }
        this.stages = List.copyOf(p);
    }

    /** The same ReLU for an input delivered as x / B (one level fewer); see the class comment. */
    public AppRelu normalizedInput() {
        return normalized ? this : new AppRelu(bound, sign, true);
    }

    /** Whether the input is expected as x / B ({@link #normalizedInput()}). */
    public boolean normalized() {
        return normalized;
    }

    /** 1 / B for a {@link #normalizedInput()} activation, else 1. */
    @Override
    public double inputScale() {
        return normalized ? 1 / bound : 1;
    }

    public double bound() {
        return bound;
    }

    public CompositeSign sign() {
        return sign;
    }

    /**
     * The stages that give h(x) = (1 + sign(x / B)) / 2 as evaluated on ciphertexts; for a normalized input, h(t) =
     * B (1 + sign(t)) / 2.
     */
    public List<ChebyshevPolynomial> stages() {
        return stages;
    }

    @Override
    public <C> C apply(HeEvaluator<C> ev, C x, int ciphertext) {
        C h = ev.evaluatePolynomial(x, stages);
        C product = ev.multiply(x, h);
        ev.release(h);
        C y = ev.rescale(product);
        ev.release(product);
        return y;
    }

    @Override
    public int levels() {
        return ChebyshevEvaluator.depth(stages) + 1;
    }

    @Override
    public String kind() {
        return "appRelu";
    }

    /**
     * AppReLU in double precision, as the stages compute it, of an input given as the activation expects it (x, or
     * x / B for a {@link #normalizedInput()} one): about ReLU(x) either way.
     */
    public double evaluate(double x) {
        double h = x;
        for (ChebyshevPolynomial p : stages) {
            h = p.evaluate(h);
        }
        return x * h;
    }

    @Override
    public String toString() {
        return "AppRelu[B = " + bound + (normalized ? ", input x / B" : "") + ", " + sign + "]";
    }
}
