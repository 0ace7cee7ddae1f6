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
 * @param keySwitches all key switches
 * @param plaintextMultiplies multiplications by a plaintext vector
 * @param constantMultiplies multiplications by a constant
 * @param additions ciphertext additions and subtractions
 * @param plaintextAdditions additions of a plaintext vector
 * @param rescales rescales (levels consumed along all paths together)
 * @param liveCiphertexts handles alive (created and not released) when the snapshot was taken
 * @param peakCiphertexts the most handles alive at any time up to the snapshot
 * @param rotationSteps rotation steps used, each normalized into (-slots/2, slots/2] (one Galois key each), with the
 *     number of rotations by it
 */
public record OpCounts(long rotations, long hoistedRotations, long decompositions, long keySwitches,
        long plaintextMultiplies, long constantMultiplies, long additions, long plaintextAdditions, long rescales,
        long liveCiphertexts, long peakCiphertexts, SortedMap<Integer, Long> rotationSteps) {

    public OpCounts {
        rotationSteps = Collections.unmodifiableSortedMap(new TreeMap<>(rotationSteps));
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
                additions - earlier.additions, plaintextAdditions - earlier.plaintextAdditions,
                rescales - earlier.rescales, liveCiphertexts, peakCiphertexts, steps);
    }

    /** One line: ordinary/hoisted rotations, key switches, plaintext multiplies, rescales, keys, peak. */
    public String summary() {
        return String.format("rot %d + hoisted %d (%d decomp), ksw %d, pmul %d, add %d, rescale %d, keys %d, peak %d",
                rotations, hoistedRotations, decompositions, keySwitches, plaintextMultiplies, additions, rescales,
                distinctRotationSteps(), peakCiphertexts);
    }
}
