package dev.hyphenj.ckks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Evaluates polynomials in the Chebyshev basis ({@link ChebyshevPolynomial}) on ciphertexts: baby-step giant-step
 * (Paterson-Stockmeyer) with optimal depth and exact scales.
 *
 * <p><b>Change of variable.</b> T_1 = alpha x + beta. When b - a = 2 (alpha = 1) it is free: T_1 is the input (plus
 * a constant if the interval is not centered). Otherwise it costs one level: x times alpha encoded at scale
 * Q_L Q_(L-1) / scale(x) (Q_l: the product of the primes level l adds), plus beta, rescaled by Q_L; T_1 then has
 * scale Q_(L-1), the modulus of its own level, the fixed point of T_2k = 2 T_k^2 - 1 (scale(T_k)^2 / Q), so the
 * scales of the powers stay near the primes. Depth consumed:
 * {@link ChebyshevPolynomial#depth()} = ceil(log2(d + 1)) + (0 or 1). {@link #evaluateComposite} folds the change
 * of variable of every stage after the first into the coefficients of the stage before (no level).
 *
 * <p><b>Power basis.</b> T_(2^k) = 2 T_(2^(k-1))^2 - 1 and T_j = 2 T_(2^a) T_(j-2^a) - T_(2^(a+1)-j) (2^a the highest
 * power of two below j), computed on demand (an odd polynomial computes no even power beyond the powers of two).
 * T_j sits exactly ceil(log2 j) levels below T_1. The subtracted term is multiplied by the constant 1 encoded at
 * the ratio of scales and added before the product's rescale, so it needs no level of its own and lands on the
 * product's scale (to 2^-31 relative: the constant is an integer near that ratio).
 *
 * <p><b>Splitting.</b> With n1 baby steps (a power of two) p is split recursively as p = q T_G + r, G the largest
 * power of two not above deg p (q T_G = sum_(i>=G) c_i T_i + sum_(i>G) c_i T_(2G-i) gives q and r exactly), until
 * the parts have degree below n1 and are leaves sum c_j T_j. A part is split further (below n1) when its leaf would
 * be deeper than the levels its position allows, so the whole tree has depth ceil(log2(d + 1)). The default n1
 * minimizes the number of ciphertext products (baby powers, giant powers and one product per split).
 *
 * <p><b>Scales.</b> The result lands on a chosen scale (default: the input's). Every part is asked for a target
 * scale t and a known level: a leaf multiplies each T_j by c_j encoded at scale t Q / scale(T_j) (Q the modulus of
 * the level where its rescale happens) and adds c_0 at scale t Q, then rescales once to exactly t; a split asks its
 * quotient for t Q / scale(T_G), multiplies by T_G, adds a leaf remainder before the rescale at the product's scale
 * (or a deeper remainder, evaluated at t, after it). Levels are planned before any product, so each Q is known.
 * Every addition therefore adds equal scales up to the rounding of a few doubles, far within the evaluator's 2^-20.
 * The input's scale should be near the primes of the levels the polynomial uses (as 2^30 with 30-bit primes);
 * far from them the powers' scales drift (squared at every level) and an error says so.
 */
public final class ChebyshevEvaluator {
    /** Smallest scale accepted for an encoded coefficient: below it the rounded constant loses too many bits. */
    private static final double MIN_CONSTANT_SCALE = 0x1p8;

    private final Evaluator evaluator;
    private final Parameters params;
    private final Encoder encoder;

    public ChebyshevEvaluator(Evaluator evaluator) {
        this.evaluator = evaluator;
        this.params = evaluator.parameters();
        this.encoder = new Encoder(params);
    }

    // ------------------------------------------------------------------------------------------------ public API

    /** p(x) slot-wise, at the input's scale, with the default baby steps. */
    public Ciphertext evaluate(Ciphertext x, ChebyshevPolynomial p) {
        return evaluate(x, p, x.scale(), 0);
    }

    /**
     * p(x) slot-wise at exactly {@code targetScale}, with {@code babySteps} baby steps (a power of two; 0 picks the
     * count with the fewest products). The result is {@link ChebyshevPolynomial#depth()} levels below the input.
     */
    public Ciphertext evaluate(Ciphertext x, ChebyshevPolynomial p, double targetScale, int babySteps) {
        checkLevels(x, p.depth(), p.toString());
        checkScale(targetScale);
        try (Ciphertext t1 = changeOfVariable(x, p)) {
            return evaluateUnit(t1, p.coefficients(), targetScale, babySteps);
        }
    }

    /**
     * stages[k-1](...stages[0](x)) slot-wise at the input's scale: a composite polynomial such as the {15, 15, 27}
     * composite sign. Each stage is evaluated on its own interval; from the second stage on, the change of variable
     * is folded into the previous stage's coefficients, so the composite consumes {@link #depth(List)} levels:
     * the first stage's change of variable (0 or 1) plus the sum of the polynomial depths. Intermediate results
     * land on the modulus of their level (the scale the next stage's powers are stable at).
     */
    public Ciphertext evaluateComposite(Ciphertext x, List<ChebyshevPolynomial> stages) {
        return evaluateComposite(x, stages, x.scale());
    }

    /** {@link #evaluateComposite(Ciphertext, List)} with the final result at exactly {@code targetScale}. */
    public Ciphertext evaluateComposite(Ciphertext x, List<ChebyshevPolynomial> stages, double targetScale) {
        if (stages == null || stages.isEmpty()) {
            throw new IllegalArgumentException("composite polynomial: no stage given");
        }
        checkLevels(x, depth(stages), "composite of " + stages.size() + " stages, degrees " + degrees(stages));
        checkScale(targetScale);
        Ciphertext current = changeOfVariable(x, stages.get(0));
        try {
            for (int k = 0; k < stages.size(); k++) {
                ChebyshevPolynomial stage = stages.get(k);
                double[] c = stage.coefficients();
                boolean last = k == stages.size() - 1;
                if (!last) { // fold the next stage's t = alpha y + beta into this stage's output
                    ChebyshevPolynomial next = stages.get(k + 1);
                    c = ChebyshevPolynomial.onUnitInterval(c).affineOutput(next.alpha(), next.beta()).coefficients();
                }
                int outLevel = current.level() - ChebyshevPolynomial.onUnitInterval(c).polynomialDepth();
                double scale = last ? targetScale : LinearTransform.levelModulus(params, outLevel);
                Ciphertext next = evaluateUnit(current, c, scale, 0);
                current.close();
                current = next;
            }
            return current;
        } catch (RuntimeException e) {
            current.close();
            throw e;
        }
    }

    /** Levels {@link #evaluateComposite} consumes: the first stage's change of variable plus every polynomial depth. */
    public static int depth(List<ChebyshevPolynomial> stages) {
        int d = stages.get(0).freeChangeOfVariable() ? 0 : 1;
        for (ChebyshevPolynomial p : stages) {
            d += p.polynomialDepth();
        }
        return d;
    }

    /** The default baby-step count for p: the power of two with the fewest ciphertext products (ties: the smaller). */
    public static int optimalBabySteps(ChebyshevPolynomial p) {
        double[] c = p.coefficients();
        int best = 2, bestCount = Integer.MAX_VALUE;
        for (int n1 = 2; n1 <= Math.max(2, Integer.highestOneBit(Math.max(1, c.length - 1)) * 2); n1 *= 2) {
            int count = multiplications(c, n1);
            if (count < bestCount) {
                bestCount = count;
                best = n1;
            }
        }
        return best;
    }

    /** The ciphertext products (each with a relinearization) p costs with {@code babySteps} (0: the default). */
    public static int multiplications(ChebyshevPolynomial p, int babySteps) {
        return multiplications(p.coefficients(), babySteps == 0 ? optimalBabySteps(p) : checkBabySteps(babySteps));
    }

    // ------------------------------------------------------------------------------------------------ plan

    /** A part of the split polynomial, with its depth below T_1 once evaluated (after its rescale). */
    private sealed interface Node permits Constant, Leaf, Split {
        int depth();
    }

    private record Constant(double value) implements Node {
        @Override
        public int depth() {
            return 0;
        }
    }

    /** sum terms[j] T_j + c0; its deepest T_j is pendingDepth levels below T_1, where the sum is formed. */
    private record Leaf(TreeMap<Integer, Double> terms, double c0, int pendingDepth) implements Node {
        @Override
        public int depth() {
            return pendingDepth + 1;
        }
    }

    /** q T_giant + r; the product is formed productDepth levels below T_1. */
    private record Split(int giant, Node quotient, Node remainder, int productDepth, boolean mergeRemainder)
            implements Node {
        @Override
        public int depth() {
            return mergeRemainder ? productDepth + 1 : Math.max(productDepth + 1, remainder.depth());
        }
    }

    /** Levels T_j sits below T_1. */
    private static int powerDepth(int j) {
        return 32 - Integer.numberOfLeadingZeros(j - 1);
    }

    private static Node plan(double[] c, int budget, int n1) {
        int d = c.length - 1;
        while (d > 0 && c[d] == 0) {
            d--;
        }
        if (d == 0) {
            return new Constant(c[0]);
        }
        if (d < n1) {
            TreeMap<Integer, Double> terms = new TreeMap<>();
            int deepest = 0;
            for (int j = 1; j <= d; j++) {
                if (c[j] != 0) {
                    terms.put(j, c[j]);
                    deepest = Math.max(deepest, powerDepth(j));
                }
            }
            if (deepest + 1 <= budget) {
                return new Leaf(terms, c[0], deepest);
            }
        }
        int g = Integer.highestOneBit(d);
        double[] q = new double[d - g + 1];
        double[] r = new double[g];
        System.arraycopy(c, 0, r, 0, g);
        q[0] = c[g];
        for (int i = g + 1; i <= d; i++) {
            q[i - g] = 2 * c[i];
            r[2 * g - i] -= c[i];
        }
        Node qn = plan(q, budget - 1, n1);
        Node rn = plan(r, budget, n1);
        int productDepth = qn instanceof Constant ? powerDepth(g) : Math.max(qn.depth(), powerDepth(g));
        boolean merge = rn instanceof Constant || (rn instanceof Leaf leaf && leaf.pendingDepth() <= productDepth);
        return new Split(g, qn, rn, productDepth, merge);
    }

    private static int multiplications(double[] c, int n1) {
        int budget = ChebyshevPolynomial.onUnitInterval(c).polynomialDepth();
        Node root = plan(c, budget, n1);
        TreeSet<Integer> powers = new TreeSet<>();
        int[] splits = {0};
        collect(root, powers, splits);
        TreeSet<Integer> closure = new TreeSet<>();
        for (int j : powers) {
            addPower(j, closure);
        }
        closure.remove(1);
        return closure.size() + splits[0];
    }

    private static void collect(Node n, TreeSet<Integer> powers, int[] splits) {
        if (n instanceof Leaf leaf) {
            powers.addAll(leaf.terms().keySet());
        } else if (n instanceof Split s) {
            powers.add(s.giant());
            if (!(s.quotient() instanceof Constant)) {
                splits[0]++;
            }
            collect(s.quotient(), powers, splits);
            collect(s.remainder(), powers, splits);
        }
    }

    private static void addPower(int j, TreeSet<Integer> closure) {
        if (!closure.add(j) || j == 1) {
            return;
        }
        int a = Integer.highestOneBit(j);
        if (a == j) {
            addPower(j / 2, closure);
        } else {
            addPower(a, closure);
            addPower(j - a, closure);
            addPower(2 * a - j, closure);
        }
    }

    // ------------------------------------------------------------------------------------------------ evaluation

    /** T_1 = alpha x + beta: free when alpha = 1, else one level (T_1 lands on the modulus of its level). */
    private Ciphertext changeOfVariable(Ciphertext x, ChebyshevPolynomial p) {
        double beta = p.beta();
        if (p.freeChangeOfVariable()) {
            return beta == 0 ? x.copy() : evaluator.addConstant(x, beta);
        }
        int level = x.level();
        double target = LinearTransform.levelModulus(params, level - 1);
        double constantScale = LinearTransform.levelModulus(params, level) * target / x.scale();
        try (Ciphertext scaled = mulConstant(x, p.alpha(), constantScale)) {
            if (beta != 0) {
                try (Ciphertext shifted = evaluator.addConstant(scaled, beta)) {
                    return evaluator.rescale(shifted);
                }
            }
            return evaluator.rescale(scaled);
        }
    }

    /** sum c_i T_i(t) for the ciphertext t1 = T_1, at exactly targetScale. */
    private Ciphertext evaluateUnit(Ciphertext t1, double[] c, double targetScale, int babySteps) {
        ChebyshevPolynomial unit = ChebyshevPolynomial.onUnitInterval(c);
        int n1 = babySteps == 0 ? optimalBabySteps(unit) : checkBabySteps(babySteps);
        double[] coefficients = unit.coefficients();
        Node root = plan(coefficients, unit.polynomialDepth(), n1);
        if (root.depth() != unit.polynomialDepth() && !(root instanceof Constant)) {
            throw new IllegalStateException("polynomial plan of depth " + root.depth() + " for degree "
                    + unit.degree() + " (expected " + unit.polynomialDepth() + ")");
        }
        try (Run run = new Run(t1)) {
            if (root instanceof Constant k) { // a constant polynomial: a trivial encryption of it at T_1's level
                try (Ciphertext zero = evaluator.mulInteger(t1, 0)) {
                    zero.setScale(targetScale);
                    return evaluator.addConstant(zero, k.value());
                }
            }
            return run.evaluate(root, targetScale);
        }
    }

    /** One evaluation: the power basis (memoized, closed at the end) and the recursive evaluation of the plan. */
    private final class Run implements AutoCloseable {
        private final Map<Integer, Ciphertext> powers = new HashMap<>();
        private final int level1;

        Run(Ciphertext t1) {
            powers.put(1, t1.copy());
            level1 = t1.level();
        }

        Ciphertext power(int j) {
            Ciphertext t = powers.get(j);
            if (t != null) {
                return t;
            }
            int a = Integer.highestOneBit(j);
            Ciphertext result;
            if (a == j) { // T_2h = 2 T_h^2 - 1
                Ciphertext h = power(j / 2);
                try (Ciphertext square = evaluator.multiply(h, h);
                        Ciphertext twice = evaluator.mulInteger(square, 2);
                        Ciphertext shifted = evaluator.addConstant(twice, -1)) {
                    result = evaluator.rescale(shifted);
                }
            } else { // T_j = 2 T_a T_(j-a) - T_(2a-j)
                Ciphertext ta = power(a), tb = power(j - a), tc = power(2 * a - j);
                try (Ciphertext product = evaluator.multiply(ta, tb);
                        Ciphertext twice = evaluator.mulInteger(product, 2)) {
                    try (Ciphertext term = scaledTerm(tc, -1, twice.scale(), twice.level(), 2 * a - j)) {
                        evaluator.addInPlace(twice, term);
                    }
                    result = evaluator.rescale(twice);
                }
            }
            if (result.level() != level1 - powerDepth(j)) {
                result.close();
                throw new IllegalStateException("T_" + j + " at level " + result.level() + ", planned "
                        + (level1 - powerDepth(j)));
            }
            powers.put(j, result);
            return result;
        }

        /** The part n at exactly the scale t (up to the rounding of doubles), level1 - n.depth(). */
        Ciphertext evaluate(Node n, double t) {
            if (n instanceof Leaf leaf) {
                int level = level1 - leaf.pendingDepth();
                try (Ciphertext pending = leafSum(null, leaf, t * LinearTransform.levelModulus(params, level), level)) {
                    return evaluator.rescale(pending);
                }
            }
            Split s = (Split) n;
            int level = level1 - s.productDepth();
            double pendingScale = t * LinearTransform.levelModulus(params, level);
            Ciphertext giant = power(s.giant());
            Ciphertext product;
            if (s.quotient() instanceof Constant k) {
                product = scaledTerm(giant, k.value(), pendingScale, level, s.giant());
            } else {
                try (Ciphertext q = evaluate(s.quotient(), pendingScale / giant.scale())) {
                    product = evaluator.multiply(q, giant);
                }
            }
            try (product) {
                if (s.mergeRemainder()) { // the remainder joins the product before its rescale
                    Ciphertext pending = product;
                    if (s.remainder() instanceof Leaf leaf) {
                        pending = leafSum(product, leaf, product.scale(), level);
                    } else if (((Constant) s.remainder()).value() != 0) {
                        pending = evaluator.addConstant(product, ((Constant) s.remainder()).value());
                    }
                    try {
                        return evaluator.rescale(pending);
                    } finally {
                        if (pending != product) {
                            pending.close();
                        }
                    }
                }
                try (Ciphertext result = evaluator.rescale(product); Ciphertext r = evaluate(s.remainder(), t)) {
                    return evaluator.add(result, r);
                }
            }
        }

        /**
         * base + sum c_j T_j + c0 at the given pending (not yet rescaled) scale and level, as a new ciphertext
         * (base may be null; it is not modified).
         */
        Ciphertext leafSum(Ciphertext base, Leaf leaf, double scale, int level) {
            Ciphertext sum = base == null ? null : base.copy();
            try {
                // the terms whose constants are integers below 2^61 at their scale in one linear combination
                List<Ciphertext> powersUsed = new ArrayList<>();
                List<Long> integers = new ArrayList<>();
                for (Map.Entry<Integer, Double> term : leaf.terms().entrySet()) {
                    Ciphertext tj = power(term.getKey());
                    double v = Math.rint(term.getValue() * constantScale(tj, scale, term.getKey()));
                    if (Math.abs(v) < 0x1p61) {
                        powersUsed.add(tj);
                        integers.add((long) v);
                        continue;
                    }
                    Ciphertext t = scaledTerm(tj, term.getValue(), scale, level, term.getKey());
                    sum = accumulate(sum, t);
                }
                if (!powersUsed.isEmpty()) {
                    sum = accumulate(sum, evaluator.linearCombination(powersUsed.toArray(Ciphertext[]::new),
                            integers.stream().mapToLong(Long::longValue).toArray(), level, scale));
                }
                if (leaf.c0() != 0) {
                    Ciphertext shifted = evaluator.addConstant(sum, leaf.c0());
                    sum.close();
                    sum = shifted;
                }
                return sum;
            } catch (RuntimeException e) {
                if (sum != null) {
                    sum.close();
                }
                throw e;
            }
        }

        /** sum + t (sum may be null), t consumed. */
        private Ciphertext accumulate(Ciphertext sum, Ciphertext t) {
            if (sum == null) {
                return t;
            }
            try (t) {
                evaluator.addInPlace(sum, t);
            }
            return sum;
        }

        /** The factor a coefficient of T is rounded at so that the term lands on {@code scale}; checked. */
        private double constantScale(Ciphertext t, double scale, int index) {
            double constantScale = scale / t.scale();
            if (constantScale < MIN_CONSTANT_SCALE) {
                throw new IllegalStateException(String.format("polynomial evaluation: T_%d has scale 2^%.2f, too "
                        + "close to the target 2^%.2f for its coefficient to be encoded (the input's scale is far "
                        + "from the primes of its levels)", index, log2(t.scale()), log2(scale)));
            }
            return constantScale;
        }

        /** c T at scale exactly {@code scale} (the constant rounded to an integer at scale / scale(T)), at level. */
        Ciphertext scaledTerm(Ciphertext t, double c, double scale, int level, int index) {
            double constantScale = constantScale(t, scale, index);
            if (t.level() > level) {
                try (Ciphertext dropped = evaluator.dropLevel(t, level)) {
                    return mulConstant(dropped, c, constantScale);
                }
            }
            return mulConstant(t, c, constantScale);
        }

        @Override
        public void close() {
            powers.values().forEach(Ciphertext::close);
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /**
     * a * c with c encoded at constantScale (scale a.scale * constantScale): an integer product when round(c *
     * constantScale) fits 2^62, else a product with the encoded constant polynomial (scales near 2^60 at two-prime
     * levels make c * constantScale exceed 2^62 for |c| >= 4).
     */
    private Ciphertext mulConstant(Ciphertext a, double c, double constantScale) {
        if (Math.abs(c * constantScale) < 0x1p61) {
            return evaluator.mulConstant(a, c, constantScale);
        }
        try (Plaintext k = encoder.encodeConstant(c, a.level(), constantScale)) {
            return evaluator.mulPlain(a, k);
        }
    }

    private void checkLevels(Ciphertext x, int depth, String what) {
        if (x.level() > params.maxLevel() || !x.c0().basis().equals(params.basisQ(x.level()))) {
            throw new IllegalArgumentException("polynomial evaluation: the ciphertext is not over Q_" + x.level()
                    + " of the evaluator's parameters '" + params.name() + "'");
        }
        if (x.level() < depth) {
            throw new IllegalArgumentException("polynomial evaluation: " + what + " consumes " + depth
                    + " levels but the ciphertext is at level " + x.level());
        }
    }

    private static void checkScale(double targetScale) {
        if (!(targetScale >= 1) || Double.isInfinite(targetScale)) {
            throw new IllegalArgumentException("polynomial evaluation: target scale " + targetScale
                    + " must be finite and >= 1");
        }
    }

    private static int checkBabySteps(int n1) {
        if (n1 < 2 || Integer.bitCount(n1) != 1) {
            throw new IllegalArgumentException("polynomial evaluation: " + n1 + " baby steps is not a power of two >= 2");
        }
        return n1;
    }

    private static List<Integer> degrees(List<ChebyshevPolynomial> stages) {
        List<Integer> d = new ArrayList<>();
        stages.forEach(p -> d.add(p.degree()));
        return d;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
