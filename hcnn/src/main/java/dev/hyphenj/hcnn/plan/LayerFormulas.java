package dev.hyphenj.hcnn.plan;

import dev.hyphenj.ckks.Parameters;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.ToDoubleFunction;

/**
 * The counting formulas of the HE layers, shared by the planners ({@link ResNet20Planner}, {@link ResNet18Planner}):
 * the rotations, plaintext multiplies, bootstraps and activations a layer performs on a given geometry (frame, gap,
 * channels, kernel, stride enter through the ciphertext counts, taps and block count), and their predicted time by
 * {@link CostModel} at the level where each runs. Each method adds one layer's part to a {@link Tally}. The formulas
 * are those of the layers' code ({@code HeConvolution}, {@code CAConv}, {@code RAConv}, {@link GapRefill}); the
 * planners' tests check them against {@link CostMeter} runs of the layers.
 */
final class LayerFormulas {
    private final Parameters params;
    private final CostModel model;
    private final int topLevel;
    private final int blocks;
    private final int blockSize;

    /** Formulas for the chain of {@code params}, bootstraps returning to {@code topLevel}, blocks of the frame. */
    LayerFormulas(Parameters params, CostModel model, int topLevel, int blocks, int blockSize) {
        this.params = params;
        this.model = model;
        this.topLevel = topLevel;
        this.blocks = blocks;
        this.blockSize = blockSize;
    }

    /** Counts and predicted time, accumulated layer part by layer part. */
    static final class Tally {
        double ms;
        /** The part of ms spent in bootstraps and activations. */
        double nonlinearMs;
        /** Ordinary (not hoisted) rotations. */
        long rotations;
        long hoisted;
        long plaintextMultiplies;
        long bootstraps;
        long activations;
        /** Bootstraps by sparse slot count. */
        final SortedMap<Integer, Long> bootstrapSlots = new TreeMap<>();
        /** Plaintext bytes, every weight plaintext (and bias) at the level where it is used. */
        long plaintextBytes;
    }

    /**
     * Levels and bootstrap places of a ResNet of {@code blockCount} basic blocks: the stem convolution and each
     * block convolution take one level, a downsampling block's shortcut one (beside conv1, from the block input),
     * an activation {@link CostModel#activationLevels()}, layers between the stem's activation and the first block
     * (ImageNet's pool) none; a bootstrap precedes an activation when the levels after it would not hold the next
     * convolution. The image enters at the lowest level that needs no bootstrap before the stem's activation.
     */
    ResNet20Planner.Levels levels(int blockCount, IntPredicate downsample) {
        int act = model.activationLevels();
        int stemLevel = act + 1 + 1;
        List<Boolean> boot = new ArrayList<>();
        int[] c1 = new int[blockCount], c2 = new int[blockCount];
        int l = activation(stemLevel - 1, 1, boot);
        for (int i = 0; i < blockCount; i++) {
            int x = l;
            c1[i] = x;
            l = activation(x - 1, 1, boot);
            c2[i] = l;
            l = Math.min(l - 1, downsample.test(i) ? x - 1 : x);
            l = activation(l, 1, boot);
        }
        return new ResNet20Planner.Levels(stemLevel, boot, c1, c2, l);
    }

    /** Applies an activation at level l needing {@code after} levels after it; records whether to bootstrap. */
    private int activation(int l, int after, List<Boolean> boot) {
        int act = model.activationLevels();
        boolean b = l - act < after;
        if (b && topLevel - act < after) {
            throw new IllegalStateException("the chain's " + topLevel + " network levels cannot hold an activation ("
                    + act + ") and the " + after + " levels after it");
        }
        boot.add(b);
        return (b ? topLevel : l) - act;
    }

    /** The predicted time of block i with its input refilled or not and a choice, for {@link #chooseBlocks}. */
    interface BlockTime {
        double ms(int i, boolean inputRefilled, NetworkPlan.BlockPlan choice);
    }

    /**
     * The blocks' choices of least predicted time, by dynamic programming over the blocks with the state whether
     * the block input is refilled: {@code options} per block, {@code blockMs} per block and choice, {@code tailMs}
     * (the head) after the last block given whether its output is refilled. An identity shortcut of a refilled input
     * is added to the refilled output, so a block without downsampling keeps a refilled input refilled.
     */
    static List<NetworkPlan.BlockPlan> chooseBlocks(int blockCount, IntFunction<List<NetworkPlan.BlockPlan>> options,
            IntPredicate downsample, BlockTime blockMs, ToDoubleFunction<Boolean> tailMs) {
        double[] best = {0, Double.MAX_VALUE};
        List<List<NetworkPlan.BlockPlan>> paths = new ArrayList<>(List.of(new ArrayList<>(), new ArrayList<>()));
        for (int i = 0; i < blockCount; i++) {
            double[] next = {Double.MAX_VALUE, Double.MAX_VALUE};
            List<List<NetworkPlan.BlockPlan>> nextPaths = new ArrayList<>(List.of(new ArrayList<>(),
                    new ArrayList<>()));
            for (int state = 0; state < 2; state++) {
                if (best[state] == Double.MAX_VALUE) {
                    continue;
                }
                for (NetworkPlan.BlockPlan choice : options.apply(i)) {
                    if (state == 1 && !downsample.test(i) && !choice.refillOut()) {
                        continue;
                    }
                    double total = best[state] + blockMs.ms(i, state == 1, choice)
                            + (i == blockCount - 1 ? tailMs.applyAsDouble(choice.refillOut()) : 0);
                    int ns = choice.refillOut() ? 1 : 0;
                    if (total < next[ns]) {
                        next[ns] = total;
                        List<NetworkPlan.BlockPlan> p = new ArrayList<>(paths.get(state));
                        p.add(choice);
                        nextPaths.set(ns, p);
                    }
                }
            }
            best = next;
            paths = nextPaths;
        }
        return paths.get(best[0] <= best[1] ? 0 : 1);
    }

