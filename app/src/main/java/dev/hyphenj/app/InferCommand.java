package dev.hyphenj.app;

import dev.hyphenj.ckks.Ciphertext;
import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.hcnn.ckks.CkksCiphertext;
import dev.hyphenj.ntt.LimbAllocator;
import dev.hyphenj.ntt.Parallel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hyphen infer --profile P --keys DIR/server --in FILE --out FILE [--data DIR] [--threads T] [--json FILE]
 * [--cache-mib MIB]}:
 * the server. Loads the model's weights, plans the network, reads the client's ciphertexts (checked against the
 * plan's input: count, level, slots, parameters), loads the evaluation keys (never the secret key: DIR/client is not
 * needed) and checks that they cover the plan, evaluates the encrypted network with bootstrapping and writes the
 * logits ciphertext to FILE. Prints the evaluation time, bootstraps, rotations, key loading time and peak memory;
 * {@code --json} writes them ({@code seconds}, {@code bootstraps}, {@code rotations}, {@code keyLoadSeconds},
 * {@code peakRssBytes}, {@code keyBytes}, {@code layers}).
 */
@Command(name = "infer", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Server: evaluate the encrypted network on a client's ciphertexts with the client's evaluation "
                + "keys (DIR/server of keygen; the secret key is never read) and write the logits ciphertext.")
final class InferCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--profile", paramLabel = "NAME|FILE", defaultValue = "resnet20-cifar10",
            description = "the profile the keys were made for (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--keys", paramLabel = "DIR", required = true,
            description = "the server's key directory: DIR/server of keygen (holding evaluation.keys)")
    Path keys;

    @Option(names = "--in", paramLabel = "FILE", required = true, description = "the client's ciphertext file")
    Path in;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "the logits ciphertext to write")
    Path out;

    @Option(names = "--data", paramLabel = "DIR",
            description = "the data directory with the weights (default: $HYPHEN_DATA, else ../shared/data next to "
                    + "the repository)")
    Path data;

    @Option(names = "--threads", paramLabel = "T",
            description = "threads of the CKKS operations (default: the number of cores)")
    Integer threads;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the figures as JSON to FILE")
    Path json;

    @Mixin
    CacheOption cache;

    @Override
    public Integer call() throws Exception {
        Parameters params = ClientServer.checkedProfile(profile, "infer");
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        long cacheBytes = cache.bytes();
        Path keyFile = ClientServer.evaluationKeysFile(keys);
        if (!Files.isRegularFile(keyFile)) {
            ClientServer.loadEvaluationKeys(keys, params); // throws, naming the file
        }
        if (!Files.isRegularFile(in)) {
            throw new IllegalArgumentException("no ciphertext file " + in);
        }
        NetworkData.Loaded loaded = NetworkData.load(data, "0", PolyProfile.is(profile));
        return ClientServer.withThreads(threads, () -> run(params, loaded, cacheBytes));
    }

    private Integer run(Parameters params, NetworkData.Loaded loaded, long cacheBytes) throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        EncryptedPlan plan = ClientServer.plan(profile, params, loaded.weights());
        List<Ciphertext> input = ClientServer.readCiphertexts(in, params);
        long keyLoad;
        Map<String, Object> doc = new LinkedHashMap<>();
        try (CkksBackend backend = new CkksBackend(plan, cacheBytes)) {
            List<CkksCiphertext> handles = new ArrayList<>();
            try {
                ClientServer.requireShape(in, input, ClientServer.inputCiphertexts(plan), plan.plan.inputLevel(),
                        params.slots(), "the plan's input");
                err.printf("infer: %d ciphertext%s at level %d read; loading the evaluation keys %s%n", input.size(),
                        input.size() == 1 ? "" : "s", plan.plan.inputLevel(), ClientServer.evaluationKeysFile(keys));
                err.flush();
                long t0 = System.nanoTime();
                EvaluationKeys eval = ClientServer.loadEvaluationKeys(keys, params);
                try {
                    ClientServer.requireCovers(plan.keys, eval, ClientServer.evaluationKeysFile(keys));
                } catch (RuntimeException e) {
                    eval.close();
                    throw e;
                }
                backend.server(eval);
                keyLoad = System.nanoTime() - t0;
                err.printf("infer: keys loaded in %.1f s (%.1f MiB); evaluating with %d thread(s)%n", keyLoad / 1e9,
                        backend.keyBytes() / (double) (1 << 20), Parallel.threads());
                err.flush();
                for (Ciphertext ct : input) {
                    handles.add(backend.wrap(ct));
                }
                input = List.of();
            } finally {
                input.forEach(Ciphertext::close);
            }
            DemoRun.Evaluation<CkksCiphertext> run = DemoRun.evaluate(backend, plan.network, handles, "infer", err);
            handles.forEach(backend.evaluator()::release);
            try {
                ClientServer.writeCiphertexts(out, params, List.of(backend.ciphertext(run.logits())));
            } finally {
                backend.evaluator().release(run.logits());
            }
            doc.put("command", "infer");
            doc.put("profile", profile);
            doc.put("parameters", params.name());
            doc.put("threads", Parallel.threads());
            doc.put("seconds", run.nanos() / 1e9);
            doc.put("bootstraps", run.bootstraps());
            doc.put("rotations", run.counts().allRotations());
            doc.put("hoistedRotations", run.counts().hoistedRotations());
            doc.put("keySwitches", run.counts().keySwitches());
            doc.put("bootstrapKeySwitches", run.bootstrapKeySwitches());
            doc.put("keyLoadSeconds", keyLoad / 1e9);
            doc.put("keyBytes", backend.keyBytes());
            doc.put("peakRssBytes", BootstrapBenchCommand.peakRssBytes());
            doc.put("peakOffHeapBytes", LimbAllocator.shared().peakBytes());
            List<Object> layers = new ArrayList<>();
            for (DemoRun.Layer l : run.layers()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", l.name());
                m.put("seconds", l.nanos() / 1e9);
                m.put("bootstraps", l.bootstraps());
                m.put("bootstrapSeconds", l.bootstrapNanos() / 1e9);
                m.put("rotations", l.counts().allRotations());
                layers.add(m);
            }
            doc.put("layers", layers);
            doc.putAll(backend.details());
        }
        PrintWriter o = spec.commandLine().getOut();
        o.printf("evaluated %s in %.1f s with %s thread(s): %s bootstraps, %s rotations; keys loaded in %.1f s "
                + "(%.1f MiB); peak RSS %.2f GiB; logits ciphertext written to %s%n", in, (Double) doc.get("seconds"),
                doc.get("threads"), doc.get("bootstraps"), doc.get("rotations"), (Double) doc.get("keyLoadSeconds"),
                ((Number) doc.get("keyBytes")).longValue() / (double) (1 << 20),
                ((Number) doc.get("peakRssBytes")).longValue() / (double) (1 << 30), out);
        o.flush();
        if (json != null) {
            ClientServer.writeJson(json, doc);
        }
        return 0;
    }
}
