package dev.hyphenj.ckks;

import dev.hyphenj.ntt.RnsPoly;

/** The public key (b, a) = (-a s + e, a) modulo Q at the top level, NTT domain. */
public final class PublicKey implements AutoCloseable {
    private final Parameters params;
    private final RnsPoly b;
    private final RnsPoly a;

    PublicKey(Parameters params, RnsPoly b, RnsPoly a) {
        this.params = params;
        this.b = b;
        this.a = a;
    }

    public Parameters parameters() {
        return params;
    }

    RnsPoly b() {
        return b;
    }

    RnsPoly a() {
        return a;
    }

    @Override
    public void close() {
        b.close();
        a.close();
    }
}
