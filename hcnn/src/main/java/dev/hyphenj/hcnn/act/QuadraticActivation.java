package dev.hyphenj.hcnn.act;

import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.layout.TensorLayout;
import java.util.Arrays;
import java.util.List;

/**
 * A degree-2 polynomial activation y = a x^2 + b x + c with coefficients per channel (AESPA, which HyPHEN uses for
 * networks trained with it) or one set per layer. On ciphertexts it is evaluated as x * (a x + b) + c: one
 * plaintext multiply, one ciphertext product, two levels. The coefficient plaintexts are packed in the tensor's
 * layout, so slots outside the tensor stay zero.
 */
public final class QuadraticActivation implements Activation {
    private final TensorLayout layout;
    private final List<double[]> a;
    private final List<double[]> b;
    private final List<double[]> c;

    /** Per-channel coefficients a[ch], b[ch], c[ch] for a tensor in {@code layout}. */
    public QuadraticActivation(TensorLayout layout, double[] a, double[] b, double[] c) {
        for (double[] v : List.of(a, b, c)) {
            if (v.length != layout.channels()) {
                throw new IllegalArgumentException("quadratic activation: " + v.length + " coefficients for "
                        + layout.channels() + " channels");
            }
            for (double x : v) {
                if (!Double.isFinite(x)) {
                    throw new IllegalArgumentException("quadratic activation: coefficient " + x);
                }
            }
        }
        this.layout = layout;
        this.a = layout.packPerChannel(a);
        this.b = layout.packPerChannel(b);
        this.c = layout.packPerChannel(c);
    }

    /** One a, b, c for every channel of the layer. */
    public static QuadraticActivation perLayer(TensorLayout layout, double a, double b, double c) {
        int n = layout.channels();
        return new QuadraticActivation(layout, filled(n, a), filled(n, b), filled(n, c));
    }

    private static double[] filled(int n, double v) {
        double[] out = new double[n];
        Arrays.fill(out, v);
        return out;
    }

    public TensorLayout layout() {
        return layout;
    }

    @Override
    public <C> C apply(HeEvaluator<C> ev, C x, int ciphertext) {
        if (ciphertext < 0 || ciphertext >= layout.ciphertexts()) {
            throw new IllegalArgumentException("quadratic activation: ciphertext " + ciphertext + " of " + layout);
        }
        C ax = ev.multiplyPlain(x, a.get(ciphertext));
        C axRescaled = ev.rescale(ax);
        ev.release(ax);
        C inner = ev.addPlain(axRescaled, b.get(ciphertext));
        ev.release(axRescaled);
        C product = ev.multiply(x, inner);
        ev.release(inner);
        C rescaled = ev.rescale(product);
        ev.release(product);
        C y = ev.addPlain(rescaled, c.get(ciphertext));
        ev.release(rescaled);
        return y;
    }

    @Override
    public int levels() {
        return 2;
    }

    @Override
    public String kind() {
        return "quadratic";
    }
}
