package dev.hyphenj.ckks;

import dev.hyphenj.ntt.RnsPoly;
import java.util.Arrays;

/** Decrypts with the secret key: m = c0 + c1 s modulo Q_level. */
public final class Decryptor {
    private final Parameters params;
    private final SecretKey sk;

    public Decryptor(Parameters params, SecretKey sk) {
        if (!Arrays.equals(sk.parameters().hash(), params.hash())) {
            throw new IllegalArgumentException("secret key for parameters '" + sk.parameters().name() + "' used with '"
                    + params.name() + "'");
        }
        this.params = params;
        this.sk = sk;
    }

    public Plaintext decrypt(Ciphertext ct) {
        int level = ct.level();
        if (!ct.c0().basis().equals(params.basisQ(level))) {
            throw new IllegalArgumentException("decrypt: ciphertext is not over Q_" + level + " of '" + params.name() + "'");
        }
        RnsPoly m = RnsPoly.zeros(params.basisQ(level));
        try (RnsPoly s = sk.atLevelQ(level)) {
            ct.c1().mul(s, m);
            m.add(ct.c0(), m);
        }
        return new Plaintext(m, level, ct.scale(), ct.logSlots());
    }
}
