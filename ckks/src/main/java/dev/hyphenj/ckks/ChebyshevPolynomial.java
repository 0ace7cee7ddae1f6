package dev.hyphenj.ckks;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * p(x) = sum_i c_i T_i(t) with t = (2x - a - b) / (b - a), a real polynomial on [a, b] in the Chebyshev basis
 * (T_0 = 1, T_1 = t, T_(i+1) = 2 t T_i - T_(i-1)). Immutable. {@link ChebyshevEvaluator} evaluates it on
 * ciphertexts; {@link #evaluate(double)} is the plain double reference (Clenshaw's recurrence).
 */
public final class ChebyshevPolynomial {
    private final double a;
    private final double b;
    private final double[] coefficients;

    /** c_0..c_d on [a, b]; trailing zero coefficients are dropped (the degree is that of the last non-zero one). */
    public ChebyshevPolynomial(double a, double b, double... coefficients) {
        if (!(a < b) || Double.isInfinite(a) || Double.isInfinite(b)) {
            throw new IllegalArgumentException("Chebyshev polynomial: the interval [" + a + ", " + b
                    + "] must be finite with a < b");
        }
        if (coefficients == null || coefficients.length == 0) {
            throw new IllegalArgumentException("Chebyshev polynomial: no coefficient given");
        }
        int d = coefficients.length - 1;
        for (int i = 0; i <= d; i++) {
            if (!Double.isFinite(coefficients[i])) {
                throw new IllegalArgumentException("Chebyshev polynomial: coefficient " + i + " is " + coefficients[i]);
            }
        }
        while (d > 0 && coefficients[d] == 0) {
            d--;
        }
        this.a = a;
        this.b = b;
        this.coefficients = Arrays.copyOf(coefficients, d + 1);
    }

    /** A polynomial on [-1, 1] (no change of variable). */
    public static ChebyshevPolynomial onUnitInterval(double... coefficients) {
        return new ChebyshevPolynomial(-1, 1, coefficients);
    }

    /**
     * The interpolant of f of the given degree at the Chebyshev points of the first kind on [a, b]: c_j =
     * (2 - [j = 0]) / (d + 1) sum_k f(x_k) T_j(t_k), t_k = cos(pi (k + 1/2) / (d + 1)). Near-minimax for smooth f; its
     * error decays like that of the best approximation.
     */
    public static ChebyshevPolynomial interpolate(DoubleUnaryOperator f, double a, double b, int degree) {
        if (degree < 0) {
            throw new IllegalArgumentException("Chebyshev interpolation: degree " + degree + " is negative");
        }
        int m = degree + 1;
        double[] values = new double[m];
        for (int k = 0; k < m; k++) {
            double t = Math.cos(Math.PI * (k + 0.5) / m);
            values[k] = f.applyAsDouble((b - a) / 2 * t + (a + b) / 2);
        }
        double[] c = new double[m];
        for (int j = 0; j < m; j++) {
            double sum = 0;
            for (int k = 0; k < m; k++) {
                sum += values[k] * Math.cos(Math.PI * j * (k + 0.5) / m);
            }
            c[j] = (j == 0 ? 1.0 : 2.0) / m * sum;
        }
        return new ChebyshevPolynomial(a, b, c);
    }

    public double lower() {
        return a;
    }

    public double upper() {
        return b;
    }

    public double[] coefficients() {
        return coefficients.clone();
    }

    public int degree() {
        return coefficients.length - 1;
    }

    /** The factor alpha of the change of variable t = alpha x + beta: 2 / (b - a). */
    public double alpha() {
        return 2 / (b - a);
    }

    /** The offset beta of the change of variable t = alpha x + beta: -(a + b) / (b - a). */
    public double beta() {
        return -(a + b) / (b - a);
    }

    /**
     * Whether the change of variable is free on ciphertexts: b - a = 2, so t = x + beta needs no product (only a
     * constant addition when the interval is not centered). Otherwise it costs one level (see {@link
     * ChebyshevEvaluator}).
     */
    public boolean freeChangeOfVariable() {
        return b - a == 2;
    }

    /** ceil(log2(degree + 1)): the levels the polynomial itself consumes, without the change of variable. */
    public int polynomialDepth() {
        return 32 - Integer.numberOfLeadingZeros(degree());
    }

    /** The levels {@link ChebyshevEvaluator#evaluate} consumes: {@link #polynomialDepth()} plus 0 or 1. */
    public int depth() {
        return polynomialDepth() + (freeChangeOfVariable() ? 0 : 1);
    }

    /** mul * p(x) + add, on the same interval. */
    public ChebyshevPolynomial affineOutput(double mul, double add) {
        double[] c = new double[coefficients.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = mul * coefficients[i];
        }
        c[0] += add;
        return new ChebyshevPolynomial(a, b, c);
    }

    /** The same coefficients on another interval. */
    public ChebyshevPolynomial onInterval(double lower, double upper) {
        return new ChebyshevPolynomial(lower, upper, coefficients);
    }

    /** p(x) in double precision (Clenshaw), after the change of variable. */
    public double evaluate(double x) {
        return evaluateUnit(alpha() * x + beta());
    }

    /** sum c_i T_i(t) for t already on [-1, 1]. */
    public double evaluateUnit(double t) {
        double b1 = 0, b2 = 0;
        for (int i = coefficients.length - 1; i >= 1; i--) {
            double v = 2 * t * b1 - b2 + coefficients[i];
            b2 = b1;
            b1 = v;
        }
        return t * b1 - b2 + coefficients[0];
    }

    /** p applied slot-wise. */
    public double[] evaluate(double[] xs) {
        double[] out = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = evaluate(xs[i]);
        }
        return out;
    }

    @Override
    public String toString() {
        return "ChebyshevPolynomial[degree " + degree() + " on [" + a + ", " + b + "]]";
    }
}
