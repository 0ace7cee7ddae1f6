package dev.hyphenj.hcnn.eval;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Operation counts of a run, or of part of one (the difference of two snapshots).
 *
 * @param rotations ordinary rotations (one key switch each)
 * @param hoistedRotations rotations done in hoisted batches (one key switch each)
 * @param decompositions key-switching decompositions of hoisted batches (one per batch)
 * @param keySwitches all key switches: rotations, hoisted rotations and relinearizations
 * @param plaintextMultiplies multiplications by a plaintext vector
 * @param constantMultiplies multiplications by a constant (including the coefficients of polynomial evaluations)
 * @param ciphertextMultiplies products of two ciphertexts (including those of polynomial evaluations)
 * @param relinearizations relinearizations after ciphertext products (one key switch each)
 * @param additions ciphertext additions and subtractions
 * @param plaintextAdditions additions of a plaintext vector
 * @param rescales rescales (levels consumed along all paths together)
 * @param liveCiphertexts handles alive (created and not released) when the snapshot was taken
 * @param peakCiphertexts the most handles alive at any time up to the snapshot
 * @param rotationSteps rotation steps used, each normalized into (-slots/2, slots/2] (one Galois key each), with the
 *     number of rotations by it
 */
public record OpCounts(long rotations, long hoistedRotations, long decompositions, long keySwitches,
        long plaintextMultiplies, long constantMultiplies, long ciphertextMultiplies, long relinearizations,
        long additions, long plaintextAdditions, long rescales,
        long liveCiphertexts, long peakCiphertexts, SortedMap<Integer, Long> rotationSteps) {

    public OpCounts {
        rotationSteps = Collections.unmodifiableSortedMap(new TreeMap<>(rotationSteps));
    }

    /** Counts without ciphertext products (the components before those were added). */
    public OpCounts(long rotations, long hoistedRotations, long decompositions, long keySwitches,
            long plaintextMultiplies, long constantMultiplies, long additions, long plaintextAdditions, long rescales,
            long liveCiphertexts, long peakCiphertexts, SortedMap<Integer, Long> rotationSteps) {
        this(rotations, hoistedRotations, decompositions, keySwitches, plaintextMultiplies, constantMultiplies, 0, 0,
                additions, plaintextAdditions, rescales, liveCiphertexts, peakCiphertexts, rotationSteps);
    }

    /** Key-switched rotations, ordinary and hoisted together. */
    public long allRotations() {
        return rotations + hoistedRotations;
    }

    /** The number of distinct rotation steps, that is of rotation keys needed. */
    public int distinctRotationSteps() {
        return rotationSteps.size();
    }

    /**
     * The operations done since {@code earlier}, a snapshot of the same run: counters are subtracted, steps keep the
     * rotations done in between; {@code liveCiphertexts} and {@code peakCiphertexts} stay this snapshot's.
     */
    public OpCounts since(OpCounts earlier) {
        SortedMap<Integer, Long> steps = new TreeMap<>();
        for (Map.Entry<Integer, Long> e : rotationSteps.entrySet()) {
            long n = e.getValue() - earlier.rotationSteps.getOrDefault(e.getKey(), 0L);
            if (n > 0) {
                steps.put(e.getKey(), n);
            }
        }
        return new OpCounts(rotations - earlier.rotations, hoistedRotations - earlier.hoistedRotations,
                decompositions - earlier.decompositions, keySwitches - earlier.keySwitches,
                plaintextMultiplies - earlier.plaintextMultiplies, constantMultiplies - earlier.constantMultiplies,
                ciphertextMultiplies - earlier.ciphertextMultiplies, relinearizations - earlier.relinearizations,
                additions - earlier.additions, plaintextAdditions - earlier.plaintextAdditions,
                rescales - earlier.rescales, liveCiphertexts, peakCiphertexts, steps);
    }

    /**
     * The sum of this run's counts and another's (such as two images): counters and steps add up, live handles add
     * up, and the peak is the larger one (the runs are taken as sequential).
     */
    public OpCounts plus(OpCounts other) {
        SortedMap<Integer, Long> steps = new TreeMap<>(rotationSteps);
        other.rotationSteps.forEach((k, v) -> steps.merge(k, v, Long::sum));
        return new OpCounts(rotations + other.rotations, hoistedRotations + other.hoistedRotations,
                decompositions + other.decompositions, keySwitches + other.keySwitches,
                plaintextMultiplies + other.plaintextMultiplies, constantMultiplies + other.constantMultiplies,
                ciphertextMultiplies + other.ciphertextMultiplies, relinearizations + other.relinearizations,
                additions + other.additions, plaintextAdditions + other.plaintextAdditions, rescales + other.rescales,
                liveCiphertexts + other.liveCiphertexts, Math.max(peakCiphertexts, other.peakCiphertexts), steps);
    }

    /** No operation at all. */
    public static OpCounts zero() {
        return new OpCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new TreeMap<>());
    }

    /**
     * One line: ordinary/hoisted rotations, key switches, plaintext and ciphertext multiplies, rescales, keys, peak.
     */
    public String summary() {
        return String.format("rot %d + hoisted %d (%d decomp), ksw %d, pmul %d, cmul %d, add %d, rescale %d, keys %d, "
                + "peak %d", rotations, hoistedRotations, decompositions, keySwitches, plaintextMultiplies,
                ciphertextMultiplies, additions, rescales, distinctRotationSteps(), peakCiphertexts);
    }
}
