package dev.hyphenj.app;

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
import dev.hyphenj.ckks.SwitchingKey;
import dev.hyphenj.ckks.boot.BootstrapParameters;
import dev.hyphenj.ckks.boot.Bootstrapper;
import dev.hyphenj.ckks.io.Json;
import dev.hyphenj.ckks.io.MappedKeys;
import dev.hyphenj.ckks.io.Profiles;
import dev.hyphenj.ntt.LimbAllocator;
import dev.hyphenj.ntt.Parallel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hyphen bootstrap-bench --profile P --threads T [--slots S] [--json FILE]}: key generation (untimed), one
 * untimed warm-up bootstrap (the JIT compiles the key-switching paths; {@code --warmup}), then one timed bootstrap of uniform real inputs in [-1, 1] encrypted at level 0, and its precision against them in bits
 * (-log2 of the mean and of the largest absolute error over all slots, imaginary parts included).
 */
@Command(name = "bootstrap-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Time one CKKS bootstrap of the profile and measure its precision, key bytes and peak memory.")
final class BootstrapBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--profile", required = true, paramLabel = "NAME|FILE",
            description = "a profile with a \"bootstrap\" section (boot-n16, resnet20-cifar10) or a path to one")
    String profile;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
            description = "threads for the bootstrap and key generation (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--slots", paramLabel = "S",
            description = "slots, a power of two from 2 to N/2 (default: the profile's)")
    Integer slots;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON to FILE")
    Path json;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "1",
            description = "untimed bootstraps before the timed one, to compile the code paths (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "write the generated keys to FILE and bootstrap with them memory-mapped from it (the page"
                    + " cache holds them, not allocated memory)")
    Path keyFile;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "seed of the random inputs (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws IOException {
        Parameters params = ParamsCommand.secureParameters(profile);
        BootstrapParameters design = Profiles.bootstrap(profile);
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must be at least 0, got " + warmup);
        }
        int logSlots = slots == null ? params.logSlots() : logSlots(slots, params);
        System.setProperty(Parallel.PROPERTY, Integer.toString(threads));
        try (Bootstrapper boot = new Bootstrapper(params, design, logSlots)) {
            return run(params, boot, logSlots);
        }
    }

    private Integer run(Parameters params, Bootstrapper boot, int logSlots) throws IOException {
        PrintWriter err = spec.commandLine().getErr();

        err.printf("bootstrap-bench: %s, 2^%d slots, %d thread%s; generating %d rotation keys and the"
                + " conjugation and relinearization keys ...%n", params.name(), logSlots, threads,
                threads == 1 ? "" : "s", boot.rotationKeyLevels().size());
        err.flush();
        long keygenStart = System.nanoTime();
        KeyGenerator generator = new KeyGenerator(params);
        Map<String, Object> result = new LinkedHashMap<>();
        try (SecretKey sk = generator.secretKey(); EvaluationKeys keys = keys(params, boot, generator, sk, err)) {
            double keygenSeconds = seconds(keygenStart);
            long rotationBytes = 0, rotationSeeded = 0;
            for (SwitchingKey k : keys.galoisKeys().values()) {
                rotationBytes += k.plainBytes();
                rotationSeeded += k.seededBytes();
            }
            long uncut = (long) keys.galoisKeys().size() * ParamsCommand.keyBytes(params, params.maxLevel());
            err.printf("keys: %.1f s, rotation keys %.1f MiB (seeded %.1f MiB; %.1f MiB uncut)%n", keygenSeconds,
                    rotationBytes / MIB, rotationSeeded / MIB, uncut / MIB);
            err.flush();

            int n = 1 << logSlots;
            SplittableRandom rnd = new SplittableRandom(seed);
            double[] want = new double[n];
            for (int i = 0; i < n; i++) {
                want[i] = rnd.nextDouble(-1, 1);
            }
            Encoder encoder = new Encoder(params);
            Ciphertext in;
            try (Plaintext pt = encoder.encode(want, new double[n], 0, params.scale(), logSlots)) {
                in = new Encryptor(params, sk).encrypt(pt);
            }
            Evaluator ev = new Evaluator(params, keys);
            for (int w = 0; w < warmup; w++) {
                err.printf("warm-up bootstrap %d of %d ...%n", w + 1, warmup);
                err.flush();
                boot.bootstrap(ev, in, params.scale()).close();
            }
            long switchesBefore = ev.keySwitchCount();
            long freshBefore = LimbAllocator.shared().freshAllocations();
            long start = System.nanoTime();
            double[][] got;
            int levelsAfter;
            Map<String, Object> phases = new LinkedHashMap<>();
            try (Ciphertext out = boot.bootstrap(ev, in, params.scale(),
                    (phase, nanos) -> phases.put(phase, nanos / 1e9))) {
                double seconds = seconds(start);
                levelsAfter = out.level();
                try (Plaintext pt = new Decryptor(params, sk).decrypt(out)) {
                    got = encoder.decode(pt);
                }
                result.put("seconds", seconds);
            } finally {
                in.close();
            }
            double sum = 0, worst = 0;
            for (int i = 0; i < n; i++) {
                double e = Math.hypot(got[0][i] - want[i], got[1][i]);
                sum += e;
                worst = Math.max(worst, e);
            }
            result.put("profile", params.name());
            result.put("threads", threads);
            result.put("slots", n);
            result.put("keySwitches", ev.keySwitchCount() - switchesBefore);
            result.put("freshBlocks", LimbAllocator.shared().freshAllocations() - freshBefore);
            result.put("precisionBitsMean", -log2(sum / n));
            result.put("precisionBitsWorst", -log2(worst));
            result.put("levelsAfter", levelsAfter);
            result.put("rotationKeys", keys.galoisKeys().size());
            result.put("rotationKeyBytes", rotationBytes);
            result.put("rotationKeyBytesSeeded", rotationSeeded);
            result.put("rotationKeyBytesUncut", uncut);
            result.put("keygenSeconds", keygenSeconds);
            result.put("mappedKeyBytes", keys.mappedBytes());
            result.put("encodedDiagonalBytes", boot.encodedDiagonalBytes());
            result.put("peakRssBytes", peakRssBytes());
            result.put("phaseSeconds", phases);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("bootstrap %s, 2^%d slots, %d thread%s: %.2f s, %d key switches, precision %.1f bits mean,"
                + " %.1f bits worst, %d levels after; rotation keys %d, %.1f MiB (seeded %.1f MiB); peak RSS %.2f GiB%n",
                params.name(), logSlots, threads, threads == 1 ? "" : "s", (Double) result.get("seconds"),
                (Long) result.get("keySwitches"), (Double) result.get("precisionBitsMean"),
                (Double) result.get("precisionBitsWorst"), (Integer) result.get("levelsAfter"),
                (Integer) result.get("rotationKeys"), (Long) result.get("rotationKeyBytes") / MIB,
                (Long) result.get("rotationKeyBytesSeeded") / MIB, (Long) result.get("peakRssBytes") / GIB);
        out.println("phases (s): " + result.get("phaseSeconds"));
        out.println("off-heap blocks mapped fresh (not from the pool): " + result.get("freshBlocks"));
        out.flush();
        if (json != null) {
            Files.writeString(json, Json.write(result) + "\n", StandardCharsets.UTF_8);
        }
        return 0;
    }

    /** The bootstrap's keys: generated, or generated, written to --key-file and mapped from it. */
    private EvaluationKeys keys(Parameters params, Bootstrapper boot, KeyGenerator generator, SecretKey sk,
            PrintWriter err) throws IOException {
        if (keyFile == null) {
            return boot.generateKeys(generator, sk);
        }
        try (EvaluationKeys generated = boot.generateKeys(generator, sk)) {
            MappedKeys.write(keyFile, params, generated);
        }
        LimbAllocator.shared().trim(); // give the generated keys' memory back: the mapping replaces it
        err.printf("keys written to %s (%.1f MiB); mapping them%n", keyFile, Files.size(keyFile) / MIB);
        err.flush();
        return MappedKeys.map(keyFile, params);
    }

    private static final double MIB = 1 << 20;
    private static final double GIB = 1 << 30;

    static int logSlots(int slots, Parameters params) {
        if (slots < 2 || slots > params.n() / 2 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("--slots must be a power of two from 2 to N/2 = " + params.n() / 2
                    + ", got " + slots);
        }
        return Integer.numberOfTrailingZeros(slots);
    }

    /** The process's peak resident set (VmHWM of /proc/self/status), or -1 where there is none. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] f = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(f[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no figure
        }
        return -1;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
