package dev.hyphenj.hcnn.act;

import dev.hyphenj.ckks.ChebyshevEvaluator;
import dev.hyphenj.ckks.ChebyshevPolynomial;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A composite minimax approximation of sign(x) on [-1, -gap] U [gap, 1]: sign(x) ~ p_k(...p_2(p_1(x))), each stage
 * odd and fitted by {@link Remez} to the constant 1 on the range of |input| it sees (the scheme of Lee et al.'s
 * minimax composite sign, which the HyPHEN paper's AppReLU uses). Stage 1 is fitted on [gap, 1]; a minimax stage of
 * error e maps its interval onto [1 - e, 1 + e], exactly the interval the next stage is fitted on. The composite's
 * error on [gap, 1] is the last stage's error.
 *
 * <p>{@link #standard()} is the composite of degrees {15, 15, 27} with gap 2^-9 (DESIGN section 5), computed once per
 * JVM from those two parameters (no stored coefficients; a test compares it with the reference in
 * {@code shared/data/appRelu/}).
 */
public final class CompositeSign {
    /** Stage degrees of the standard composite. */
    public static final int[] STANDARD_DEGREES = {15, 15, 27};
    /** The gap of the standard composite: sign is approximated for |x| in [2^-9, 1]. */
    public static final double STANDARD_GAP = 0x1p-9;

    /**
     * One stage.
     *
     * @param polynomial the odd stage polynomial on [-hi, hi]
     * @param lo the smallest |input| the stage was fitted for
     * @param hi the largest |input| the stage was fitted for
     * @param error max |p(x) - sign(x)| for lo <= |x| <= hi
     */
    public record Stage(ChebyshevPolynomial polynomial, double lo, double hi, double error) {
        public int degree() {
            return polynomial.degree();
        }
    }

    private final double gap;
    private final List<Stage> stages;

    private CompositeSign(double gap, List<Stage> stages) {
        this.gap = gap;
        this.stages = List.copyOf(stages);
    }

    /** The composite sign of the given stage degrees (odd) with the given gap in (0, 1). */
    public static CompositeSign minimax(int[] degrees, double gap) {
        if (degrees.length == 0) {
            throw new IllegalArgumentException("composite sign: no stage degree given");
        }
        if (!(gap > 0 && gap < 1)) {
            throw new IllegalArgumentException("composite sign: the gap must be in (0, 1), got " + gap);
        }
        List<Stage> stages = new ArrayList<>();
        double lo = gap, hi = 1;
        for (int d : degrees) {
            Remez.Result r = Remez.oddMinimax(x -> 1, d, lo, hi); // error < 1 always: p = 2x/(1+lo) has less
            stages.add(new Stage(r.polynomial(), lo, hi, r.error()));
            lo = 1 - r.error();
            hi = 1 + r.error();
        }
        return new CompositeSign(gap, stages);
    }

    /** The {15, 15, 27} composite with gap 2^-9, computed on first use and shared. */
    public static CompositeSign standard() {
        return Standard.INSTANCE;
    }

    private static final class Standard {
        static final CompositeSign INSTANCE = minimax(STANDARD_DEGREES, STANDARD_GAP);
    }

    public double gap() {
        return gap;
    }

    public List<Stage> stages() {
        return stages;
    }

    /** The stage polynomials, in order of application (stage 1 on [-1, 1]). */
    public List<ChebyshevPolynomial> polynomials() {
        return stages.stream().map(Stage::polynomial).toList();
    }

    /** The stage degrees. */
    public int[] degrees() {
        return stages.stream().mapToInt(Stage::degree).toArray();
    }

    /** The error on [gap, 1]: the last stage's. */
    public double error() {
        return stages.getLast().error();
    }

    /** The levels its CKKS evaluation consumes on an input in [-1, 1] ({@link ChebyshevEvaluator#depth(List)}). */
    public int depth() {
        return ChebyshevEvaluator.depth(polynomials());
    }

    /** The composite at x, in double precision (garbage for |x| > 1: the stages explode outside their range). */
    public double evaluate(double x) {
        double y = x;
        for (Stage s : stages) {
            y = s.polynomial().evaluate(y);
        }
        return y;
    }

    @Override
    public String toString() {
        return "CompositeSign[degrees " + Arrays.toString(degrees()) + ", gap " + gap + ", error " + error() + "]";
    }
}
