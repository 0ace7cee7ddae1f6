package dev.hyphenj.bench;

import dev.hyphenj.ckks.Ciphertext;
import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.Encryptor;
import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.Evaluator;
import dev.hyphenj.ckks.KeyGenerator;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.Plaintext;
import dev.hyphenj.ckks.SecretKey;
import dev.hyphenj.ckks.io.Profiles;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * CKKS operations with key switching on a full-size parameter set ({@code profiles/bench-860.json} by default:
 * N = 2^16, 29 primes of Q), one library thread, ciphertexts at the top level:
 * <ul>
 *   <li>{@code rotate}: one rotation (automorphism and key switch);</li>
 *   <li>{@code multiplyRelinearize}: ciphertext product and relinearization;</li>
 *   <li>{@code rescale}: division by the top level's prime;</li>
 *   <li>{@code hoisted8}: eight rotations of one ciphertext by steps 1..8, eight separate results, one shared
 *       decomposition.</li>
 * </ul>
 * Key generation for the nine keys takes a few seconds per fork, outside the measurement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"}, jvmArgsAppend = {"-Xms2g", "-Xmx4g"})
public class KeySwitchBench {
    static final int[] HOISTED_STEPS = {1, 2, 3, 4, 5, 6, 7, 8};

    /** The parameter profile, by name or path; the first value is the configuration the figures refer to. */
    @Param({"bench-860"})
    public String profile;

    private EvaluationKeys keys;
    private Evaluator evaluator;
    private Ciphertext a;
    private Ciphertext b;

    @Setup(Level.Trial)
    public void setUp() {
        System.setProperty("hyphen.threads", "1"); // single-thread figures, whatever the machine has
        Parameters params = Profiles.parameters(profile);
        KeyGenerator kg = new KeyGenerator(params);
        Encoder encoder = new Encoder(params);
        double[] x = new double[params.slots()];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.sin(i);
        }
        try (SecretKey sk = kg.secretKey()) {
            keys = kg.evaluationKeys(sk, HOISTED_STEPS, false);
            Encryptor encryptor = new Encryptor(params, sk);
            try (Plaintext pt = encoder.encode(x, params.maxLevel(), params.scale())) {
                a = encryptor.encrypt(pt);
                b = encryptor.encrypt(pt);
            }
        }
        evaluator = new Evaluator(params, keys);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
        keys.close();
    }

    @Benchmark
    public void rotate(Blackhole bh) {
        try (Ciphertext r = evaluator.rotate(a, 1)) {
            bh.consume(r.level());
        }
    }

    @Benchmark
    public void multiplyRelinearize(Blackhole bh) {
        try (Ciphertext r = evaluator.multiply(a, b)) {
            bh.consume(r.level());
        }
    }

    @Benchmark
    public void rescale(Blackhole bh) {
        try (Ciphertext r = evaluator.rescale(a)) {
            bh.consume(r.level());
        }
    }

    @Benchmark
    public void hoisted8(Blackhole bh) {
        for (Ciphertext r : evaluator.rotateHoisted(a, HOISTED_STEPS)) {
            bh.consume(r.level());
            r.close();
        }
    }
}
