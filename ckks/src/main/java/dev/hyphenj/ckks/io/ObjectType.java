package dev.hyphenj.ckks.io;

/** The type byte of a serialized object's header. Codes are part of the format: never renumber them. */
enum ObjectType {
    PARAMETERS(1, "parameters"),
    CIPHERTEXT(2, "ciphertext"),
    PLAINTEXT(3, "plaintext"),
    SECRET_KEY(4, "secret key"),
    PUBLIC_KEY(5, "public key"),
    SWITCHING_KEY(6, "switching key"),
    EVALUATION_KEYS(7, "evaluation keys"),
    MAPPED_KEYS(8, "mapped key file");

    final byte code;
    final String label;

    ObjectType(int code, String label) {
        this.code = (byte) code;
        this.label = label;
    }

    /** The type with this code, or null for an unknown code. */
    static ObjectType of(byte code) {
        for (ObjectType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
