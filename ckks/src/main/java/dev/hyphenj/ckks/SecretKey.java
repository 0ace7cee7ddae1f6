package dev.hyphenj.ckks;

import dev.hyphenj.ntt.RnsPoly;

/**
 * The secret key s, in the NTT domain over Q and P at the top level. It stays with the client: nothing in the
 * library logs it or writes it anywhere but the key directory the client names. Closing it wipes its memory.
 */
public final class SecretKey implements AutoCloseable {
    private final Parameters params;
    private final RnsPoly s;

    SecretKey(Parameters params, RnsPoly s) {
        this.params = params;
        this.s = s;
    }

    public Parameters parameters() {
        return params;
    }

    /** s over the basis QP(max level), NTT domain. */
    RnsPoly poly() {
        return s;
    }

    /** s restricted to Q_level (a new polynomial, NTT domain). */
    RnsPoly atLevelQ(int level) {
        return RnsPoly.zeros(params.basisQ(level)).copyLimbsFrom(s, 0, 0, params.primesAtLevel(level));
    }

    @Override
    public void close() {
        s.clear();
        s.close();
    }

    @Override
    public String toString() {
        return "SecretKey[" + params.name() + "]"; // never the key itself
    }
}
