package dev.hyphenj.ckks;

import dev.hyphenj.ntt.RnsPoly;

/**
 * An encoded message: a polynomial modulo Q_level in the NTT domain, with the scale it was encoded at and its slot
 * count. Close it to return its memory.
 */
public final class Plaintext implements AutoCloseable {
    private final RnsPoly poly;
    private final int level;
    private final double scale;
    private final int logSlots;

    public Plaintext(RnsPoly poly, int level, double scale, int logSlots) {
        this.poly = poly;
        this.level = level;
        this.scale = scale;
        this.logSlots = logSlots;
    }

    public RnsPoly poly() {
        return poly;
    }

    public int level() {
        return level;
    }

    public double scale() {
        return scale;
    }

    public int logSlots() {
        return logSlots;
    }

    @Override
    public void close() {
        poly.close();
    }

    @Override
    public String toString() {
        return "Plaintext[level " + level + ", scale 2^" + String.format("%.3f", Math.log(scale) / Math.log(2)) + "]";
    }
}
