package dev.hyphenj.hcnn.ckks;

import dev.hyphenj.ckks.Ciphertext;

/**
 * The handle {@link CkksHeEvaluator} hands out: a CKKS ciphertext with the bookkeeping the slot simulator keeps too
 * (levels its path consumed, multiplications waiting for a rescale), so that a CKKS run can be checked against the
 * simulator's. The handle owns its ciphertext; {@link CkksHeEvaluator#release} closes it.
 */
public final class CkksCiphertext {
    final Ciphertext ciphertext;
    final int levelsUsed;
    final int pendingRescales;
    boolean released;

    CkksCiphertext(Ciphertext ciphertext, int levelsUsed, int pendingRescales) {
        this.ciphertext = ciphertext;
        this.levelsUsed = levelsUsed;
        this.pendingRescales = pendingRescales;
    }

    /** Levels consumed on the deepest path that produced this ciphertext (as {@code SimCiphertext.levelsUsed}). */
    public int levelsUsed() {
        return levelsUsed;
    }

    /** Multiplications since the last rescale. */
    public int pendingRescales() {
        return pendingRescales;
    }

    /** The ciphertext's level (its modulus Q_level). */
    public int level() {
        return ciphertext.level();
    }

    /** The ciphertext's exact scale. */
    public double scale() {
        return ciphertext.scale();
    }

    @Override
    public String toString() {
        return ciphertext + " (" + levelsUsed + " levels used, " + pendingRescales + " pending rescale"
                + (pendingRescales == 1 ? "" : "s") + (released ? ", released" : "") + ")";
    }
}
