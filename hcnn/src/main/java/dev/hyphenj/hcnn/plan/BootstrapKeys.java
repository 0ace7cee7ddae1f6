package dev.hyphenj.hcnn.plan;

import java.util.Collection;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An estimate of the rotation keys bootstrapping needs, until bootstrapping exists: for a sparse message of n' = 2^l
 * slots in ciphertexts of S slots, CoeffsToSlots and SlotsToCoeffs as {@code levels} (3 for the profile's chain)
 * merged groups of the l butterfly stages of the special FFT, each group a baby-step giant-step linear transform.
 * A group of d stages with stride 2^e has the 2^(d+1) - 1 diagonals -(2^d - 1) .. 2^d - 1 (times 2^e); with n1 baby
 * steps (the n1 minimizing ceil(D / n1) + n1 - 1 rotations, as FHE-MP-CNN's bootstrapper chooses them) it needs the
 * baby steps 1 .. n1-1 and the non-zero giant steps, multiples of n1, times 2^e, modulo n'. The groups take
 * floor(l/3), then half the rest, then the rest of the stages, from the largest stride down. SlotsToCoeffs inverts the
 * same transforms and uses the same steps. A sparse message (n' < S) adds the log2(S/n') steps n' 2^i of the
 * subsum that folds the slots; every bootstrap needs the conjugation key too (counted as one Galois key).
 */
public final class BootstrapKeys {
    private BootstrapKeys() {}

    /** The rotation steps (normalized into (-S/2, S/2]) of a bootstrap of n' = sparseSlots slots. */
    public static SortedSet<Integer> steps(int sparseSlots, int slots, int levels) {
        if (Integer.bitCount(sparseSlots) != 1 || sparseSlots > slots || slots % sparseSlots != 0) {
            throw new IllegalArgumentException("sparse slots " + sparseSlots + " for " + slots + " slots");
        }
        int l = Integer.numberOfTrailingZeros(sparseSlots);
        int[] sizes = new int[levels];
        int rest = l;
        for (int g = 0; g < levels; g++) {
            sizes[g] = g == levels - 1 ? rest : rest / (levels - g);
            rest -= sizes[g];
        }
        SortedSet<Integer> keys = new TreeSet<>();
        int stride = l;
        for (int g = 0; g < levels; g++) {
            int d = sizes[g];
            stride -= d;
            if (d == 0) {
                continue;
            }
            int t = (1 << d) - 1, diagonals = 2 * t + 1, n1 = babySteps(diagonals), step = 1 << stride;
            for (int b = 1; b < n1; b++) {
                add(keys, b * step, sparseSlots, slots);
            }
            for (int j = Math.floorDiv(-t, n1); j * n1 <= t; j++) {
                if (j != 0) {
                    add(keys, j * n1 * step, sparseSlots, slots);
                }
            }
        }
        for (int s = sparseSlots; s < slots; s *= 2) {
            add(keys, s, slots, slots);
        }
        return keys;
    }

    /** Galois keys (rotations plus the conjugation) of bootstraps at all the given sparse slot counts. */
    public static int count(Collection<Integer> sparseSlotCounts, int slots, int levels) {
        SortedSet<Integer> all = new TreeSet<>();
        for (int n : sparseSlotCounts) {
            all.addAll(steps(n, slots, levels));
        }
        return all.size() + (sparseSlotCounts.isEmpty() ? 0 : 1);
    }

    /** The steps of all the given slot counts together. */
    public static SortedSet<Integer> union(Collection<Integer> sparseSlotCounts, int slots, int levels) {
        SortedSet<Integer> all = new TreeSet<>();
        for (int n : sparseSlotCounts) {
            all.addAll(steps(n, slots, levels));
        }
        return all;
    }

    /** The n1 minimizing ceil(diagonals / n1) + n1 - 1. */
    static int babySteps(int diagonals) {
        int best = 1, bestCost = diagonals;
        for (int k = 1; k <= 3 * Math.sqrt(diagonals); k++) {
            int cost = (diagonals + k - 1) / k + k - 1;
            if (cost < bestCost) {
                bestCost = cost;
                best = k;
            }
        }
        return best;
    }

    private static void add(SortedSet<Integer> keys, int step, int period, int slots) {
        int s = Math.floorMod(step, period);
        if (s == 0) {
            return;
        }
        if (s > period / 2) {
            s -= period;
        }
        int n = Math.floorMod(s, slots);
        keys.add(n > slots / 2 ? n - slots : n);
    }
}