    /** The blocks with baby steps min(n1, m) for both convolutions. */
    static List<NetworkPlan.BlockPlan> withBabySteps(List<NetworkPlan.BlockPlan> blocks, int n1) {
        List<NetworkPlan.BlockPlan> out = new ArrayList<>();
        for (NetworkPlan.BlockPlan b : blocks) {
            int bs = Math.min(n1, b.m());
            out.add(new NetworkPlan.BlockPlan(b.name(), b.m(), bs, bs, b.refillMid(), b.refillOut()));
        }
        return out;
    }

    /**
     * A refilled tensor expanded back into its ciphertexts ({@link GapRefill#expand}): one hoisted batch of
     * {@code sets - 1} rotations for each of {@code groups} refilled ciphertexts.
     */
    void expand(Tally t, int level, int groups, int sets) {
        if (sets > 1) {
            t.ms += groups * model.hoistedBatch(params, level, sets - 1);
            t.hoisted += (long) groups * (sets - 1);
        }
    }

    /**
     * A block-diagonal convolution ({@code HeConvolution}) at {@code level} from {@code nIn} to {@code nOut}
     * ciphertexts with m diagonals and {@code taps} = k*k kernel taps: one hoisted batch of taps - 1 rotations per
     * input ciphertext, m - 1 block rotations plus {@code gatherSteps} rotate-and-sum steps (CAConv: log2(B/m);
     * RAConv: 0) per output ciphertext, m * taps plaintext multiplies per input and output ciphertext pair, and one
     * bias plaintext per output ciphertext after the rescale.
     */
    void convolution(Tally t, int level, int nIn, int nOut, int m, int taps, int gatherSteps) {
        t.ms += nIn * model.hoistedBatch(params, level, taps - 1);
        t.hoisted += (long) nIn * (taps - 1);
        long ordinary = (long) nOut * (m - 1 + gatherSteps);
        t.rotations += ordinary;
        t.ms += ordinary * model.rotation(params, level);
        t.plaintextMultiplies += (long) nOut * m * taps * nIn;
        t.ms += (double) nOut * m * taps * nIn * model.plaintextMultiply(params, level);
        t.plaintextBytes += ((long) nOut * m * taps * nIn) * plaintextBytes(level) + nOut * plaintextBytes(level - 1);
    }

    /** CAConv's rotate-and-sum steps for an output PR(m): log2(B/m). */
    int caGatherSteps(int m) {
        return Integer.numberOfTrailingZeros(blocks / m);
    }

    /** Gap refilling of n ciphertexts into {@code groups} ({@link GapRefill#refill}): one rotation per moved one. */
    void refill(Tally t, int level, int n, int groups) {
        t.rotations += n - groups;
        t.ms += (n - groups) * model.rotation(params, level);
    }

    /**
     * The activations of {@code cts} ciphertexts entering at {@code level}, each after a bootstrap of
     * {@code slots} slots if {@code bootstrap}; returns the level the activations start at.
     */
    int activate(Tally t, boolean bootstrap, int level, int cts, int slots) {
        if (bootstrap) {
            t.bootstraps += cts;
            t.bootstrapSlots.merge(slots, (long) cts, Long::sum);
            t.ms += cts * model.bootstrap();
            t.nonlinearMs += cts * model.bootstrap();
            level = topLevel;
        }
        t.activations += cts;
        t.ms += cts * model.activation(params, level);
        t.nonlinearMs += cts * model.activation(params, level);
        return level;
    }

    /** Adds rotation {@code step} (normalized into (-slots/2, slots/2]; none for 0) used up to {@code level}. */
    void key(SortedMap<Integer, Integer> keys, int step, int level) {
        int slots = params.slots();
        int s = Math.floorMod(step, slots);
        if (s != 0) {
            keys.merge(s > slots / 2 ? s - slots : s, level, Math::max);
        }
    }

    /** The tap rotations of a k x k kernel on a plane at gap g in a frame {@code width} wide ({@code Taps}). */
    void tapKeys(SortedMap<Integer, Integer> keys, int kernel, int gap, int width, int level) {
        int pad = kernel / 2;
        for (int dy = -pad; dy <= pad; dy++) {
            for (int dx = -pad; dx <= pad; dx++) {
                key(keys, gap * (dy * width + dx), level);
            }
        }
    }

    /**
     * The block rotations of m diagonals in baby steps of n1 blocks (b = 1 .. n1-1, then the giant steps
     * n1, 2 n1, .. below m), and for CAConv ({@code gather}) the rotate-and-sum steps m, 2m, .. below B.
     */
    void blockKeys(SortedMap<Integer, Integer> keys, int m, int babySteps, boolean gather, int level) {
        for (int b = 1; b < babySteps; b++) {
            key(keys, b * blockSize, level);
        }
        for (int g = babySteps; g < m; g += babySteps) {
            key(keys, g * blockSize, level);
        }
        for (int s = m; gather && s < blocks; s *= 2) {
            key(keys, s * blockSize, level);
        }
    }

    /** Bytes of one plaintext at a level, as {@link CostMeter#plaintextBytes} counts them. */
    long plaintextBytes(int level) {
        return (long) params.primesAtLevel(level) * params.n() * Integer.BYTES;
    }

    /** Slots of a PR(m) ciphertext's sparse message: m P (its period). */
    int bootstrapSlots(int m) {
        return m * blockSize;
    }
}
