package dev.hyphenj.hcnn.sim;

/**
 * A simulated ciphertext: its slot values in the clear, plus the bookkeeping a CKKS ciphertext would carry, that is
 * how many levels its path consumed and how many multiplications wait for a rescale.
 */
public final class SimCiphertext {
    final double[] slots;
    final int levelsUsed;
    final int pendingRescales;
    boolean released;

    SimCiphertext(double[] slots, int levelsUsed, int pendingRescales) {
        this.slots = slots;
        this.levelsUsed = levelsUsed;
        this.pendingRescales = pendingRescales;
    }

    /** Rescales on the deepest path that produced this ciphertext: the levels it consumed. */
    public int levelsUsed() {
        return levelsUsed;
    }

    /** Multiplications since the last rescale (0 or 1 in code that keeps {@code HeEvaluator}'s conventions). */
    public int pendingRescales() {
        return pendingRescales;
    }
}
