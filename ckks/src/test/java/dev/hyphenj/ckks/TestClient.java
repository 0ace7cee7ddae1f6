package dev.hyphenj.ckks;

import java.util.HashMap;
import java.util.Map;

/**
 * The client side of a test: one secret key, encryption and decryption at the parameters' scale, and exactly the
 * Galois keys a test asks for (cut to a level, no relinearization key). Close it to wipe the secret key.
 */
final class TestClient implements AutoCloseable {
    final Parameters params;
    final Encoder encoder;
    private final KeyGenerator keyGenerator;
    private final SecretKey sk;
    private final Encryptor encryptor;
    private final Decryptor decryptor;

    TestClient(Parameters params) {
        this.params = params;
        encoder = new Encoder(params);
        keyGenerator = new KeyGenerator(params);
        sk = keyGenerator.secretKey();
        encryptor = new Encryptor(params, sk);
        decryptor = new Decryptor(params, sk);
    }

    /** Galois keys for exactly these rotation steps, cut to {@code level}, and no relinearization key. */
    EvaluationKeys galoisKeys(int[] steps, int level) {
        Map<Long, SwitchingKey> galois = new HashMap<>();
        for (int s : steps) {
            long k = Encoder.galoisElement(s, params.n());
            if (k != 1 && !galois.containsKey(k)) {
                galois.put(k, keyGenerator.galoisKey(sk, k, level));
            }
        }
        return new EvaluationKeys(null, galois);
    }

    /** Relinearization, conjugation (if asked) and Galois keys for these rotation steps, all at the top level. */
    EvaluationKeys evaluationKeys(int[] steps, boolean conjugation) {
        return keyGenerator.evaluationKeys(sk, steps, conjugation);
    }

    /** re + i im in 2^logSlots slots at the given level and the parameters' scale, encrypted. */
    Ciphertext encrypt(double[] re, double[] im, int level, int logSlots) {
        try (Plaintext pt = encoder.encode(re, im, level, params.scale(), logSlots)) {
            return encryptor.encrypt(pt);
        }
    }

    /** The decrypted slots as {real parts, imaginary parts}. */
    double[][] decrypt(Ciphertext ct) {
        try (Plaintext pt = decryptor.decrypt(ct)) {
            return encoder.decode(pt);
        }
    }

    @Override
    public void close() {
        sk.close();
    }
}
