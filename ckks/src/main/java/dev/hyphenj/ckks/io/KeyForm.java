package dev.hyphenj.ckks.io;

/** How a key-switching key is written. The codes are part of the format. */
public enum KeyForm {
    /** Both halves (b_j, a_j) of every digit: reading is a plain copy. */
    PLAIN(0),
    /** The b_j halves and the 32-byte seed: half the bytes; reading regenerates the a_j (AES-CTR) from the seed. */
    SEEDED(1);

    final byte code;

    KeyForm(int code) {
        this.code = (byte) code;
    }

    static KeyForm of(int code) {
        for (KeyForm f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        return null;
    }
}
