package dev.hyphenj.hcnn.head;

import dev.hyphenj.hcnn.eval.HeEvaluator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * y = sum_j M_j x_j for slot vectors x_0 .. x_(n-1) (one per input ciphertext) and sparse S x S matrices M_j
 * (S slots), by the diagonal method with baby-step giant-step, written against {@link HeEvaluator} so the slot
 * simulator and CKKS run the same code. It mirrors {@code dev.hyphenj.ckks.LinearTransform} for several inputs:
 *
 * <p>Diagonal d of M_j holds M_j[i][(i + d) mod S] at index i, so M_j x = sum_d diag_d * rot(x, d). With n1 baby
 * steps, d = g + b (b = d mod n1, d read in [0, S) or centered in (-S/2, S/2], whichever is cheaper) and
 * y = sum_g rot(sum_j sum_b rot(diag_(j,g+b), -g) * rot(x_j, b), g): each input is rotated by its baby steps in one
 * hoisted batch, the products of all inputs for one giant step are summed and rotated once. One rescale at the end
 * (the giant rotations act before it). n1 is chosen to minimize the rotations (hoisted baby rotations of every
 * input plus the giant rotations; fewer giant ones among equal counts); {@link #withBabySteps} overrides it.
 *
 * <p>The plaintext diagonals are built when used, zero outside the matrix's non-zero entries: slots of x_j that
 * no entry reads may hold anything.
 */
public final class DiagonalTransform {
    private final int slots;
    private final int inputs;
    /** Per input: diagonal index in [0, S) to (row to value). */
    private final List<TreeMap<Integer, TreeMap<Integer, Double>>> diagonals;
    private final int babySteps;
    private final boolean centered;
    /** Giant step in [0, S) to, per input, the list of {baby step, diagonal index}. */
    private final TreeMap<Integer, List<List<int[]>>> plan = new TreeMap<>();
    /** Per input: its baby steps in [0, n1), ascending. */
    private final int[][] babies;

    private DiagonalTransform(int slots, List<TreeMap<Integer, TreeMap<Integer, Double>>> diagonals, int babySteps,
            boolean centered) {
        this.slots = slots;
        this.inputs = diagonals.size();
        this.diagonals = diagonals;
        this.babySteps = babySteps;
        this.centered = centered;
        this.babies = new int[inputs][];
        for (int j = 0; j < inputs; j++) {
            TreeSet<Integer> bs = new TreeSet<>();
            for (int d : diagonals.get(j).keySet()) {
                int[] split = split(d, babySteps, centered, slots);
                bs.add(split[0]);
                List<List<int[]>> perInput = plan.computeIfAbsent(split[1], g -> {
                    List<List<int[]>> l = new ArrayList<>();
                    for (int i = 0; i < inputs; i++) {
                        l.add(new ArrayList<>());
                    }
                    return l;
                });
                perInput.get(j).add(new int[] {split[0], d});
            }
            babies[j] = bs.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** A builder of the matrices M_0 .. M_(inputs-1) over {@code slots} slots, entry by entry. */
    public static Builder builder(int slots, int inputs) {
        return new Builder(slots, inputs);
    }

    /** Collects the non-zero entries of the matrices. */
    public static final class Builder {
        private final int slots;
        private final List<TreeMap<Integer, TreeMap<Integer, Double>>> diagonals = new ArrayList<>();

        private Builder(int slots, int inputs) {
            if (slots <= 0 || inputs <= 0) {
                throw new IllegalArgumentException("a diagonal transform needs slots and inputs, got " + slots + " and "
                        + inputs);
            }
            this.slots = slots;
            for (int j = 0; j < inputs; j++) {
                diagonals.add(new TreeMap<>());
            }
        }

        /** M_input[row][column] += value: slot {@code row} of y gets value times slot {@code column} of x_input. */
        public Builder add(int input, int row, int column, double value) {
            if (input < 0 || input >= diagonals.size() || row < 0 || row >= slots || column < 0 || column >= slots) {
                throw new IllegalArgumentException("entry (" + input + ", " + row + ", " + column + ") is outside "
                        + diagonals.size() + " inputs of " + slots + " slots");
            }
            if (value != 0) {
                diagonals.get(input).computeIfAbsent(Math.floorMod(column - row, slots), d -> new TreeMap<>())
                        .merge(row, value, Double::sum);
            }
            return this;
        }

        /** The transform with the baby-step count that needs the fewest rotations. */
        public DiagonalTransform build() {
            if (diagonals.stream().allMatch(TreeMap::isEmpty)) {
                throw new IllegalArgumentException("a diagonal transform needs at least one non-zero entry");
            }
            int bestN1 = 1;
            boolean bestCentered = false;
            long bestCost = Long.MAX_VALUE;
            for (int n1 = 1; n1 < 2 * slots; n1 *= 2) {
                for (boolean c : new boolean[] {false, true}) {
                    long cost = cost(diagonals, n1, c, slots);
                    if (cost < bestCost) {
                        bestCost = cost;
                        bestN1 = n1;
                        bestCentered = c;
                    }
                }
            }
            return new DiagonalTransform(slots, diagonals, bestN1, bestCentered);
        }
    }

    /** The same transform with {@code n1} baby steps (n1 >= S: one hoisted rotation per diagonal, no giant step). */
    public DiagonalTransform withBabySteps(int n1) {
        if (n1 < 1) {
            throw new IllegalArgumentException("baby steps must be positive, got " + n1);
        }
        boolean c = cost(diagonals, n1, true, slots) < cost(diagonals, n1, false, slots);
        return new DiagonalTransform(slots, diagonals, n1, c);
    }

    public int slots() {
        return slots;
    }

    /** Input ciphertexts. */
    public int inputs() {
        return inputs;
    }

    /** The baby-step count n1. */
    public int babySteps() {
        return babySteps;
    }

    /** Hoisted baby rotations per application (over all inputs). */
    public int hoistedRotations() {
        int n = 0;
        for (int[] b : babies) {
            n += (int) Arrays.stream(b).filter(s -> s != 0).count();
        }
        return n;
    }

    /** Giant (ordinary) rotations per application. */
    public int giantRotations() {
        return (int) plan.keySet().stream().filter(g -> g != 0).count();
    }

    /** Plaintext multiplies per application: the non-zero diagonals of all inputs. */
    public int plaintextMultiplies() {
        return diagonals.stream().mapToInt(TreeMap::size).sum();
    }

    /** The rotation steps (Galois keys) {@link #apply} needs, each in (-S/2, S/2], ascending. */
    public int[] rotationSteps() {
        TreeSet<Integer> all = new TreeSet<>();
        for (int[] b : babies) {
            for (int s : b) {
                if (s != 0) {
                    all.add(normalize(s));
                }
            }
        }
        for (int g : plan.keySet()) {
            if (g != 0) {
                all.add(normalize(g));
            }
        }
        return all.stream().mapToInt(Integer::intValue).toArray();
    }

    /** y = sum_j M_j x_j in plain double math. */
    public double[] applyPlain(List<double[]> x) {
        if (x.size() != inputs) {
            throw new IllegalArgumentException(x.size() + " input vectors for a transform of " + inputs);
        }
        double[] y = new double[slots];
        for (int j = 0; j < inputs; j++) {
            double[] xj = x.get(j);
            for (Map.Entry<Integer, TreeMap<Integer, Double>> diag : diagonals.get(j).entrySet()) {
                int d = diag.getKey();
                for (Map.Entry<Integer, Double> e : diag.getValue().entrySet()) {
                    int i = e.getKey();
                    y[i] += e.getValue() * xj[(i + d) % slots];
                }
            }
        }
        return y;
    }

    /** y = sum_j M_j x_j, rescaled (one level consumed). The inputs stay the caller's. */
    public <C> C apply(HeEvaluator<C> ev, List<C> x) {
        C sum = applyWithoutRescale(ev, x);
        C y = ev.rescale(sum);
        ev.release(sum);
        return y;
    }

    /** y = sum_j M_j x_j before its rescale (one pending), for callers that add more products first. */
    public <C> C applyWithoutRescale(HeEvaluator<C> ev, List<C> x) {
        if (ev.slots() != slots) {
            throw new IllegalArgumentException("evaluator of " + ev.slots() + " slots for a transform of " + slots);
        }
        if (x.size() != inputs) {
            throw new IllegalArgumentException(x.size() + " ciphertexts for a transform of " + inputs + " inputs");
        }
        List<List<C>> rotated = new ArrayList<>(inputs);
        for (int j = 0; j < inputs; j++) {
            int[] nonZero = Arrays.stream(babies[j]).filter(s -> s != 0).toArray();
            rotated.add(nonZero.length == 0 ? List.of() : ev.rotateHoisted(x.get(j), nonZero));
        }
        C acc = null;
        for (Map.Entry<Integer, List<List<int[]>>> giant : plan.entrySet()) {
            int g = giant.getKey();
            C partial = null;
            for (int j = 0; j < inputs; j++) {
                for (int[] term : giant.getValue().get(j)) {
                    int b = term[0];
                    C source = b == 0 ? x.get(j) : rotated.get(j).get(indexOfNonZero(babies[j], b));
                    C product = ev.multiplyPlain(source, plaintext(j, term[1], g));
                    partial = ev.accumulate(partial, product);
                }
            }
            if (g != 0) {
                C turned = ev.rotate(partial, g);
                ev.release(partial);
                partial = turned;
            }
            acc = ev.accumulate(acc, partial);
        }
        for (List<C> r : rotated) {
            r.forEach(ev::release);
        }
        return acc;
    }

    @Override
    public String toString() {
        return "DiagonalTransform[" + inputs + " inputs, " + plaintextMultiplies() + " diagonals over " + slots
                + " slots, n1 = " + babySteps + ", " + hoistedRotations() + " hoisted + " + giantRotations()
                + " giant rotations]";
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Diagonal d of M_j rotated right by g: entry at row i goes to slot (i + g) mod S. */
    private double[] plaintext(int j, int d, int g) {
        double[] v = new double[slots];
        for (Map.Entry<Integer, Double> e : diagonals.get(j).get(d).entrySet()) {
            v[Math.floorMod(e.getKey() + g, slots)] = e.getValue();
        }
        return v;
    }

    /** The position of baby step b among the non-zero baby steps (the hoisted batch's order). */
    private static int indexOfNonZero(int[] babies, int b) {
        int i = Arrays.binarySearch(babies, b);
        return babies[0] == 0 ? i - 1 : i;
    }

    private int normalize(int s) {
        return s > slots / 2 ? s - slots : s;
    }


    /** {baby, giant} for diagonal d in [0, S) with n1 baby steps; the giant normalized to [0, S). */
    private static int[] split(int d, int n1, boolean centered, int slots) {
        int v = centered && d > slots / 2 ? d - slots : d;
        int b = Math.floorMod(v, n1);
        return new int[] {b, Math.floorMod(v - b, slots)};
    }

    /** Rotations for n1 baby steps (hoisted babies of every input plus giants), giants breaking ties. */
    private static long cost(List<TreeMap<Integer, TreeMap<Integer, Double>>> diagonals, int n1, boolean centered,
            int slots) {
        TreeSet<Integer> giants = new TreeSet<>();
        long babies = 0;
        for (TreeMap<Integer, TreeMap<Integer, Double>> perInput : diagonals) {
            TreeSet<Integer> bs = new TreeSet<>();
            for (int d : perInput.keySet()) {
                int[] s = split(d, n1, centered, slots);
                bs.add(s[0]);
                giants.add(s[1]);
            }
            bs.remove(0);
            babies += bs.size();
        }
        giants.remove(0);
        return 2L * slots * (babies + giants.size()) + giants.size();
    }
}
