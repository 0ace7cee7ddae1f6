package dev.hyphenj.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hyphenj.ntt.Parallel;
import org.junit.jupiter.api.Test;

/** Every operation gives the same residues with one thread as with several. */
class ThreadsTest {
    @Test
    void resultsDoNotDependOnTheThreadCount() {
        Parameters params = TestParameters.SCALE_30;
        KeyGenerator kg = new KeyGenerator(params);
        Encoder encoder = new Encoder(params);
        double[] x = new double[params.slots()];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.cos(i);
        }
        String saved = System.getProperty(Parallel.PROPERTY);
        try (SecretKey sk = kg.secretKey(); EvaluationKeys keys = kg.evaluationKeys(sk, new int[] {3}, false);
                Plaintext pt = encoder.encode(x, params.maxLevel() - 1, params.scale());
                Ciphertext ct = new Encryptor(params, sk).encrypt(pt)) {
            Evaluator evaluator = new Evaluator(params, keys);
            int[][][] results = new int[2][][];
            String[] threads = {"1", "2"};
            for (int t = 0; t < 2; t++) {
                System.setProperty(Parallel.PROPERTY, threads[t]);
                try (Ciphertext m = evaluator.multiply(ct, ct); Ciphertext r = evaluator.rescale(m);
                        Ciphertext rot = evaluator.rotate(r, 3)) {
                    results[t] = new int[][] {rot.c0().limbToArray(0), rot.c1().limbToArray(1),
                            rot.c0().limbToArray(rot.c0().limbCount() - 1)};
                }
            }
            for (int k = 0; k < results[0].length; k++) {
                assertArrayEquals(results[0][k], results[1][k], "limb array " + k);
            }
            System.setProperty(Parallel.PROPERTY, "0");
            assertThrows(IllegalArgumentException.class, () -> evaluator.multiply(ct, ct));
        } finally {
            if (saved == null) {
                System.clearProperty(Parallel.PROPERTY);
            } else {
                System.setProperty(Parallel.PROPERTY, saved);
            }
        }
    }
}
