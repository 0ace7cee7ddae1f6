package dev.hyphenj.hcnn.ckks;

import dev.hyphenj.ckks.Ciphertext;
import dev.hyphenj.ckks.Decryptor;
import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.Encryptor;
import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.KeyGenerator;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.Plaintext;
import dev.hyphenj.ckks.SecretDistribution;
import dev.hyphenj.ckks.SecretKey;
import dev.hyphenj.ckks.SwitchingKey;
import dev.hyphenj.ckks.boot.BootstrapParameters;
import java.util.HashMap;
import java.util.Map;

/**
 * The client side of the CKKS tests: a small INSECURE parameter set (N = 2^12, 2048 slots; by default q0 of two 30-bit
 * primes, {@code levels} one-prime levels at scale 2^30, P of three primes and digits of two, one prime fewer than P as
 * DESIGN 4 asks at scale 2^30; or a chain that bootstraps, {@link #bootstrappable}), a secret key, encryption with
 * the secret key, decryption, and evaluation keys for exactly the rotation steps asked. Never for real data.
 */
final class CkksTestKit implements AutoCloseable {
    final Parameters params;
    final Encoder encoder;
    final KeyGenerator keyGenerator;
    final SecretKey sk;
    private final Encryptor encryptor;
    private final Decryptor decryptor;

    CkksTestKit(int levels) {
        this(chain(levels));
    }

    /** The kit for any (insecure) parameter set. */
    CkksTestKit(Parameters params) {
        this.params = params;
        encoder = new Encoder(params);
        keyGenerator = new KeyGenerator(params);
        sk = keyGenerator.secretKey();
        encryptor = new Encryptor(params, sk);
        decryptor = new Decryptor(params, sk);
    }

    private static Parameters chain(int levels) {
        int[][] bits = new int[levels + 1][];
        bits[0] = new int[] {30, 30};
        for (int l = 1; l <= levels; l++) {
            bits[l] = new int[] {30};
        }
        return Parameters.builder("test-hcnn-2^30-L" + levels).logN(12).levelBits(bits).specialBits(30, 30, 30)
                .digitPrimes(2).logScale(30).insecure().build();
    }

    /**
     * An INSECURE N = 2^12 chain that bootstraps with {@code boot}, shaped like the ResNet profile (and ckks's
     * BootstrapperTest): q0 of two 30-bit primes, {@code userLevels} one-prime network levels at scale 2^30, the
     * SlotToCoeff levels of one prime, EvalMod and CoeffToSlot levels of two 28-bit primes; P of six primes, digits of
     * five; sparse ternary secret h = 192.
     */
    static Parameters bootstrappable(int userLevels, BootstrapParameters boot) {
        int[][] bits = new int[1 + userLevels + boot.depth()][];
        bits[0] = new int[] {30, 30};
        for (int l = 1; l < bits.length; l++) {
            bits[l] = l <= userLevels + boot.slotsToCoeffsDepth() ? new int[] {30} : new int[] {28, 28};
        }
        return Parameters.builder("test-hcnn-boot-L" + userLevels).logN(12).levelBits(bits)
                .specialBits(30, 30, 30, 30, 30, 30).digitPrimes(5).logScale(30)
                .secret(SecretDistribution.sparse(192)).insecure().build();
    }

    /** The relinearization key and the Galois keys of {@code steps} (at the top level); steps 0 need none. */
    EvaluationKeys keys(Iterable<Integer> steps) {
        Map<Long, SwitchingKey> galois = new HashMap<>();
        for (int s : steps) {
            long k = Encoder.galoisElement(s, params.n());
            if (k != 1 && !galois.containsKey(k)) {
                galois.put(k, keyGenerator.galoisKey(sk, k));
            }
        }
        return new EvaluationKeys(keyGenerator.relinearizationKey(sk), galois);
    }

    /** values encrypted with the secret key at the top level and the parameters' scale. */
    Ciphertext encrypt(double[] values) {
        try (Plaintext pt = encoder.encode(values, params.maxLevel(), params.scale())) {
            return encryptor.encrypt(pt);
        }
    }

    /** values encrypted with the secret key at {@code level} and the parameters' scale. */
    Ciphertext encrypt(double[] values, int level) {
        try (Plaintext pt = encoder.encode(values, level, params.scale())) {
            return encryptor.encrypt(pt);
        }
    }

    double[] decrypt(Ciphertext ct) {
        try (Plaintext pt = decryptor.decrypt(ct)) {
            return encoder.decodeReal(pt);
        }
    }

    @Override
    public void close() {
        sk.close();
    }

    /** -log2 of the mean and of the largest absolute difference between two lists of slot vectors. */
    record Bits(double mean, double worst, double largestValue) {
        static Bits of(java.util.List<double[]> got, java.util.List<double[]> want) {
            double sum = 0, worst = 0, largest = 0;
            long n = 0;
            for (int j = 0; j < want.size(); j++) {
                for (int i = 0; i < want.get(j).length; i++) {
                    double e = Math.abs(got.get(j)[i] - want.get(j)[i]);
                    sum += e;
                    worst = Math.max(worst, e);
                    largest = Math.max(largest, Math.abs(want.get(j)[i]));
                    n++;
                }
            }
            return new Bits(-log2(sum / n), -log2(worst), largest);
        }

        private static double log2(double x) {
            return Math.log(x) / Math.log(2);
        }

        @Override
        public String toString() {
            return String.format("%.1f bits mean, %.1f bits worst (values up to %.2f)", mean, worst, largestValue);
        }
    }
}
