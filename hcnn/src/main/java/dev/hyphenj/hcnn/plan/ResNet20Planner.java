package dev.hyphenj.hcnn.plan;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.hcnn.head.ClassifierHead;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.layout.TensorLayout;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Chooses a {@link NetworkPlan} for ResNet-20 (CIFAR-10, 32 x 32 frames): levels and bootstrap places first, then per
 * block the m of the PR(m) layout between CAConv and RAConv and where to refill gaps, by dynamic programming over
 * the blocks with the predicted time of {@link CostModel} as the objective, then the baby steps of the block
 * rotations that make the rotation-key set smallest (they do not change the rotation count).
 *
 * <p>The trade-off (HyPHEN's core idea): a small m means few block rotations per ciphertext but many PR(m)
 * ciphertexts, each of which needs its own bootstrap and activation; refilling gaps (stride-2 stages leave g^2 - 1 of
 * every g^2 slots free) packs several ciphertexts into one before the bootstrap for one rotation each, and the next
 * convolution unpacks them with one hoisted batch.
 *
 * <p>Levels (profile chain: {@code networkLevels} 1..16): a convolution takes one level, the option-A shortcut one,
 * an activation {@link CostModel#activationLevels()} (14 for AppReLU), the head one. A bootstrap is placed just before
 * an activation when the ciphertext would otherwise lack the levels the activation and the next linear layers need:
 * then the convolutions run at the bottom of the chain (levels 2 -> 1), where rotations are cheapest and rotation keys
 * smallest. The image is encrypted at the lowest level that needs no bootstrap before the stem's activation.
 *
 * <p>The counting formulas below are those of the layers (CAConv, RAConv, {@link GapRefill}, the option-A shortcut,
 * {@link PlannedResNet20}'s head); {@code PlannerTest} checks them against a run of the chosen plan.
 */
public final class ResNet20Planner {
    /** Kernel taps of the 3 x 3 convolutions. */
    private static final int TAPS = 9;
    private static final int[] GAPS = {1, 2, 4};
    private static final int[] SIDES = {32, 16, 8};

    private final Parameters params;
    private final CostModel model;
    private final int topLevel;
    private final int maxKeys;
    private final int slots;
    private final int width = 32;
    private final int blockSize = 32 * 32;
    private final int blocksPerCt;
    private final int classes;
    private final LayerFormulas formulas;

    /**
     * A planner for the chain of {@code params} (N/2 slots cut into 32 x 32 frames), bootstraps returning to
     * {@code topLevel}, at most {@code maxKeys} rotation keys for the network's layers.
     */
    public ResNet20Planner(Parameters params, CostModel model, int topLevel, int maxKeys) {
        this.params = params;
        this.model = model;
        this.topLevel = topLevel;
        this.maxKeys = maxKeys;
        this.slots = params.slots();
        if (slots % blockSize != 0) {
            throw new IllegalArgumentException(slots + " slots do not hold 32 x 32 frames");
        }
        this.blocksPerCt = slots / blockSize;
        this.classes = ResNet20Weights.CLASSES;
        this.formulas = new LayerFormulas(params, model, topLevel, blocksPerCt, blockSize);
    }

    /** The levels of the plan: input level, bootstrap places, and the level each convolution starts at. */
    public record Levels(int inputLevel, List<Boolean> bootstrapBefore, int[] conv1Level, int[] conv2Level,
            int headLevel) {}

    /** One block's choice and its predicted counts (for the DP and the tests). */
    public record BlockCost(NetworkPlan.BlockPlan choice, double ms, long rotations, long hoisted, long pmul,
            long bootstraps, long activations) {}

    /** Levels and bootstraps: conv 1 level, shortcut 1, activation per the model, head 1. */
    public Levels levels() {
        return formulas.levels(9, i -> i % 3 == 0 && i > 0);
    }

    /** The plan: levels, the stem's m, m and refills per block (DP on predicted time), then baby steps for keys. */
    public NetworkPlan plan() {
        Levels lv = levels();
        // stem: RAConv from PR(m0), 3 channels
        int bestStem = 4;
        double bestStemMs = Double.MAX_VALUE;
        for (int m0 = 4; m0 <= blocksPerCt; m0 *= 2) {
            double ms = model.hoistedBatch(params, lv.inputLevel(), TAPS - 1)
                    + model.rotation(params, lv.inputLevel()) * (m0 - 1)
                    + model.plaintextMultiply(params, lv.inputLevel()) * m0 * TAPS;
            if (ms < bestStemMs) {
                bestStemMs = ms;
                bestStem = m0;
            }
        }
        List<NetworkPlan.BlockPlan> chosen = LayerFormulas.chooseBlocks(9, this::options, i -> geometry(i).downsample,
                (i, refilled, choice) -> blockCost(i, refilled, choice, lv).ms(),
                refilled -> headCost(refilled, lv.headLevel()));
        // baby steps: one policy for all layers, the one with the fewest keys
        NetworkPlan bestPlan = null;
        int bestKeys = Integer.MAX_VALUE;
        for (int beta = 1; beta <= blocksPerCt; beta *= 2) {
            NetworkPlan p = new NetworkPlan(bestStem, Math.min(beta, bestStem),
                    LayerFormulas.withBabySteps(chosen, beta), lv.inputLevel(), lv.bootstrapBefore());
            int keys = rotationKeys(p).size();
            if (keys < bestKeys) {
                bestKeys = keys;
                bestPlan = p;
            }
        }
        if (bestKeys > maxKeys) {
            throw new IllegalStateException("the best plan needs " + bestKeys + " rotation keys, more than the "
                    + maxKeys + " allowed");
        }
        return bestPlan;
    }

    /** The choices for block i: every m, refills where the stage's gap leaves room. */
    public List<NetworkPlan.BlockPlan> options(int i) {
        Geometry g = geometry(i);
        List<NetworkPlan.BlockPlan> out = new ArrayList<>();
        for (int m = 1; m <= blocksPerCt; m *= 2) {
            int nPr = ceil(g.cout, m), nCa = ceil(g.cout, blocksPerCt);
            for (int mid = 0; mid < 2; mid++) {
                if (mid == 1 && (nPr == 1 || nPr > g.gout * g.gout)) {
                    continue;
                }
                for (int o = 0; o < 2; o++) {
                    if (o == 1 && (nCa == 1 || nCa > g.gout * g.gout)) {
                        continue;
                    }
                    out.add(new NetworkPlan.BlockPlan(name(i), m, 1, 1, mid == 1, o == 1));
                }
            }
        }
        return out;
    }

    private record Geometry(int cin, int cout, int gin, int gout, int side, boolean downsample) {}

    private Geometry geometry(int i) {
        int s = i / 3;
        boolean down = i % 3 == 0 && s > 0;
        int[] ch = ResNet20Weights.STAGE_CHANNELS;
        return new Geometry(down ? ch[s - 1] : ch[s], ch[s], down ? GAPS[s - 1] : GAPS[s], GAPS[s], SIDES[s], down);
    }

    private static String name(int i) {
        return "layer" + (i / 3 + 1) + "." + (i % 3);
    }

    /**
     * The predicted counts and time of block i with input refilled or not (CAConv, refill, bootstraps and
     * activations of conv1's output, RAConv, shortcut, refill, bootstraps and activations of the block output).
     */
    public BlockCost blockCost(int i, boolean inputRefilled, NetworkPlan.BlockPlan c, Levels lv) {
        Geometry g = geometry(i);
        int b = blocksPerCt, m = c.m();
        int nX = ceil(g.cin, b), setsX = inputRefilled ? nX : 1;
        int nPr = ceil(g.cout, m), nCa = ceil(g.cout, b);
        int l1 = lv.conv1Level()[i], l2 = lv.conv2Level()[i];
        LayerFormulas.Tally t = new LayerFormulas.Tally();
        // conv1 (CAConv): expansion, taps, block rotations and rotate-and-sum
        formulas.expand(t, l1, 1, setsX);
        formulas.convolution(t, l1, nX, nPr, m, TAPS, formulas.caGatherSteps(m));
        int ctsMid = nPr;
        if (c.refillMid()) {
            formulas.refill(t, l1 - 1, nPr, 1);
            ctsMid = 1;
        }
        formulas.activate(t, lv.bootstrapBefore().get(1 + 2 * i), l1 - 1, ctsMid, formulas.bootstrapSlots(m));
        // conv2 (RAConv)
        formulas.expand(t, l2, 1, c.refillMid() ? nPr : 1);
        formulas.convolution(t, l2, nPr, nCa, m, TAPS, 0);
        int outLevel = l2 - 1;
        if (g.downsample) {
            int pad = (g.cout - g.cin) / 2;
            if (pad % b != 0) {
                t.rotations += nX;
                t.ms += nX * model.rotation(params, l1);
            }
            t.plaintextMultiplies += (long) nCa * nX;
            t.ms += (double) nCa * nX * model.plaintextMultiply(params, l1);
            outLevel = Math.min(outLevel, l1 - 1);
        } else {
            outLevel = Math.min(outLevel, l1);
        }
        int ctsOut = nCa;
        if (c.refillOut()) {
            formulas.refill(t, outLevel, nCa, 1);
            ctsOut = 1;
        }
        formulas.activate(t, lv.bootstrapBefore().get(2 + 2 * i), outLevel, ctsOut, slots);
        return new BlockCost(c, t.ms, t.rotations + t.hoisted, t.hoisted, t.plaintextMultiplies, t.bootstraps,
                t.activations);
    }

    /** The project's head on the last block's output (64 channels of 8 x 8 at gap 4, CA), with weights of ones. */
    private ClassifierHead head() {
        int c = ResNet20Weights.STAGE_CHANNELS[2];
        double[][] w = new double[classes][c];
        for (double[] row : w) {
            java.util.Arrays.fill(row, 1);
        }
        TensorLayout features = TensorLayout.channelAligned(new Frame(32, 32, slots), c, SIDES[2], SIDES[2], GAPS[2]);
        return new ClassifierHead(features, w, new double[classes]);
    }

    /** The head's rotations: pooling per ciphertext, the linear layer's hoisted and giant rotations. */
    private long[] headCounts(boolean refilled) {
        ClassifierHead h = head();
        int n = ceil(ResNet20Weights.STAGE_CHANNELS[2], blocksPerCt);
        long pool = (long) n * h.pool().rotationsPerCiphertext();
        long hoisted = h.fullyConnected().transform().hoistedRotations() + (refilled ? n - 1 : 0);
        long giant = h.fullyConnected().transform().giantRotations();
        return new long[] {pool + hoisted + giant, hoisted, h.fullyConnected().transform().plaintextMultiplies()};
    }

    /** The head's predicted time at level l (expansion if refilled, pooling, linear layer). */
    double headCost(boolean refilled, int l) {
        int n = ceil(ResNet20Weights.STAGE_CHANNELS[2], blocksPerCt);
        ClassifierHead h = head();
        double ms = refilled ? model.hoistedBatch(params, l, n - 1) : 0;
        ms += (double) n * h.pool().rotationsPerCiphertext() * model.rotation(params, l);
        ms += n * model.hoistedBatch(params, l, h.fullyConnected().transform().hoistedRotations() / n);
        ms += h.fullyConnected().transform().giantRotations() * model.rotation(params, l);
        ms += h.fullyConnected().transform().plaintextMultiplies() * model.plaintextMultiply(params, l);
        return ms;
    }

    /** The head's rotations (for the tests): [rotations, of which hoisted, plaintext multiplies]. */
    public long[] headRotations(boolean refilled) {
        return headCounts(refilled);
    }

    /** The rotation keys (steps normalized into (-slots/2, slots/2]) the plan's layers use, by formula. */
    public TreeSet<Integer> rotationKeys(NetworkPlan p) {
        SortedMap<Integer, Integer> keys = new TreeMap<>();
        formulas.tapKeys(keys, 3, 1, width, 0);
        formulas.blockKeys(keys, p.stemM(), p.stemBabySteps(), false, 0);
        for (int i = 0; i < 9; i++) {
            Geometry g = geometry(i);
            NetworkPlan.BlockPlan c = p.blocks().get(i);
            boolean inRefilled = i > 0 && p.blocks().get(i - 1).refillOut();
            int nX = ceil(g.cin, blocksPerCt), nPr = ceil(g.cout, c.m()), nCa = ceil(g.cout, blocksPerCt);
            if (inRefilled) {
                for (int o : GapRefill.offsets(nX, g.gin, width)) {
                    formulas.key(keys, o, 0);
                }
            }
            formulas.tapKeys(keys, 3, g.gin, width, 0);
            formulas.blockKeys(keys, c.m(), c.caBabySteps(), true, 0);
            if (c.refillMid()) {
                for (int o : GapRefill.offsets(nPr, g.gout, width)) {
                    formulas.key(keys, -o, 0);
                    formulas.key(keys, o, 0);
                }
            }
            formulas.tapKeys(keys, 3, g.gout, width, 0);
            formulas.blockKeys(keys, c.m(), c.raBabySteps(), false, 0);
            if (g.downsample && ((g.cout - g.cin) / 2) % blocksPerCt != 0) {
                formulas.key(keys, -((g.cout - g.cin) / 2 % blocksPerCt) * blockSize, 0);
            }
            if (c.refillOut()) {
                for (int o : GapRefill.offsets(nCa, g.gout, width)) {
                    formulas.key(keys, -o, 0);
                }
            }
        }
        // head: expansion if refilled, then the head's own steps
        if (p.blocks().get(8).refillOut()) {
            for (int o : GapRefill.offsets(ceil(ResNet20Weights.STAGE_CHANNELS[2], blocksPerCt), GAPS[2], width)) {
                formulas.key(keys, o, 0);
            }
        }
        for (int s : head().rotationSteps()) {
            formulas.key(keys, s, 0);
        }
        return new TreeSet<>(keys.keySet());
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }
}
