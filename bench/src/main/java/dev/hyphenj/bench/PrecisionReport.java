package dev.hyphenj.bench;

import dev.hyphenj.ckks.Ciphertext;
import dev.hyphenj.ckks.Decryptor;
import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.Encryptor;
import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.Evaluator;
import dev.hyphenj.ckks.KeyGenerator;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.Plaintext;
import dev.hyphenj.ckks.SecretKey;
import dev.hyphenj.ckks.io.Profiles;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Precision of CKKS operations on a full-size parameter set, against plain double math: -log2 of the mean and the
 * worst absolute error over all slots, for values uniform in [-1, 1]. Runs the profile as given (scale 2^30, one
 * prime per level for bench-860) and the same primes regrouped two per level at scale 2^60.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.hyphenj.bench.PrecisionReport [PROFILE]</pre>
 */
public final class PrecisionReport {
    private PrecisionReport() {}

    public static void main(String[] args) {
        Parameters p30 = Profiles.parameters(args.length > 0 ? args[0] : "bench-860");
        report(p30);
        report(twoPrimeLevels(p30));
    }

    /** The same primes, level 0 as given (plus one if needed to leave an even number) and the rest in pairs. */
    static Parameters twoPrimeLevels(Parameters p) {
        long[] q = p.qPrimes();
        int base = p.levelPrimes(0).length;
        base += (q.length - base) % 2;
        int pairs = (q.length - base) / 2;
        long[][] levels = new long[1 + pairs][];
        levels[0] = Arrays.copyOf(q, base);
        for (int l = 0; l < pairs; l++) {
            levels[1 + l] = new long[] {q[base + 2 * l], q[base + 2 * l + 1]};
        }
        return Parameters.builder(p.name() + "-pairs").logN(p.logN()).levels(levels).specialPrimes(p.pPrimes())
                .digitPrimes(p.digitPrimes()).logScale(60).logSlots(p.logSlots()).secret(p.secret()).build();
    }

    static void report(Parameters params) {
        System.out.printf("%s: N = 2^%d, scale 2^%.0f, %d levels%n", params.name(), params.logN(), params.logScale(),
                params.maxLevel() + 1);
        KeyGenerator kg = new KeyGenerator(params);
        Encoder encoder = new Encoder(params);
        SplittableRandom rnd = new SplittableRandom(1);
        double[] x = new double[params.slots()], y = new double[params.slots()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextDouble(-1, 1);
            y[i] = rnd.nextDouble(-1, 1);
        }
        double[] xy = new double[x.length], rot = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xy[i] = x[i] * y[i];
            rot[i] = x[(i + 1) % x.length];
        }
        int top = params.maxLevel();
        try (SecretKey sk = kg.secretKey(); EvaluationKeys keys = kg.evaluationKeys(sk, new int[] {1}, false);
                Plaintext px = encoder.encode(x, top, params.scale()); Plaintext py = encoder.encode(y, top, params.scale())) {
            Encryptor enc = new Encryptor(params, sk);
            Decryptor dec = new Decryptor(params, sk);
            Evaluator ev = new Evaluator(params, keys);
            try (Ciphertext a = enc.encrypt(px); Ciphertext b = enc.encrypt(py); Ciphertext m = ev.multiply(a, b);
                    Ciphertext r = ev.rescale(m); Ciphertext rotated = ev.rotate(a, 1)) {
                print("fresh encryption (secret key)", decode(encoder, dec, a), x);
                print("multiply + relinearize + rescale", decode(encoder, dec, r), xy);
                print("rotation by 1", decode(encoder, dec, rotated), rot);
            }
        }
    }

    private static double[] decode(Encoder encoder, Decryptor dec, Ciphertext c) {
        try (Plaintext p = dec.decrypt(c)) {
            return encoder.decodeReal(p);
        }
    }

    private static void print(String what, double[] got, double[] want) {
        double sum = 0, worst = 0;
        for (int i = 0; i < want.length; i++) {
            double e = Math.abs(got[i] - want[i]);
            sum += e;
            worst = Math.max(worst, e);
        }
        System.out.printf("  %-36s %5.1f bits mean, %5.1f bits worst%n", what + ":", -log2(sum / want.length),
                -log2(worst));
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }
}
