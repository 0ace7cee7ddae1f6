package dev.hyphenj.app;

import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.KeyGenerator;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.SecretKey;
import dev.hyphenj.ntt.Parallel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hyphen keygen --profile P --keys DIR [--threads T] [--json FILE]}: the client's keys. Plans the network as
 * {@code demo} does (for an AppReLU profile the plan depends on the network's shapes, not on its weights: no data
 * directory needed; a degree-2 profile's plan depends on its activations' signs, read from {@code --data}), makes
 * a secret key and the plan's evaluation keys, and writes {@code DIR/client/secret.key} (owner-only where the file
 * system allows; never printed), {@code DIR/server/evaluation.keys} (seeded {@code Serializer} form, each key cut to
 * its level: about half the bytes the keys take in memory) and {@code DIR/server/manifest.json}. Give the server
 * {@code DIR/server} only. A directory that already holds a secret key is refused.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Client: make a secret key (DIR/client/secret.key, never leaves the client) and the plan's "
                + "evaluation keys (DIR/server/evaluation.keys, seeded Serializer form, each key cut to its level, "
                + "with DIR/server/manifest.json): give the server DIR/server only."})
final class KeygenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--profile", paramLabel = "NAME|FILE", defaultValue = "resnet20-cifar10",
            description = "a model profile with a \"bootstrap\" section (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--keys", paramLabel = "DIR", required = true, description = "the key directory to create")
    Path keys;

    @Option(names = "--threads", paramLabel = "T",
            description = "threads of the key generation (default: the number of cores)")
    Integer threads;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the manifest and timing as JSON to FILE")
    Path json;

    @Option(names = "--data", paramLabel = "DIR",
            description = "degree-2 profiles: the data directory whose weights choose each layer's form (default:"
                    + " $HYPHEN_DATA, else ../shared/data next to the repository)")
    Path data;

    @Override
    public Integer call() throws Exception {
        Parameters params = ClientServer.checkedProfile(profile, "keygen");
        if (Files.exists(ClientServer.secretKeyFile(keys))) {
            throw new IllegalArgumentException(keys + " already holds a secret key (" + ClientServer.secretKeyFile(keys)
                    + "): remove the directory or choose another");
        }
        return ClientServer.withThreads(threads, () -> run(params));
    }

    private Integer run(Parameters params) throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        EncryptedPlan plan = ClientServer.plan(profile, params, ClientServer.planWeights(profile, data));
        KeyGenerator generator = new KeyGenerator(params);
        Map<String, Object> manifest;
        long keygen;
        try (SecretKey sk = generator.secretKey();
                EvaluationKeys eval = CkksBackend.generateEvaluationKeys(plan, generator, sk, err, "keygen")) {
            keygen = System.nanoTime() - start;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", "keygen");
            m.put("profile", profile);
            m.put("plan", ClientServer.planSummary(plan));
            m.put("keySummary", plan.keys.summary(params));
            m.put("evaluationKeyMemoryBytes", eval.memoryBytes());
            manifest = ClientServer.saveKeys(keys, params, sk, eval, m);
        }
        long total = System.nanoTime() - start;
        PrintWriter out = spec.commandLine().getOut();
        out.printf("keys for %s (%s, %d slots) in %s: secret key %s; evaluation keys %s (%.1f MiB, seeded, %s keys)"
                + " and %s%n", profile, params.name(), params.slots(), keys, ClientServer.secretKeyFile(keys),
                keys.resolve(ClientServer.SERVER_DIR).resolve(ClientServer.EVALUATION_KEYS),
                ((Number) manifest.get("evaluationKeyBytes")).longValue() / (double) (1 << 20),
                manifest.get("galoisKeys"), keys.resolve(ClientServer.SERVER_DIR).resolve(ClientServer.MANIFEST));
        out.printf("key generation %.1f s, written in %.1f s, %d thread(s); peak RSS %.2f GiB%n", keygen / 1e9,
                (total - keygen) / 1e9, Parallel.threads(), BootstrapBenchCommand.peakRssBytes() / (double) (1 << 30));
        out.flush();
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>(manifest);
            doc.put("keygenSeconds", keygen / 1e9);
            doc.put("writeSeconds", (total - keygen) / 1e9);
            doc.put("threads", Parallel.threads());
            doc.put("peakRssBytes", BootstrapBenchCommand.peakRssBytes());
            ClientServer.writeJson(json, doc);
        }
        return 0;
    }
}
