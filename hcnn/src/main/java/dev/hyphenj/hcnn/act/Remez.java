package dev.hyphenj.hcnn.act;

import dev.hyphenj.ckks.ChebyshevPolynomial;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * The Remez exchange algorithm for the best (minimax) odd polynomial approximation of an odd function f on
 * [-hi, -lo] U [lo, hi], in double precision. By symmetry only [lo, hi] is fitted. The polynomial is written in
 * the Chebyshev basis of t = x / hi: p(x) = sum over odd j <= d of c_j T_j(x / hi), n = (d + 1) / 2 unknowns.
 *
 * <p>The algorithm (Chebyshev's equioscillation theorem: p is the minimax approximation exactly when its error
 * p - f takes its maximum magnitude at n + 1 points of [lo, hi] with alternating signs):
 * <ol>
 *   <li>Start from a reference of n + 1 points: the Chebyshev extrema (Chebyshev-Lobatto points) of degree n
 *       mapped onto [lo, hi].</li>
 *   <li>Solve the (n + 1) x (n + 1) linear system p(x_i) - f(x_i) = (-1)^i E for the n coefficients and the
 *       levelled error E (Gaussian elimination with partial pivoting).</li>
 *   <li>Locate all local extrema of the error p - f: scan a grid of Chebyshev-distributed points (dense near both
 *       ends, where the error of a sign approximation changes fastest next to the gap), refine each interior extremum
 *       by golden-section search between its grid neighbours, and keep the two endpoints, which are always
 *       extrema candidates.</li>
 *   <li>Exchange (all points at once): of each run of same-signed extrema keep the largest, which leaves an
 *       alternating sequence; while it has more than n + 1 points drop the smaller of its two ends (dropping an end
 *       keeps the alternation, and the largest error is never dropped).</li>
 *   <li>Stop when the largest error and |E| agree to {@link #TOLERANCE} (relative): then p is within that factor
 *       of the minimax error (de la Vallee Poussin's bound |E| <= min error <= max error).</li>
 * </ol>
 * Nothing else is needed for the degrees of the composite sign (up to 27); it converges in under ten iterations.
 */
public final class Remez {
    /** Relative agreement of the levelled and the largest error at which the exchange stops. */
    public static final double TOLERANCE = 1e-9;
    /** Grid points scanned for the error's extrema. */
    private static final int GRID = 20_001;
    /** Golden-section steps per extremum: (0.618)^100 of a grid cell is far below double precision. */
    private static final int REFINE_STEPS = 100;
    private static final int MAX_ITERATIONS = 60;

    private Remez() {}

    /**
     * A minimax odd approximation.
     *
     * @param polynomial p on [-hi, hi] (coefficients of T_j(x / hi), the even ones zero)
     * @param lo the lower end of the fitted interval
     * @param hi the upper end
     * @param error max |p - f| on [lo, hi] (and by symmetry on [-hi, -lo])
     * @param alternation the n + 1 points of the final reference, where the error alternates
     * @param iterations exchanges done
     */
    public record Result(ChebyshevPolynomial polynomial, double lo, double hi, double error, double[] alternation,
            int iterations) {}

    /** The minimax odd polynomial of odd degree {@code degree} for the odd function f on [lo, hi], 0 < lo < hi. */
    public static Result oddMinimax(DoubleUnaryOperator f, int degree, double lo, double hi) {
        if (degree < 1 || degree % 2 == 0) {
            throw new IllegalArgumentException("odd minimax: the degree must be odd and positive, got " + degree);
        }
        if (!(lo > 0 && lo < hi) || Double.isInfinite(hi)) {
            throw new IllegalArgumentException("odd minimax: need 0 < lo < hi, got [" + lo + ", " + hi + "]");
        }
        int n = (degree + 1) / 2;
        double[] reference = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            reference[i] = lo + (hi - lo) * (1 - Math.cos(Math.PI * i / n)) / 2;
        }
        double[] grid = new double[GRID];
        for (int i = 0; i < GRID; i++) {
            grid[i] = lo + (hi - lo) * (1 - Math.cos(Math.PI * i / (GRID - 1))) / 2;
        }
        grid[0] = lo;
        grid[GRID - 1] = hi;
        for (int iteration = 1; iteration <= MAX_ITERATIONS; iteration++) {
            double[] solution = solveReference(f, reference, n, hi);
            double levelled = Math.abs(solution[n]);
            ChebyshevPolynomial p = polynomial(solution, n, hi);
            List<double[]> extrema = alternatingExtrema(p, f, grid);
            if (extrema.size() < n + 1) {
                throw new IllegalStateException("odd minimax of degree " + degree + " on [" + lo + ", " + hi
                        + "]: the error alternates at only " + extrema.size() + " points, " + (n + 1) + " needed");
            }
            while (extrema.size() > n + 1) {
                if (Math.abs(extrema.getFirst()[1]) < Math.abs(extrema.getLast()[1])) {
                    extrema.removeFirst();
                } else {
                    extrema.removeLast();
                }
            }
            double largest = 0;
            for (int i = 0; i <= n; i++) {
                reference[i] = extrema.get(i)[0];
                largest = Math.max(largest, Math.abs(extrema.get(i)[1]));
            }
            if (largest - levelled <= TOLERANCE * largest) {
                return new Result(p, lo, hi, largest, reference.clone(), iteration);
            }
        }
        throw new IllegalStateException("odd minimax of degree " + degree + " on [" + lo + ", " + hi
                + "] did not converge in " + MAX_ITERATIONS + " exchanges");
    }

    /** Coefficients a_0..a_(n-1) (of T_1, T_3, ..) and E with p(x_i) - f(x_i) = (-1)^i E. */
    private static double[] solveReference(DoubleUnaryOperator f, double[] x, int n, double hi) {
        double[][] a = new double[n + 1][n + 2];
        for (int i = 0; i <= n; i++) {
            double t = x[i] / hi;
            double previous = 1, current = t; // T_(k-1), T_k by the three-term recurrence
            for (int k = 1; k <= 2 * n - 1; k++) {
                if (k % 2 == 1) {
                    a[i][k / 2] = current;
                }
                double next = 2 * t * current - previous;
                previous = current;
                current = next;
            }
            a[i][n] = -(i % 2 == 0 ? 1 : -1); // p(x_i) - (-1)^i E = f(x_i)
            a[i][n + 1] = f.applyAsDouble(x[i]);
        }
        return gauss(a);
    }

    /** Solves the augmented system a (last column the right-hand side) with partial pivoting. */
    private static double[] gauss(double[][] a) {
        int m = a.length;
        for (int col = 0; col < m; col++) {
            int pivot = col;
            for (int r = col + 1; r < m; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            if (a[pivot][col] == 0) {
                throw new IllegalStateException("Remez: singular reference system (repeated reference points)");
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            for (int r = col + 1; r < m; r++) {
                double factor = a[r][col] / a[col][col];
                for (int c = col; c <= m; c++) {
                    a[r][c] -= factor * a[col][c];
                }
            }
        }
        double[] x = new double[m];
        for (int r = m - 1; r >= 0; r--) {
            double s = a[r][m];
            for (int c = r + 1; c < m; c++) {
                s -= a[r][c] * x[c];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }

    private static ChebyshevPolynomial polynomial(double[] solution, int n, double hi) {
        double[] c = new double[2 * n];
        for (int k = 0; k < n; k++) {
            c[2 * k + 1] = solution[k];
        }
        return new ChebyshevPolynomial(-hi, hi, c);
    }

    /**
     * The local extrema of e = p - f over the grid, refined, as {x, e(x)} pairs, reduced to an alternating sequence
     * (the largest of each same-signed run).
     */
    private static List<double[]> alternatingExtrema(ChebyshevPolynomial p, DoubleUnaryOperator f, double[] grid) {
        int g = grid.length;
        double[] e = new double[g];
        for (int i = 0; i < g; i++) {
            e[i] = p.evaluate(grid[i]) - f.applyAsDouble(grid[i]);
        }
        List<double[]> out = new ArrayList<>();
        add(out, grid[0], e[0]);
        for (int i = 1; i < g - 1; i++) {
            double s = Math.signum(e[i]);
            if (s != 0 && s * e[i] >= s * e[i - 1] && s * e[i] > s * e[i + 1]) {
                double x = refine(p, f, grid[i - 1], grid[i + 1], s);
                add(out, x, p.evaluate(x) - f.applyAsDouble(x));
            }
        }
        add(out, grid[g - 1], e[g - 1]);
        return out;
    }

    /** Appends {x, err}, or replaces the last point if it has the same sign and a smaller magnitude. */
    private static void add(List<double[]> out, double x, double err) {
        if (err == 0) {
            return;
        }
        if (!out.isEmpty() && Math.signum(out.getLast()[1]) == Math.signum(err)) {
            if (Math.abs(err) > Math.abs(out.getLast()[1])) {
                out.set(out.size() - 1, new double[] {x, err});
            }
            return;
        }
        out.add(new double[] {x, err});
    }

    /** The maximum of sign * (p - f) on [a, b] by golden-section search. */
    private static double refine(ChebyshevPolynomial p, DoubleUnaryOperator f, double a, double b, double sign) {
        double r = (Math.sqrt(5) - 1) / 2;
        double x1 = b - r * (b - a), x2 = a + r * (b - a);
        double f1 = sign * (p.evaluate(x1) - f.applyAsDouble(x1)), f2 = sign * (p.evaluate(x2) - f.applyAsDouble(x2));
        for (int k = 0; k < REFINE_STEPS && b - a > 0; k++) {
            if (f1 > f2) {
                b = x2;
                x2 = x1;
                f2 = f1;
                x1 = b - r * (b - a);
                f1 = sign * (p.evaluate(x1) - f.applyAsDouble(x1));
            } else {
                a = x1;
                x1 = x2;
                f1 = f2;
                x2 = a + r * (b - a);
                f2 = sign * (p.evaluate(x2) - f.applyAsDouble(x2));
            }
        }
        return (a + b) / 2;
    }
}
