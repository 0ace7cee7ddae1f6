package dev.hyphenj.hcnn.plan;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.hcnn.act.FusedQuadratic;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Plans the degree-2 ResNet-20 ({@link PolyResNet20}): the layouts (the stem's m, m per block, baby steps), then, by
 * predicted time ({@link CostModel}), between a leveled run on a long chain (no bootstrap: 39 levels, every operation
 * at more primes and with larger keys) and runs with 1 to 3 bootstraps on a bootstrapping chain (its network levels
 * at the bottom, few primes per operation, plus the bootstraps' measured time, {@link CostModel#bootstrap(int)}).
 *
 * <p>Levels of {@link PolyResNet20}: each unit (the stem, a block's conv1 with act1, its conv2 with the shortcut and
 * act2) takes 2 levels, the head 1. A bootstrap may follow any activation but the last and returns to the chain's top
 * network level; the image is encrypted at the lowest level from which the first bootstrap (or the end) is reached.
 * For each number of bootstraps every placement is costed and the cheapest kept.
 *
 * <p>Cost of a unit at its levels: the counts of {@link FusedQuadratic} (one hoisted batch of taps per input
 * ciphertext; plaintext multiplies, block and rotate-and-sum rotations, rescales and additions per weight set: one
 * for a layer in the square form, two, s and t, otherwise; one product per output ciphertext) and of the shortcuts
 * (one per weight set), each operation at the level it runs at; {@code PolyPlannerTest} checks the sum against a
 * {@link CostMeter} run.
 */
public final class PolyPlanner {
    private static final int TAPS = 9;
    private static final int UNITS = ResNet20Weights.ACTIVATIONS;
    /** The level the layouts are compared at (the choice of m barely depends on it: every cost scales alike). */
    private static final int NOMINAL_LEVEL = 8;

    /**
     * One way to run the network.
     *
     * @param name {@code leveled} or {@code n bootstraps}
     * @param params the chain it runs on
     * @param inputLevel the level the image is encrypted at
     * @param bootstrapAfter the activations (by index) whose outputs are bootstrapped
     * @param bootstraps bootstrapped ciphertexts per image
     * @param linearMs the predicted time of the network's operations
     * @param bootstrapMs the predicted time of its bootstraps
     */
    public record Option(String name, Parameters params, int inputLevel, List<Integer> bootstrapAfter,
            long bootstraps, double linearMs, double bootstrapMs) {
        public double ms() {
            return linearMs + bootstrapMs;
        }
    }

    /**
     * The plan: the layout, the option chosen (the cheapest) and every option costed (the leveled run, then the
     * cheapest placement of 1, 2 and 3 bootstraps where one fits the chain).
     */
    public record Plan(NetworkPlan layout, Option chosen, List<Option> options) {}

    private final Parameters leveled;
    private final Parameters bootstrapping;
    private final int topLevel;
    private final CostModel model;
    private final int maxKeys;
    private final int blocksPerCt;
    private final ResNet20Planner keyPlanner;
    private final int[] weightSets;
    /** Per activation, whether its output carries signs ({@link FusedQuadratic#outputSigns}) to be multiplied back. */
    private final boolean[] signed;

    /**
     * A planner choosing between the chain {@code leveled} (no bootstrap) and {@code bootstrapping}, whose
     * bootstraps return to {@code topLevel}; at most {@code maxKeys} rotation keys for the network's layers; the
     * network's quadratic {@code activations} (their signs choose each layer's form, {@link FusedQuadratic}).
     */
    public PolyPlanner(Parameters leveled, Parameters bootstrapping, int topLevel, CostModel model, int maxKeys,
            List<ResNet20Weights.Quadratic> activations) {
        if (leveled.slots() != bootstrapping.slots()) {
            throw new IllegalArgumentException("the two chains have different slot counts");
        }
        if (activations.size() != UNITS) {
            throw new IllegalArgumentException(activations.size() + " activations for the " + UNITS + " of ResNet-20");
        }
        this.weightSets = activations.stream().mapToInt(FusedQuadratic::weightSets).toArray();
        this.signed = new boolean[UNITS];
        for (int i = 0; i < UNITS; i++) {
            signed[i] = Arrays.stream(FusedQuadratic.outputSigns(activations.get(i))).anyMatch(s -> s < 0);
        }
        this.leveled = leveled;
        this.bootstrapping = bootstrapping;
        this.topLevel = topLevel;
        this.model = model;
        this.maxKeys = maxKeys;
        this.blocksPerCt = bootstrapping.slots() / 1024;
        this.keyPlanner = new ResNet20Planner(bootstrapping, model, topLevel, maxKeys);
    }

    /** Per activation, the weight sets of its layer ({@link FusedQuadratic#weightSets}: 1 or 2). */
    public int[] weightSets() {
        return weightSets.clone();
    }

    /** The layout, then the options and the cheapest. */
    public Plan plan() {
        NetworkPlan layout = layout();
        List<Option> options = new ArrayList<>();
        options.add(best("leveled", leveled, leveled.maxLevel(), layout, 0));
        for (int n = 1; n <= 3; n++) {
            Option o = best(n + " bootstrap" + (n == 1 ? "" : "s"), bootstrapping, topLevel, layout, n);
            if (o != null) {
                options.add(o);
            }
        }
        if (options.getFirst() == null) {
            throw new IllegalStateException("the leveled chain '" + leveled.name() + "' has " + leveled.maxLevel()
                    + " levels; the network needs 39");
        }
        Option chosen = options.stream().min((a, b) -> Double.compare(a.ms(), b.ms())).orElseThrow();
        NetworkPlan withInput = new NetworkPlan(layout.stemM(), layout.stemBabySteps(), layout.blocks(),
                chosen.inputLevel(), layout.bootstrapBefore());
        return new Plan(withInput, chosen, List.copyOf(options));
    }

    /**
     * m per block and the stem's m by predicted time, then the baby steps with the fewest rotation keys. The layout
     * depends on the network's shapes only (every layer costed in the product form), so that a client can make the
     * rotation keys without the weights.
     */
    public NetworkPlan layout() {
        int bestStem = 4;
        for (int m0 = 4; m0 <= blocksPerCt; m0 *= 2) {
            if (stem(bootstrapping, NOMINAL_LEVEL, m0, 2) < stem(bootstrapping, NOMINAL_LEVEL, bestStem, 2)) {
                bestStem = m0;
            }
        }
        int[] ms = new int[9];
        for (int i = 0; i < 9; i++) {
            ms[i] = 1;
            for (int m = 2; m <= blocksPerCt; m *= 2) {
                if (blockAt(i, m) < blockAt(i, ms[i])) {
                    ms[i] = m;
                }
            }
        }
        NetworkPlan best = null;
        int bestKeys = Integer.MAX_VALUE;
        for (int beta = 1; beta <= blocksPerCt; beta *= 2) {
            List<NetworkPlan.BlockPlan> blocks = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                int bs = Math.min(beta, ms[i]);
                blocks.add(new NetworkPlan.BlockPlan(name(i), ms[i], bs, bs, false, false));
            }
            NetworkPlan p = new NetworkPlan(bestStem, Math.min(beta, bestStem), blocks, 0,
                    Collections.nCopies(UNITS, false));
            int keys = keyPlanner.rotationKeys(p).size();
            if (keys < bestKeys) {
                bestKeys = keys;
                best = p;
            }
        }
        if (bestKeys > maxKeys) {
            throw new IllegalStateException("the best layout needs " + bestKeys + " rotation keys, more than the "
                    + maxKeys + " allowed");
        }
        return best;
    }

    private double blockAt(int i, int m) {
        int l = NOMINAL_LEVEL;
        return conv1(bootstrapping, i, m, l, 2) + conv2(bootstrapping, i, m, l - 2, l, false, 2);
    }

    /** The cheapest placement of n bootstraps on the chain (null if none fits), image at its lowest level. */
    private Option best(String name, Parameters p, int top, NetworkPlan layout, int n) {
        Option best = null;
        for (List<Integer> set : subsets(n)) {
            Option o = option(name, p, top, layout, set);
            if (o != null && (best == null || o.ms() < best.ms())) {
                best = o;
            }
        }
        return best;
    }

    /** The option of bootstrapping after the activations {@code after}, at the lowest input level that fits. */
    private Option option(String name, Parameters p, int top, NetworkPlan layout, List<Integer> after) {
        for (int input = 2; input <= top; input++) {
            double[] ms = walk(p, top, layout, input, new TreeSet<>(after));
            if (ms != null) {
                return new Option(name, p, input, List.copyOf(after), (long) ms[2], ms[0], ms[1]);
            }
        }
        return null;
    }

    /** Subsets of n activations that may be bootstrapped (all but the last). */
    private static List<List<Integer>> subsets(int n) {
        List<List<Integer>> out = new ArrayList<>();
        subsets(n, 0, new ArrayList<>(), out);
        return out;
    }

    private static void subsets(int n, int from, List<Integer> prefix, List<List<Integer>> out) {
        if (prefix.size() == n) {
            out.add(List.copyOf(prefix));
            return;
        }
        for (int i = from; i < UNITS - 1; i++) {
            prefix.add(i);
            subsets(n, i + 1, prefix, out);
            prefix.removeLast();
        }
    }

    /**
     * The network's levels from {@code input}: {linear ms, bootstrap ms, bootstrapped ciphertexts}, or null if a
     * level would drop below 0 (or below 1 before the head).
     */
    private double[] walk(Parameters p, int top, NetworkPlan layout, int input, Set<Integer> after) {
        double linear = 0, boots = 0, cts = 0;
        if (input < 2) {
            return null;
        }
        linear += stem(p, input, layout.stemM(), weightSets[0]);
        int l = input - 2;
        if (after.contains(0)) {
            boots += bootstraps(0, layout);
            cts += ciphertexts(0, layout);
            l = top;
        }
        for (int i = 0; i < 9; i++) {
            int m = layout.blocks().get(i).m(), x = l, a1 = 1 + 2 * i, a2 = a1 + 1;
            if (x < 2) {
                return null;
            }
            linear += conv1(p, i, m, x, weightSets[a1]);
            int h = x - 2;
            if (after.contains(a1)) {
                boots += bootstraps(a1, layout);
                cts += ciphertexts(a1, layout);
                h = top;
            }
            if (Math.min(h, x) < 2) {
                return null;
            }
            linear += conv2(p, i, m, h, x, after.contains(a1 - 1) || signed[a1 - 1], weightSets[a2]);
            l = Math.min(h, x) - 2;
            if (after.contains(a2)) {
                boots += bootstraps(a2, layout);
                cts += ciphertexts(a2, layout);
                l = top;
            }
        }
        if (l < 1) {
            return null;
        }
        linear += new ResNet20Planner(p, model, top, maxKeys).headCost(false, l);
        return new double[] {linear, boots, cts};
    }

    /** Ciphertexts of activation {@code a}'s output: the stem's and conv2's CA tensors, conv1's PR(m). */
    private int ciphertexts(int a, NetworkPlan layout) {
        if (a == 0) {
            return 1;
        }
        int i = (a - 1) / 2, cout = ResNet20Weights.STAGE_CHANNELS[i / 3];
        return ceil(cout, a % 2 == 1 ? layout.blocks().get(i).m() : blocksPerCt);
    }

    /**
     * Bootstraps of activation {@code a}'s output: conv1's PR(m) tensors, or the stem's and conv2's RAConv outputs,
     * PR(channels) when there are fewer channels than blocks (replicated: {@link dev.hyphenj.hcnn.conv.RAConv}).
     */
    private double bootstraps(int a, NetworkPlan layout) {
        int channels = a == 0 ? ResNet20Weights.STAGE_CHANNELS[0] : ResNet20Weights.STAGE_CHANNELS[(a - 1) / 6];
        int m = a % 2 == 1 ? layout.blocks().get((a - 1) / 2).m() : Math.min(channels, blocksPerCt);
        int slots = m < blocksPerCt ? m * 1024 : bootstrapping.slots();
        return ciphertexts(a, layout) * model.bootstrap(slots);
    }

    /** The stem (RAConv from PR(m0), 3 channels, and its activation of {@code sets} weight sets) at level l. */
    private double stem(Parameters p, int l, int m0, int sets) {
        return convolution(p, l, 1, 1, m0, 0, sets) + products(p, l - 1, 1);
    }

    /** conv1 of block i (CAConv CA -> PR(m)) and act1 ({@code sets} weight sets), the block input at level l. */
    private double conv1(Parameters p, int i, int m, int l, int sets) {
        int[] ch = ResNet20Weights.STAGE_CHANNELS;
        int cin = i % 3 == 0 && i > 0 ? ch[i / 3 - 1] : ch[i / 3];
        int nX = ceil(cin, blocksPerCt), nPr = ceil(ch[i / 3], m);
        int gather = Integer.numberOfTrailingZeros(blocksPerCt / m);
        return convolution(p, l, nX, nPr, m, gather, sets) + products(p, l - 1, nPr);
    }

    /**
     * conv2 of block i (RAConv PR(m) -> CA) at level h, the shortcuts of the block input at level x per weight set
     * ({@code sets} of them; for s none if it is an identity shortcut of an input not {@code scaled}: back from a
     * bootstrap or carrying signs), the residual additions and act2.
     */
    private double conv2(Parameters p, int i, int m, int h, int x, boolean scaled, int sets) {
        int cout = ResNet20Weights.STAGE_CHANNELS[i / 3];
        boolean down = i % 3 == 0 && i > 0;
        int cin = down ? ResNet20Weights.STAGE_CHANNELS[i / 3 - 1] : cout;
        int nX = ceil(cin, blocksPerCt), nPr = ceil(cout, m), nCa = ceil(cout, blocksPerCt);
        double ms = convolution(p, h, nPr, nCa, m, 0, sets);
        int shortcuts = sets == 2 && !down && !scaled ? 1 : sets;
        if (down) {
            int rotations = ((cout - cin) / 2) % blocksPerCt != 0 ? nX : 0;
            ms += shortcuts * (rotations * model.rotation(p, x) + nCa * nX * model.plaintextMultiply(p, x)
                    + nCa * (nX - 1) * model.add(p, x) + nCa * model.rescale(p, x));
        } else {
            ms += shortcuts * nCa * (model.plaintextMultiply(p, x) + model.rescale(p, x));
        }
        int sum = Math.min(h, x) - 1;
        ms += sets * nCa * model.add(p, sum);
        return ms + products(p, sum, nCa);
    }

    /**
     * A {@link FusedQuadratic}'s convolution at level l: taps of nIn ciphertexts, then for each of its {@code sets}
     * weight sets per output ciphertext m diagonals of 9 nIn multiplies summed, m - 1 block rotations and
     * {@code gather} rotate-and-sum rotations with their additions, a rescale and the bias.
     */
    private double convolution(Parameters p, int l, int nIn, int nOut, int m, int gather, int sets) {
        double perOutput = m * TAPS * nIn * model.plaintextMultiply(p, l) + (m - 1 + gather) * model.rotation(p, l)
                + (m * TAPS * nIn - 1 + gather) * model.add(p, l) + model.rescale(p, l) + model.add(p, l - 1);
        return nIn * model.hoistedBatch(p, l, TAPS - 1) + sets * nOut * perOutput;
    }

    /** n products (u * u or s * t) at level l (a key switch and a multiply each), their rescales and the constants. */
    private double products(Parameters p, int l, int n) {
        return n * (model.rotation(p, l) + model.plaintextMultiply(p, l) + model.rescale(p, l) + model.add(p, l - 1));
    }

    private static String name(int i) {
        return "layer" + (i / 3 + 1) + "." + (i % 3);
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }
}
