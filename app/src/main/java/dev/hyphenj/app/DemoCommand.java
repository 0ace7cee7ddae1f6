package dev.hyphenj.app;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.io.Json;
import dev.hyphenj.ckks.io.Profiles;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.model.ResNet20;
import dev.hyphenj.ntt.LimbAllocator;
import dev.hyphenj.ntt.Parallel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hyphen demo [--profile resnet20-cifar10] [--images 0-1|0,3,7] [--threads T] [--json FILE] [--data DIR]}:
 * encrypted ResNet-20 inference, client and server in one process. Plans the network as {@code plan} does
 * ({@link EncryptedPlan}: the image's level, every key's level), generates the secret key and the plan's evaluation
 * keys, then for each image encrypts it (secret-key encryption, in the plan's input layout and level), evaluates the
 * planned network on CKKS with bootstrapping, decrypts the logits and compares them with the plaintext model. Prints
 * per image the class, the plaintext model's class, the largest logit error, the evaluation time, bootstraps and
 * rotations, then the time of each layer, the key bytes, key generation, encryption and decryption times and the
 * peak resident memory; {@code --json} writes the same for machines. A progress line per layer goes to stderr.
 *
 * <p>JSON: an {@code images} list ({@code index}, {@code label}, {@code plaintextTop1}, {@code encryptedTop1},
 * {@code maxLogitError}, {@code seconds}: the server's evaluation, ciphertexts in to ciphertext out;
 * {@code bootstraps} and {@code rotations}: the key-switched rotations of the network's layers, ordinary and hoisted,
 * counted in that run, the bootstraps' own key switches under {@code bootstrapKeySwitches}; and more) and top-level
 * {@code keygenSeconds}, {@code encryptSeconds} and {@code decryptSeconds} (all images together),
 * {@code peakRssBytes} (the process's VmHWM), {@code keyBytes} (the evaluation keys in memory), {@code layers} and
 * {@code plan}. {@code --dry-run} runs the same steps on the slot simulator (no keys, seconds). Insecure profiles are
 * refused as by every command.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Encrypted ResNet-20 inference in one process: key generation, encryption, the server's "
                + "evaluation with bootstrapping, decryption; compared with the plaintext model.")
final class DemoCommand implements Callable<Integer> {
    private static final double MIB = 1 << 20;
    private static final double GIB = 1 << 30;

    @Spec
    CommandSpec spec;

    @Option(names = "--profile", paramLabel = "NAME|FILE", defaultValue = "resnet20-cifar10",
            description = "a model profile with a \"bootstrap\" section (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--images", paramLabel = "RANGE", defaultValue = "0",
            description = "images of the data directory to run, e.g. 0-1, 5 or 0,3,7 (default: ${DEFAULT-VALUE})")
    String images;

    @Option(names = "--threads", paramLabel = "T",
            description = "threads of the CKKS operations (default: the number of cores)")
    Integer threads;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON to FILE")
    Path json;

    @Option(names = "--data", paramLabel = "DIR",
            description = "the data directory (default: $HYPHEN_DATA, else ../shared/data next to the repository)")
    Path data;

    @Option(names = "--dry-run",
            description = "run the same steps on the slot simulator instead of CKKS: no keys, no encryption; checks "
                    + "the data, the plan's levels and the report in seconds")
    boolean dryRun;

    @Option(names = "--cache-mib", paramLabel = "MIB", defaultValue = "0",
            description = "memory for encoded weight plaintexts kept between images (default: ${DEFAULT-VALUE}: "
                    + "encode each on use)")
    long cacheMib;

    @Option(names = "--costs", paramLabel = "NAME|FILE", defaultValue = "costs-cpu",
            description = "the operation times the planner weighs, as for plan (default: ${DEFAULT-VALUE})")
    String costs;

    @Option(names = "--max-keys", paramLabel = "N", defaultValue = "64",
            description = "the most rotation keys the planned layers may use, as for plan (default: ${DEFAULT-VALUE})")
    int maxKeys;

    @Override
    public Integer call() throws IOException {
        Parameters params = ParamsCommand.secureParameters(profile);
        NetworkData.requireResNet20(profile, "demo");
        PlanCommand.levels(profile); // a network the planner knows
        Profiles.bootstrap(profile); // and a bootstrap design, before loading anything
        ImageRange.parse(images, Integer.MAX_VALUE); // the syntax, before loading anything
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        if (cacheMib < 0) {
            throw new IllegalArgumentException("--cache-mib must not be negative, got " + cacheMib);
        }
        NetworkData.Loaded loaded = NetworkData.load(data, images);
        try {
            return ClientServer.withThreads(threads, () -> run(params, loaded));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Integer run(Parameters params, NetworkData.Loaded loaded) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        EncryptedPlan plan = EncryptedPlan.of(profile, params, loaded.weights(), costs, maxKeys);
        err.printf("demo: %s, %d image%s, %d thread%s%s; plan in %.1f s: image PR(%d) at level %d (planned %d: "
                + "activations of %d levels, planned %d), %d bootstraps per image %s%n", params.name(),
                loaded.selected().length, loaded.selected().length == 1 ? "" : "s", Parallel.threads(),
                Parallel.threads() == 1 ? "" : "s", dryRun ? ", dry run on the slot simulator" : "",
                (System.nanoTime() - start) / 1e9, plan.plan.stemM(), plan.plan.inputLevel(), plan.plannedInputLevel,
                plan.activationLevels, plan.plannedActivationLevels, plan.bootstrapsPerImage(), plan.bootstrapSlots);
        err.flush();
        DemoRun.Result result;
        try (DemoRun.Backend<?> backend = dryRun ? new SimulatedBackend(plan)
                : new CkksBackend(plan, cacheMib << 20)) {
            result = DemoRun.run(backend, plan.network, new ResNet20(loaded.weights()), loaded.images(),
                    loaded.selected(), plan.plan.inputLevel(), err);
        }
        Map<String, Object> report = report(params, plan, result);
        print(spec.commandLine().getOut(), report);
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(json, Json.write(report) + "\n", StandardCharsets.UTF_8);
        }
        return 0;
    }

    /** The report (the JSON document). */
    private Map<String, Object> report(Parameters params, EncryptedPlan plan, DemoRun.Result r) {
        List<Object> images = new ArrayList<>();
        long encrypt = 0, decrypt = 0, evaluate = 0;
        int agreeing = 0;
        for (DemoRun.Image img : r.images()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", img.index());
            m.put("label", img.label());
            m.put("plaintextTop1", img.plaintextTop1());
            m.put("encryptedTop1", img.top1());
            double e = img.maxLogitError();
            m.put("maxLogitError", Double.isFinite(e) ? e : null);
            m.put("seconds", img.evaluateNanos() / 1e9);
            m.put("bootstraps", img.bootstraps());
            m.put("rotations", img.counts().allRotations());
            m.put("hoistedRotations", img.counts().hoistedRotations());
            m.put("keySwitches", img.counts().keySwitches());
            m.put("bootstrapKeySwitches", img.bootstrapKeySwitches());
            m.put("plaintextMultiplies", img.counts().plaintextMultiplies());
            m.put("encryptSeconds", img.encryptNanos() / 1e9);
            m.put("decryptSeconds", img.decryptNanos() / 1e9);
            m.put("logits", list(img.logits()));
            m.put("plaintextLogits", list(img.plaintextLogits()));
            images.add(m);
            encrypt += img.encryptNanos();
            decrypt += img.decryptNanos();
            evaluate += img.evaluateNanos();
            agreeing += img.top1() == img.plaintextTop1() && img.top1() >= 0 ? 1 : 0;
        }
        int n = r.images().size();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("command", "demo");
        out.put("backend", r.backend());
        out.put("profile", profile);
        out.put("parameters", params.name());
        out.put("slots", params.slots());
        out.put("threads", Parallel.threads());
        out.put("images", images);
        out.put("agreeing", agreeing);
        out.put("agreement", (double) agreeing / n);
        out.put("keygenSeconds", r.keygenNanos() / 1e9);
        out.put("encryptSeconds", encrypt / 1e9);
        out.put("decryptSeconds", decrypt / 1e9);
        out.put("evaluateSeconds", evaluate / 1e9);
        out.put("secondsPerImage", evaluate / 1e9 / n);
        out.put("peakRssBytes", BootstrapBenchCommand.peakRssBytes());
        out.put("peakOffHeapBytes", LimbAllocator.shared().peakBytes());
        out.put("keyBytes", r.keyBytes());
        out.put("keyBytesSeeded", r.keyBytesSeeded());
        out.put("layers", layers(r, plan));
        out.put("plan", plan.toJson());
        out.putAll(r.details());
        return out;
    }

    /** Per layer, the mean over the images. */
    private static List<Object> layers(DemoRun.Result r, EncryptedPlan plan) {
        int n = r.images().size();
        List<DemoRun.Layer> first = r.images().getFirst().layers();
        List<Object> out = new ArrayList<>();
        for (int k = 0; k < first.size(); k++) {
            long nanos = 0, boot = 0, bootNanos = 0, actNanos = 0;
            for (DemoRun.Image img : r.images()) {
                DemoRun.Layer l = img.layers().get(k);
                nanos += l.nanos();
                boot += l.bootstraps();
                bootNanos += l.bootstrapNanos();
                actNanos += l.activationNanos();
            }
            OpCounts c = first.get(k).counts();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", first.get(k).name());
            m.put("seconds", nanos / 1e9 / n);
            m.put("bootstraps", boot / n);
            m.put("bootstrapSeconds", bootNanos / 1e9 / n);
            m.put("activationSeconds", actNanos / 1e9 / n);
            m.put("linearSeconds", (nanos - bootNanos - actNanos) / 1e9 / n);
            m.put("rotations", c.allRotations());
            m.put("hoistedRotations", c.hoistedRotations());
            m.put("keySwitches", c.keySwitches());
            m.put("plaintextMultiplies", c.plaintextMultiplies());
            out.add(m);
        }
        return out;
    }

    private static List<Object> list(double[] v) {
        List<Object> out = new ArrayList<>(v.length);
        for (double x : v) {
            out.add(Double.isFinite(x) ? x : null);
        }
        return out;
    }

    private static void print(PrintWriter out, Map<String, Object> r) {
        Map<?, ?> plan = (Map<?, ?>) r.get("plan");
        out.printf("ResNet-20 %s on %s (%s slots), %s thread(s): image PR(%s) at level %s, m per block %s%n",
                "ckks".equals(r.get("backend")) ? "encrypted" : "on the slot simulator (dry run, not encrypted)",
                r.get("parameters"), r.get("slots"), r.get("threads"), plan.get("stemM"), plan.get("inputLevel"),
                plan.get("blockM"));
        out.printf("%-7s %5s %6s %9s %12s %9s %6s %6s%n", "image", "label", "class", "plaintext", "max logit err",
                "seconds", "boots", "rot");
        for (Object o : (List<?>) r.get("images")) {
            Map<?, ?> m = (Map<?, ?>) o;
            Object e = m.get("maxLogitError");
            out.printf("%-7s %5s %6s %9s %12s %9.1f %6s %6s%n", m.get("index"), m.get("label"),
                    m.get("encryptedTop1"), m.get("plaintextTop1"), e == null ? "not finite"
                            : String.format("%.3g", (Double) e), (Double) m.get("seconds"), m.get("bootstraps"),
                    m.get("rotations"));
        }
        out.println();
        out.printf("%-16s %9s %6s %9s %11s %9s %6s %7s%n", "layer (mean)", "seconds", "boots", "boot s",
                "activation s", "linear s", "rot", "hoisted");
        for (Object o : (List<?>) r.get("layers")) {
            Map<?, ?> l = (Map<?, ?>) o;
            out.printf("%-16s %9.2f %6s %9.2f %11.2f %9.2f %6s %7s%n", l.get("name"), (Double) l.get("seconds"),
                    l.get("bootstraps"), (Double) l.get("bootstrapSeconds"), (Double) l.get("activationSeconds"),
                    (Double) l.get("linearSeconds"), l.get("rotations"), l.get("hoistedRotations"));
        }
        out.println();
        int n = ((List<?>) r.get("images")).size();
        out.printf("agreement with the plaintext model: %s/%d%n", r.get("agreeing"), n);
        out.printf("key generation %.1f s, encryption %.2f s, evaluation %.1f s per image, decryption %.2f s"
                + " (all images)%n", (Double) r.get("keygenSeconds"), (Double) r.get("encryptSeconds"),
                (Double) r.get("secondsPerImage"), (Double) r.get("decryptSeconds"));
        out.printf("evaluation keys %.1f MiB in memory (%.1f MiB seeded); peak RSS %.2f GiB, peak off-heap %.2f GiB%n",
                ((Number) r.get("keyBytes")).longValue() / MIB, ((Number) r.get("keyBytesSeeded")).longValue() / MIB,
                ((Number) r.get("peakRssBytes")).longValue() / GIB,
                ((Number) r.get("peakOffHeapBytes")).longValue() / GIB);
        if (r.get("bootstrapStats") instanceof List<?> stats) {
            for (Object o : stats) {
                Map<?, ?> s = (Map<?, ?>) o;
                out.printf("bootstraps at %s slots: %s, %.2f s each, %s key switches each, phases %s%n", s.get("slots"),
                        s.get("bootstraps"), (Double) s.get("meanSeconds"), s.get("keySwitchesEach"),
                        s.get("meanPhaseSeconds"));
            }
        }
        out.flush();
    }
}
