package dev.hyphenj.ckks;

import dev.hyphenj.ntt.RnsPoly;

/**
 * A CKKS ciphertext (c0, c1) with c0 + c1 s = scale * m + e modulo Q_level, both in the NTT domain, with its exact
 * scale and slot count. Close it to return its memory.
 */
public final class Ciphertext implements AutoCloseable {
    private final RnsPoly c0;
    private final RnsPoly c1;
    private final int level;
    private double scale;
    private final int logSlots;

    public Ciphertext(RnsPoly c0, RnsPoly c1, int level, double scale, int logSlots) {
        if (!c0.basis().equals(c1.basis())) {
            throw new IllegalArgumentException("ciphertext parts over different bases");
        }
        this.c0 = c0;
        this.c1 = c1;
        this.level = level;
        this.scale = scale;
        this.logSlots = logSlots;
    }

    public RnsPoly c0() {
        return c0;
    }

    public RnsPoly c1() {
        return c1;
    }

    public int level() {
        return level;
    }

    public double scale() {
        return scale;
    }

    /** Overrides the recorded scale, for callers that know the exact value better (e.g. after a constant product). */
    public void setScale(double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale " + scale + " must be positive and finite");
        }
        this.scale = scale;
    }

    public int logSlots() {
        return logSlots;
    }

    /** A deep copy. */
    public Ciphertext copy() {
        RnsPoly a = RnsPoly.copyOf(c0);
        RnsPoly b = RnsPoly.copyOf(c1);
        return new Ciphertext(a, b, level, scale, logSlots);
    }

    @Override
    public void close() {
        c0.close();
        c1.close();
    }

    @Override
    public String toString() {
        return "Ciphertext[level " + level + ", scale 2^" + String.format("%.3f", Math.log(scale) / Math.log(2))
                + ", " + (1 << logSlots) + " slots]";
    }
}
