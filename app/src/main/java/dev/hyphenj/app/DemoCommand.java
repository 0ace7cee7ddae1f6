package dev.hyphenj.app;

import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.ntt.LimbAllocator;
import java.io.IOException;
import java.io.PrintWriter;
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
 * {@code keygenSeconds}, {@code warmUpSeconds} (the server's warm-up before the first image, {@code WarmUp}: not in
 * any image's {@code seconds}), {@code encryptSeconds} and {@code decryptSeconds} (all images together),
 * {@code peakRssBytes} (the process's VmHWM), {@code keyBytes} (the evaluation keys in memory), {@code layers} and
 * {@code plan}. {@code --dry-run} runs the same steps on the slot simulator (no keys, seconds). Insecure profiles are
 * refused as by every command. A degree-2 profile (resnet20-cifar10-poly) runs its leveled plan: no bootstrap, the
 * plaintext model the float64 forward pass of its weights ({@link EncryptedPlan}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Encrypted ResNet-20 inference in one process: key generation, encryption, the server's "
                + "evaluation with bootstrapping, decryption; compared with the plaintext model.")
final class DemoCommand implements Callable<Integer> {
    private static final double MIB = 1 << 20;
    private static final double GIB = 1 << 30;

    @Spec
    CommandSpec spec;

    @Mixin
    DemoOptions options;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON to FILE")
    Path json;

    @Override
    public Integer call() throws IOException {
        DemoOptions.Outcome o = options.run("demo", spec.commandLine().getErr(), soFar -> {});
        Map<String, Object> report = report(o);
        print(spec.commandLine().getOut(), report);
        if (json != null) {
            ClientServer.writeJson(json, report);
        }
        return 0;
    }

    /** The report (the JSON document). */
    private Map<String, Object> report(DemoOptions.Outcome o) {
        DemoRun.Result r = o.result();
        int n = r.images().size();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("command", "demo");
        out.put("backend", r.backend());
        out.put("profile", options.profile);
        out.put("parameters", o.params().name());
        out.put("slots", o.params().slots());
        out.put("threads", o.threads());
        out.put("images", imageRows(r));
        out.put("agreeing", r.agreeing());
        out.put("agreement", (double) r.agreeing() / n);
        out.put("keygenSeconds", r.keygenNanos() / 1e9);
        out.put("warmUpSeconds", r.warmUpNanos() / 1e9);
        out.put("encryptSeconds", r.encryptNanos() / 1e9);
        out.put("decryptSeconds", r.decryptNanos() / 1e9);
        out.put("evaluateSeconds", r.evaluateNanos() / 1e9);
        out.put("secondsPerImage", r.evaluateNanos() / 1e9 / n);
        out.put("peakRssBytes", BootstrapBenchCommand.peakRssBytes());
        out.put("peakOffHeapBytes", LimbAllocator.shared().peakBytes());
        out.put("keyBytes", r.keyBytes());
        out.put("keyBytesSeeded", r.keyBytesSeeded());
        out.put("layers", layers(r));
        out.put("plan", o.plan().toJson());
        out.putAll(r.details());
        return out;
    }

    /** A row per image: the report's {@code images}, {@code e2e-bench}'s {@code perImage}. */
    static List<Object> imageRows(DemoRun.Result r) {
        List<Object> rows = new ArrayList<>();
        for (DemoRun.Image img : r.images()) {
            rows.add(imageRow(img));
        }
        return rows;
    }

    private static Map<String, Object> imageRow(DemoRun.Image img) {
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
        return m;
    }

    /** Per layer, the mean over the images. */
    private static List<Object> layers(DemoRun.Result r) {
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
