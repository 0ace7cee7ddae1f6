package dev.hyphenj.app;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.io.Json;
import dev.hyphenj.ckks.io.Profiles;
import dev.hyphenj.hcnn.plan.CostModel;
import dev.hyphenj.hcnn.plan.NetworkPlan;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import dev.hyphenj.hcnn.plan.PlanReport;
import dev.hyphenj.hcnn.plan.ResNet18PlanReport;
import dev.hyphenj.hcnn.plan.ResNet18Planner;
import dev.hyphenj.hcnn.plan.PolyPlanReport;
import dev.hyphenj.hcnn.plan.PolyPlanner;
import dev.hyphenj.hcnn.plan.ResNet20Planner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hyphen plan --profile resnet20-cifar10 [--json FILE]}: the execution plan of the profile's network (layouts
 * and m per layer, gap refills, levels, bootstrap places, rotation keys, key and plaintext bytes, predicted op counts
 * and time) next to the MPConv baseline's, as a table; {@code --json} writes the plan document (per-layer rows, a
 * {@code total} object and the same under {@code baseline}). Both networks run on the slot simulator to count their
 * operations (a few seconds). A degree-2 profile (activation poly2, such as resnet20-cifar10-poly) gets its own plan
 * ({@link PolyPlanReport}): the leveled run against the cheapest placements of 1-3 bootstraps, each with its
 * operations, keys and predicted time; it reads the degree-2 weights ({@code --data}), whose signs choose each layer's
 * form. A ResNet-18 profile (network.model resnet18, such as resnet18-imagenet) gets a plan only
 * ({@link ResNet18PlanReport}): per-layer rows and the total from the planner's formulas, nothing runs (no ImageNet
 * weights or images here). Insecure profiles are refused as by every command.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Plan the profile's network (CAConv/RAConv, m, gap refills, levels, bootstraps, keys) and compare"
                + " it with the MPConv baseline.")
final class PlanCommand implements Callable<Integer> {
    private static final String RESNET18 = "resnet18";

    @Spec
    CommandSpec spec;

    @Option(names = "--profile", required = true, paramLabel = "NAME|FILE",
            description = "a model profile name (looked up in profiles/) or a path to a profile file")
    String profile;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the plan as JSON to FILE")
    Path json;

    @Option(names = "--costs", paramLabel = "NAME|FILE", defaultValue = "costs-cpu",
            description = "the operation times of the cost model (default: ${DEFAULT-VALUE})")
    String costs;

    @Option(names = "--data", paramLabel = "DIR",
            description = "degree-2 profiles: the data directory whose weights choose each layer's form (default:"
                    + " $HYPHEN_DATA, else ../shared/data next to the repository)")
    Path data;

    @Option(names = "--max-keys", paramLabel = "N",
            description = "the most rotation keys the network's layers may use (default: 64 for ResNet-20; no limit"
                    + " for ResNet-18, whose 1000-class head alone needs about 250)")
    Integer maxKeys;

    @Override
    public Integer call() throws IOException {
        if (PolyProfile.is(profile)) {
            return planPoly();
        }
        Parameters params = ParamsCommand.secureParameters(profile);
        int[] levels = levels(profile);
        int top = levels[0], transformLevels = levels[1];
        CostModel model = CostModel.fromJson(Profiles.read(costs));
        if (RESNET18.equals(model(profile))) {
            ResNet18PlanReport report = new ResNet18PlanReport(profile, params, model, top, transformLevels,
                    maxKeys == null ? Integer.MAX_VALUE : maxKeys);
            printResNet18(spec.commandLine().getOut(), report, params);
            return writeJson(report.toJson());
        }
        PlanReport report = new PlanReport(profile, params, model, top, transformLevels, maxKeys());
        print(spec.commandLine().getOut(), report, params);
        return writeJson(report.toJson());
    }

