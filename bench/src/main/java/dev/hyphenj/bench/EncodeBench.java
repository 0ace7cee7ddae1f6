package dev.hyphenj.bench;

import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.Plaintext;
import dev.hyphenj.ntt.Parallel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One plaintext encode as the encrypted ResNet does ~18,000 per image: a 2^15-slot vector with about 1/16 nonzero
 * Gaussian values at N = 2^16 and scale 2^30, at a low level (few NTTs: the FFT, rounding and reduction dominate)
 * and at the top level (41 NTTs). {@code threads} sets {@link Parallel#PROPERTY}, which spreads the limbs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"}, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class EncodeBench {
    @Param({"2", "39"})
    public int level;

    @Param({"1"})
    public int threads;

    private Encoder encoder;
    private double[] values;

    @Setup
    public void setup() {
        System.setProperty(Parallel.PROPERTY, Integer.toString(threads));
        int[][] levelBits = new int[41][];
        levelBits[0] = new int[] {30, 30};
        for (int i = 1; i < levelBits.length; i++) {
            levelBits[i] = new int[] {30};
        }
        Parameters params = Parameters.builder("encode-bench").logN(16).levelBits(levelBits)
                .specialBits(30, 30, 30, 30, 30, 30, 30, 30, 30, 30).digitPrimes(9).logScale(30).logSlots(15)
                .insecure().build();
        encoder = new Encoder(params);
        SplittableRandom rnd = new SplittableRandom(1);
        values = new double[params.slots()];
        for (int i = 0; i < values.length; i++) {
            if (rnd.nextInt(16) == 0) {
                values[i] = Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
            }
        }
    }

    @Benchmark
    public int encode() {
        try (Plaintext pt = encoder.encode(values, level, 0x1p30)) {
            return pt.level();
        }
    }
}