    /** Writes the plan document to {@code --json} if given. */
    private int writeJson(Map<String, Object> doc) throws IOException {
        if (json != null) {
            Files.writeString(json, Json.write(doc), StandardCharsets.UTF_8);
            spec.commandLine().getOut().println("wrote " + json);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    private int maxKeys() {
        return maxKeys == null ? ClientServer.MAX_KEYS : maxKeys;
    }

    /** The degree-2 network's plan: the leveled run against 1-3 bootstraps, and the layout. */
    private int planPoly() throws IOException {
        PolyProfile poly = PolyProfile.load(profile);
        ResNet20Weights w = NetworkData.weights(data, true);
        PolyPlanReport report = new PolyPlanReport(profile, poly.planner(costs, maxKeys(), w),
                PolyProfile.costModel(costs), poly.topLevel);
        PrintWriter out = spec.commandLine().getOut();
        printPoly(out, report);
        if (json != null) {
            Files.writeString(json, Json.write(report.toJson()), StandardCharsets.UTF_8);
            out.println("wrote " + json);
        }
        out.flush();
        return 0;
    }

    static void printPoly(PrintWriter out, PolyPlanReport r) {
        PolyPlanner.Plan p = r.plan();
        StringBuilder ms = new StringBuilder();
        p.layout().blocks().forEach(b -> ms.append(ms.isEmpty() ? "" : "/").append(b.m()));
        out.printf("Degree-2 ResNet-20 plan for %s: image PR(%d), m per block %s, baby steps %d; each convolution"
                + " and its activation 2 levels, 39 in all%n%n", r.toJson().get("profile"), p.layout().stemM(), ms,
                p.layout().blocks().getFirst().caBabySteps());
        out.printf("%-13s %-46s %5s %5s %-44s %5s %5s %4s %8s %8s %7s %7s%n", "option", "chain (log2 QP, security)",
                "input", "boots", "bootstrap after", "rot", "ksw", "keys", "key MiB", "linear s", "boot s",
                "total s");
        for (PolyPlanReport.Figures f : r.figures()) {
            PolyPlanner.Option o = f.option();
            List<String> after = o.bootstrapAfter().stream().map(ResNet20Weights::polyActivationName).toList();
            out.printf("%-13s %-46s %5d %5d %-44s %5d %5d %4d %8.0f %8.1f %7.1f %7.1f%s%n", o.name(),
                    String.format("%s (%.0f, %d-bit)", o.params().name(), o.params().logQP(),
                            o.params().security().bits()), o.inputLevel(), o.bootstraps(),
                    after.isEmpty() ? "-" : String.join(", ", after), f.counts().allRotations(),
                    f.counts().keySwitches(), f.keyLevels().size(), f.rotationKeyBytes() / (1024.0 * 1024.0),
                    o.linearMs() / 1000, o.bootstrapMs() / 1000, o.ms() / 1000, o == p.chosen() ? "  <- chosen" : "");
        }
        for (int n = 1; n <= 3; n++) {
            String name = n + " bootstrap" + (n == 1 ? "" : "s");
            if (p.options().stream().noneMatch(o -> o.name().equals(name))) {
                out.printf("%-13s no placement fits the bootstrapping chain's network levels%n", name);
            }
        }
        out.println();
        out.println("Key MiB: the network's rotation keys cut to their levels (plain; seeded half); bootstrapped"
                + " options also need the bootstrap keys (about 6.4 GiB per slot count, README).");
        out.println("Predicted single-thread times: costs-cpu.json scaled by the primes of Q at each operation's level"
                + " (per-limb scaling, also for the leveled chain's digits and P); bootstraps at the measured times"
                + " per slot count. Every option ran on the simulator: logits within "
                + String.format("%.1e", r.figures().stream().mapToDouble(PolyPlanReport.Figures::maxLogitError).max()
                        .orElse(0)) + " of the plain forward pass.");
    }

    /** The {@code network.model} of a profile {@link #levels} has accepted (so it has a network). */
    private static String model(String profile) {
        return (String) ((Map<?, ?>) Profiles.read(profile).get("network")).get("model");
    }

    /**
     * The profile's top network level and the levels of one bootstrap transform (CoeffsToSlots), after checking
     * that the profile describes a ResNet-20 with AppReLU, the network the planner knows.
     */
    static int[] levels(String profile) throws IOException {
        Map<String, Object> doc = Profiles.read(profile);
        if (!(doc.get("network") instanceof Map<?, ?> network)) {
            throw new IllegalArgumentException("profile '" + profile + "' describes no network (no \"network\")");
        }
        if (!"resnet20".equals(network.get("model")) && !RESNET18.equals(network.get("model"))) {
            throw new IllegalArgumentException("the planner knows ResNet-20 and ResNet-18 only, the profile's model"
                    + " is " + network.get("model"));
        }
        if (!"appRelu".equals(network.get("activation"))) {
            throw new IllegalArgumentException("the planner's cost model knows AppReLU only, the profile's activation"
                    + " is " + network.get("activation"));
        }
        int top = range(network.get("networkLevels"), "networkLevels")[1];
        int transformLevels = 3;
        if (network.get("bootstrapLevels") instanceof Map<?, ?> boot && boot.get("coeffsToSlots") != null) {
            int[] cts = range(boot.get("coeffsToSlots"), "bootstrapLevels.coeffsToSlots");
            transformLevels = cts[1] - cts[0] + 1;
        }
        return new int[] {top, transformLevels};
    }

    /**
     * The plan {@code hyphen plan} makes for the profile with the operation times {@code costs} and at most
     * {@code maxKeys} rotation keys (the one {@link PlanReport} runs).
     */
    static NetworkPlan plan(String profile, Parameters params, String costs, int maxKeys) throws IOException {
        int top = levels(profile)[0];
        return new ResNet20Planner(params, CostModel.fromJson(Profiles.read(costs)), top, maxKeys).plan();
    }

    private static int[] range(Object v, String name) {
        if (v instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Number a && l.get(1) instanceof Number b) {
            return new int[] {a.intValue(), b.intValue()};
        }
        throw new IllegalArgumentException("profile: \"" + name + "\" must be [first, last], got " + v);
    }

    static void print(PrintWriter out, PlanReport r, Parameters params) {
        NetworkPlan p = r.plan();
        out.printf("ResNet-20 plan for %s (N = 2^%d, %d slots, 32 x 32 frames): image in PR(%d) at level %d;"
                + " MPConv input at level %d%n", params.name(), params.logN(), params.slots(), p.stemM(),
                p.inputLevel(), r.baseline().inputLevel());
        out.println();
        String head = "%-15s | %-34s %5s %5s %5s %4s %4s %8s | %5s %5s %4s %4s %8s%n";
        out.printf("%-15s | %-70s | %s%n", "", "ours (HyPHEN: CAConv/RAConv, PR(m), gap refills)", "MPConv baseline");
        out.printf(head, "layer", "algorithm", "rot", "hoist", "pmul", "boot", "keys", "ms", "rot", "pmul", "boot",
                "keys", "ms");
        String row = "%-15s | %-34s %5d %5d %5d %4d %4d %8.0f | %5d %5d %4d %4d %8.0f%n";
        List<PlanReport.Row> a = r.ours().rows(), b = r.baseline().rows();
        for (int i = 0; i < a.size(); i++) {
            PlanReport.Row x = a.get(i), y = b.get(i);
            out.printf(row, x.name(), x.algorithm(), x.rotations(), x.hoistedRotations(), x.plaintextMultiplies(),
                    x.bootstraps(), x.distinctRotationKeys(), x.predictedMs(), y.rotations(), y.plaintextMultiplies(),
                    y.bootstraps(), y.distinctRotationKeys(), y.predictedMs());
        }
        PlanReport.Row x = r.ours().total(), y = r.baseline().total();
        out.printf(row, "total", "", x.rotations(), x.hoistedRotations(), x.plaintextMultiplies(), x.bootstraps(),
                x.distinctRotationKeys(), x.predictedMs(), y.rotations(), y.plaintextMultiplies(), y.bootstraps(),
                y.distinctRotationKeys(), y.predictedMs());
        out.println();
        out.printf("%-40s %24s %24s%n", "", "ours", "MPConv");
        line(out, "rotations (ordinary + hoisted)", x.rotations(), y.rotations());
        line(out, "  of which hoisted", x.hoistedRotations(), y.hoistedRotations());
        line(out, "key switches (with relinearizations)", x.keySwitches(), y.keySwitches());
        line(out, "plaintext multiplies", x.plaintextMultiplies(), y.plaintextMultiplies());
        line(out, "bootstraps", x.bootstraps(), y.bootstraps());
        out.printf("%-40s %24s %24s%n", "  by sparse slot count", x.bootstrapSlots(), y.bootstrapSlots());
        line(out, "activations (ciphertexts)", x.ciphertexts(), y.ciphertexts());
        line(out, "distinct rotation keys (CNN layers)", x.distinctRotationKeys(), y.distinctRotationKeys());
        line(out, "bootstrap rotation keys (estimate)", r.ours().bootstrapRotationKeys(),
                r.baseline().bootstrapRotationKeys());
        out.printf("%-40s %24s %24s%n", "CNN key bytes (cut, plain / seeded)",
                mib(r.ours().rotationKeyBytes()) + " / " + mib(r.ours().rotationKeyBytes() / 2),
                mib(r.baseline().rotationKeyBytes()) + " / " + mib(r.baseline().rotationKeyBytes() / 2));
        out.printf("%-40s %24s %24s%n", "bootstrap key bytes (plain / seeded)",
                mib(r.ours().bootstrapKeyBytes()) + " / " + mib(r.ours().bootstrapKeyBytes() / 2),
                mib(r.baseline().bootstrapKeyBytes()) + " / " + mib(r.baseline().bootstrapKeyBytes() / 2));
        out.printf("%-40s %24s %24s%n", "plaintext bytes (all, if precomputed)", mib(x.plaintextBytes()),
                mib(y.plaintextBytes()));
        out.printf("%-40s %24.1f %24.1f%n", "predicted seconds (1 thread)", x.predictedMs() / 1000,
                y.predictedMs() / 1000);
        out.printf("%-40s %24.1f %24.1f%n", "  without bootstraps and activations", r.ours().linearMs() / 1000,
                r.baseline().linearMs() / 1000);
        out.printf("%-40s %24.1e %24.1e%n", "logit check (simulator, max error)", r.ours().maxLogitError(),
                r.baseline().maxLogitError());
        out.println();
        out.printf("MPConv / ours: rotations %.2fx, key switches %.2fx, predicted time %.2fx (linear layers %.2fx),"
                + " rotation keys %d vs %d%n", (double) y.rotations() / x.rotations(),
                (double) y.keySwitches() / x.keySwitches(), y.predictedMs() / x.predictedMs(),
                r.baseline().linearMs() / r.ours().linearMs(), x.distinctRotationKeys(), y.distinctRotationKeys());
        out.println("A PR(m) ciphertext is periodic with period m*P, so it bootstraps as a sparse message of m*P slots.");
    }

    /** The ResNet-18 plan: per-layer rows, the total, keys and bytes, and its caveats. */
    static void printResNet18(PrintWriter out, ResNet18PlanReport r, Parameters params) {
        ResNet18Planner.Plan p = r.plan();
        out.printf("ResNet-18 (ImageNet) plan for %s (N = 2^%d, %d slots, 64 x 64 frames): 48 polyphase input planes"
                + " in PR(%d) (%d ciphertexts) at level %d; plan only, nothing runs%n%n", params.name(),
                params.logN(), params.slots(), p.stemM(),
                (ResNet18Planner.stemInputChannels() + p.stemM() - 1) / p.stemM(), p.levels().inputLevel());
        String head = "%-18s | %-62s %5s %5s %7s %4s %4s %9s%n";
        String row = "%-18s | %-62s %5d %5d %7d %4d %4d %9.0f%n";
        out.printf(head, "layer", "algorithm", "rot", "hoist", "pmul", "boot", "keys", "ms");
        for (PlanReport.Row x : r.rows()) {
            out.printf(row, x.name(), x.algorithm(), x.rotations(), x.hoistedRotations(), x.plaintextMultiplies(),
                    x.bootstraps(), x.distinctRotationKeys(), x.predictedMs());
        }
        PlanReport.Row t = r.total();
        out.printf(row, "total", "", t.rotations(), t.hoistedRotations(), t.plaintextMultiplies(), t.bootstraps(),
                t.distinctRotationKeys(), t.predictedMs());
        out.println();
        out.printf("%-40s %24d%n", "rotations (ordinary + hoisted)", t.rotations());
        out.printf("%-40s %24d%n", "  of which hoisted", t.hoistedRotations());
        out.printf("%-40s %24d%n", "key switches (with relinearizations)", t.keySwitches());
        out.printf("%-40s %24d%n", "plaintext multiplies", t.plaintextMultiplies());
        out.printf("%-40s %24d%n", "bootstraps", t.bootstraps());
        out.printf("%-40s %24s%n", "  by sparse slot count", t.bootstrapSlots());
        out.printf("%-40s %24d%n", "activations (ciphertexts)", t.ciphertexts());
        out.printf("%-40s %24d%n", "distinct rotation keys (CNN layers)", t.distinctRotationKeys());
        out.printf("%-40s %24d%n", "bootstrap rotation keys (estimate)", r.bootstrapRotationKeys());
        out.printf("%-40s %24s%n", "CNN key bytes (cut, plain / seeded)",
                mib(r.rotationKeyBytes()) + " / " + mib(r.rotationKeyBytes() / 2));
        out.printf("%-40s %24s%n", "bootstrap key bytes (plain / seeded)",
                mib(r.bootstrapKeyBytes()) + " / " + mib(r.bootstrapKeyBytes() / 2));
        out.printf("%-40s %24s%n", "plaintext bytes (all, if precomputed)", mib(t.plaintextBytes()));
        out.printf("%-40s %24.1f%n", "predicted seconds (1 thread)", t.predictedMs() / 1000);
        out.printf("%-40s %24.1f%n", "  without bootstraps and activations", r.linearMs() / 1000);
        out.println();
        ResNet18PlanReport.notes().forEach(out::println);
    }

    private static void line(PrintWriter out, String label, long a, long b) {
        out.printf("%-40s %24d %24d%n", label, a, b);
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
