package dev.hyphenj.app;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.io.Json;
import dev.hyphenj.hcnn.act.Activation;
import dev.hyphenj.hcnn.act.ActivationProfile;
import dev.hyphenj.hcnn.data.Cifar10;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.model.HeResNet20;
import dev.hyphenj.hcnn.model.PolyBounds;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import dev.hyphenj.hcnn.model.SimulatedResNet20;
import dev.hyphenj.hcnn.plan.NetworkPlan;
import dev.hyphenj.hcnn.plan.PolyPlanner;
import dev.hyphenj.hcnn.plan.PolyResNet20;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hyphen simulate --profile resnet20-cifar10 --images 0-999 [--json FILE] [--data DIR]}: ResNet-20 in the
 * slot simulator, laid out as the plan that {@code hyphen plan} makes for the profile (same planner, same
 * {@code --costs} and {@code --max-keys}; the plan's bootstraps are not simulated), with the profile's activation (AppReLU with its per-layer bounds), image by image on all cores
 * (each image has its own simulator), against the plain forward pass. Prints per-layer operation counts and times
 * and the agreement of the top-1 class with the plaintext model; {@code --json} writes them for machines. The counts
 * do not depend on the image, so they are given per image (and summed over the images under {@code allImages}).
 * {@code rotations} counts every key-switched rotation, ordinary and hoisted, of the convolutions, shortcuts and the
 * head (pooling and linear layer; {@code rotationsExcludingHead} leaves it out); the activations rotate nothing
 * and the simulator does not bootstrap. Progress goes to stderr. Insecure profiles are refused as by every command.
 *
 * <p>A degree-2 profile (activation {@code poly2}, resnet20-cifar10-poly) runs the resnet20-poly weights as
 * {@link PolyPlanner} plans them ({@link PolyResNet20}: leveled, or with bootstraps after activations whose tensors are
 * scaled per channel by bounds.json; the simulator passes the bootstraps' slots through and reports the largest,
 * {@code bootstrapInputMax}), against the float64 forward pass of the same weights; {@code polyPlan} names the option.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Run ResNet-20 in the slot simulator with the profile's activation; report top-1 agreement "
                + "with the plaintext model, accuracy, and operation counts per layer.")
final class SimulateCommand implements java.util.concurrent.Callable<Integer> {
    private static final int FRAME_SIDE = 32;
    private static final long PROGRESS_NANOS = 5_000_000_000L;

    @Spec
    CommandSpec spec;

    @Option(names = "--profile", required = true, paramLabel = "NAME|FILE",
            description = "a model profile name (looked up in profiles/) or a path to a profile file")
    String profile;

    @Option(names = "--images", paramLabel = "RANGE", defaultValue = "0-999",
            description = "images to run, e.g. 0-999, 5 or 0-9,20 (default: ${DEFAULT-VALUE})")
    String images;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON to FILE")
    Path json;

    @Option(names = "--data", paramLabel = "DIR",
            description = "the data directory (default: $HYPHEN_DATA, else ../shared/data next to the repository)")
    Path data;

    @Option(names = "--threads", paramLabel = "N",
            description = "images run in parallel (default: the number of cores)")
    int threads;

    @Option(names = "--costs", paramLabel = "NAME|FILE", defaultValue = "costs-cpu",
            description = "the operation times the planner weighs, as for plan (default: ${DEFAULT-VALUE})")
    String costs;

    @Option(names = "--max-keys", paramLabel = "N", defaultValue = "64",
            description = "the most rotation keys the planned layers may use, as for plan (default: ${DEFAULT-VALUE})")
    int maxKeys;

    @Option(names = "--exact-relu", description = "use the exact ReLU instead of the profile's activation")
    boolean exactRelu;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Parameters params = ParamsCommand.secureParameters(profile);
        NetworkData.requireResNet20(profile, "simulate");
        boolean poly = PolyProfile.is(profile);
        if (poly && exactRelu) {
            throw new IllegalArgumentException("--exact-relu: the degree-2 network of '" + profile + "' has no ReLU");
        }
        ActivationProfile activation = ActivationProfile.load(profile);
        ImageRange.parse(images, Integer.MAX_VALUE); // the syntax, before loading anything
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be positive, got " + threads);
        }
        NetworkData.Loaded loaded = NetworkData.load(data, images, poly);
        ResNet20Weights weights = loaded.weights();
        Cifar10 cifar = loaded.images();
        int[] selected = loaded.selected();
        int nThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        Frame frame = new Frame(FRAME_SIDE, FRAME_SIDE, params.slots());
        SimulatedResNet20 sim;
        PolyPlanner.Option option = null;
        if (poly) {
            PolyPlanner.Plan plan = PolyProfile.load(profile).planner(costs, maxKeys, weights).plan();
            option = plan.chosen();
            Map<Integer, double[]> scales = PolyBounds.load(loaded.directory())
                    .bootstrapScales(option.bootstrapAfter());
            sim = new SimulatedResNet20(weights, new PolyResNet20(weights, frame, plan.layout(), scales));
        } else {
            NetworkPlan plan = PlanCommand.plan(profile, params, costs, maxKeys);
            sim = new SimulatedResNet20(weights, frame, plan, null);
            if (!exactRelu) {
                Map<String, Activation> acts = HeResNet20.appRelu(activation, sim.network().activationNames());
                sim = new SimulatedResNet20(weights, frame, plan, acts);
            }
        }

        PrintWriter err = spec.commandLine().getErr();
        err.printf("simulate: %d image%s of %s, activation %s, %d thread%s%n", selected.length,
                selected.length == 1 ? "" : "s", profile, sim.activationKind(), nThreads, nThreads == 1 ? "" : "s");
        err.flush();
        long start = System.nanoTime();
        List<SimulatedResNet20.Run> runs = runAll(sim, cifar, selected, nThreads, err, start);
        double wall = (System.nanoTime() - start) / 1e9;

        Map<String, Object> report = report(sim, params, selected, cifar, runs, nThreads, wall);
        if (option != null) {
            report.put("parameters", option.params().name());
            Map<String, Object> chosen = new LinkedHashMap<>();
            chosen.put("option", option.name());
            chosen.put("inputLevel", option.inputLevel());
            chosen.put("bootstrapAfter", option.bootstrapAfter().stream().map(ResNet20Weights::polyActivationName)
                    .toList());
            chosen.put("bootstrapScaling", "y / (" + PolyBounds.MARGIN + " x per-channel bound of bounds.json)");
            chosen.put("predictedSeconds", Math.round(option.ms()) / 1000.0);
            report.put("polyPlan", chosen);
        }
        print(spec.commandLine().getOut(), report);
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(json, Json.write(report), StandardCharsets.UTF_8);
        }
        return 0;
    }

    private static List<SimulatedResNet20.Run> runAll(SimulatedResNet20 sim, Cifar10 cifar, int[] selected,
            int nThreads, PrintWriter err, long start) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(nThreads, selected.length), r -> {
            Thread t = new Thread(r, "simulate");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<SimulatedResNet20.Run>> futures = new ArrayList<>();
            for (int i : selected) {
                futures.add(pool.submit(() -> sim.run(cifar.pixels(i))));
            }
            List<SimulatedResNet20.Run> runs = new ArrayList<>();
            int agreeing = 0;
            long lastReport = System.nanoTime();
            for (Future<SimulatedResNet20.Run> f : futures) {
                SimulatedResNet20.Run r = get(f, err, runs.size(), selected.length, start);
                runs.add(r);
                agreeing += r.top1() == r.plaintextTop1() ? 1 : 0;
                long now = System.nanoTime();
                if (now - lastReport >= PROGRESS_NANOS && runs.size() < selected.length) {
                    progress(err, runs.size(), selected.length, agreeing, start, now);
                    lastReport = now;
                }
            }
            return runs;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The future's result; prints progress while waiting for long images; rethrows a failure's cause. */
    private static SimulatedResNet20.Run get(Future<SimulatedResNet20.Run> f, PrintWriter err, int done, int total,
            long start) throws InterruptedException {
        while (true) {
            try {
                return f.get(PROGRESS_NANOS, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                err.printf("simulate: %d/%d images, %.0f s%n", done, total, (System.nanoTime() - start) / 1e9);
                err.flush();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException("simulate: " + e.getCause(), e.getCause());
            }
        }
    }

    private static void progress(PrintWriter err, int done, int total, int agreeing, long start, long now) {
        double elapsed = (now - start) / 1e9;
        err.printf("simulate: %d/%d images (%.0f%%), %.0f s elapsed, about %.0f s left, agreement so far %.2f%%%n",
                done, total, 100.0 * done / total, elapsed, elapsed / done * (total - done), 100.0 * agreeing / done);
        err.flush();
    }

    private Map<String, Object> report(SimulatedResNet20 sim, Parameters params, int[] selected, Cifar10 cifar,
            List<SimulatedResNet20.Run> runs, int nThreads, double wall) {
        int n = runs.size(), agreeing = 0, correct = 0, plainCorrect = 0, nonFinite = 0;
        double worstLogit = 0, bootstrapMax = 0;
        List<Object> disagreements = new ArrayList<>();
        SimulatedResNet20.Run first = runs.getFirst();
        boolean identical = true;
        OpCounts all = OpCounts.zero();
        long[] layerNanos = new long[first.layers().size()];
        for (int i = 0; i < n; i++) {
            SimulatedResNet20.Run r = runs.get(i);
            int label = cifar.label(selected[i]);
            agreeing += r.top1() == r.plaintextTop1() ? 1 : 0;
            correct += r.top1() == label ? 1 : 0;
            plainCorrect += r.plaintextTop1() == label ? 1 : 0;
            nonFinite += r.top1() < 0 ? 1 : 0;
            bootstrapMax = Math.max(bootstrapMax, r.bootstrapInputMax());
            double e = r.maxLogitError();
            if (Double.isFinite(e)) {
                worstLogit = Math.max(worstLogit, e);
            }
            if (r.top1() != r.plaintextTop1()) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("image", selected[i]);
                d.put("label", label);
                d.put("simulated", r.top1());
                d.put("plaintext", r.plaintextTop1());
                d.put("finite", r.top1() >= 0);
                disagreements.add(d);
            }
            all = all.plus(r.total());
            identical &= sameCounts(r.total(), first.total());
            for (int k = 0; k < layerNanos.length; k++) {
                layerNanos[k] += r.layers().get(k).nanos();
            }
        }
        Map<String, String> activationOf = sim.activationOfLayer();
        List<Object> layers = new ArrayList<>();
        for (int k = 0; k < layerNanos.length; k++) {
            SimulatedResNet20.Layer l = first.layers().get(k);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", l.name());
            row.put("activation", activationOf.get(l.name()));
            row.putAll(counts(l.total()));
            row.put("activationCounts", counts(l.activation()));
            row.put("msPerImage", round(layerNanos[k] / 1e6 / n));
            layers.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("command", "simulate");
        out.put("profile", profile);
        out.put("parameters", params.name());
        out.put("model", "resnet20");
        out.put("activation", sim.activationKind());
        out.put("images", Map.of("spec", images, "count", n));
        out.put("agreement", (double) agreeing / n);
        out.put("agreeing", agreeing);
        out.put("accuracy", (double) correct / n);
        out.put("correct", correct);
        out.put("plaintextAccuracy", (double) plainCorrect / n);
        out.put("nonFiniteImages", nonFinite);
        out.put("maxLogitError", worstLogit);
        out.put("bootstrapInputMax", bootstrapMax);
        out.put("disagreements", disagreements);
        OpCounts t = first.total();
        out.put("rotations", t.allRotations());
        out.put("rotationsExcludingHead", t.allRotations() - first.layers().getLast().total().allRotations());
        out.put("hoistedRotations", t.hoistedRotations());
        out.put("keySwitches", t.keySwitches());
        out.put("plaintextMultiplies", t.plaintextMultiplies());
        out.put("ciphertextMultiplies", t.ciphertextMultiplies());
        out.put("distinctRotationKeys", t.distinctRotationSteps());
        out.put("levelsUsed", first.levelsUsed());
        out.put("countsPer", "image (the same for every image: countsIdenticalAcrossImages)");
        out.put("countsIdenticalAcrossImages", identical);
        out.put("total", counts(t));
        out.put("allImages", counts(all));
        out.put("layers", layers);
        Map<String, Object> timing = new LinkedHashMap<>();
        timing.put("wallSeconds", round(wall));
        timing.put("threads", nThreads);
        timing.put("imagesPerSecond", round(n / wall));
        timing.put("msPerImagePerThread", round(Arrays.stream(layerNanos).sum() / 1e6 / n));
        out.put("timing", timing);
        out.put("slots", params.slots());
        out.put("plan", plan(sim.network().plan()));
        out.put("rotationSteps", t.rotationSteps().keySet().stream().toList());
        return out;
    }

    /** The plan's choices as a JSON object. */
    private static Map<String, Object> plan(NetworkPlan p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stemM", p.stemM());
        m.put("stemBabySteps", p.stemBabySteps());
        List<Object> blocks = new ArrayList<>();
        for (NetworkPlan.BlockPlan b : p.blocks()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", b.name());
            r.put("m", b.m());
            r.put("caBabySteps", b.caBabySteps());
            r.put("raBabySteps", b.raBabySteps());
            r.put("refillMid", b.refillMid());
            r.put("refillOut", b.refillOut());
            blocks.add(r);
        }
        m.put("blocks", blocks);
        m.put("bootstrapBefore", p.bootstrapBefore());
        return m;
    }

    private static boolean sameCounts(OpCounts a, OpCounts b) {
        return a.rotations() == b.rotations() && a.hoistedRotations() == b.hoistedRotations()
                && a.keySwitches() == b.keySwitches() && a.plaintextMultiplies() == b.plaintextMultiplies()
                && a.ciphertextMultiplies() == b.ciphertextMultiplies() && a.rescales() == b.rescales()
                && a.rotationSteps().equals(b.rotationSteps());
    }

    /** The counts as a JSON object. */
    static Map<String, Object> counts(OpCounts c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rotations", c.allRotations());
        m.put("ordinaryRotations", c.rotations());
        m.put("hoistedRotations", c.hoistedRotations());
        m.put("decompositions", c.decompositions());
        m.put("keySwitches", c.keySwitches());
        m.put("relinearizations", c.relinearizations());
        m.put("plaintextMultiplies", c.plaintextMultiplies());
        m.put("ciphertextMultiplies", c.ciphertextMultiplies());
        m.put("constantMultiplies", c.constantMultiplies());
        m.put("additions", c.additions());
        m.put("plaintextAdditions", c.plaintextAdditions());
        m.put("rescales", c.rescales());
        m.put("distinctRotationKeys", c.distinctRotationSteps());
        m.put("peakCiphertexts", c.peakCiphertexts());
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static void print(PrintWriter out, Map<String, Object> r) {
        Map<?, ?> plan = (Map<?, ?>) r.get("plan");
        StringBuilder ms = new StringBuilder();
        for (Object b : (List<?>) plan.get("blocks")) {
            ms.append(ms.isEmpty() ? "" : "/").append(((Map<?, ?>) b).get("m"));
        }
        out.printf("ResNet-20 in the slot simulator as planned, profile %s, activation %s, %s slots, image PR(%s),"
                + " m per block %s%n", r.get("profile"), r.get("activation"), r.get("slots"), plan.get("stemM"), ms);
        out.printf("%-16s %-15s %7s %7s %7s %7s %7s %8s %9s%n", "layer", "activation", "rot", "hoisted", "ksw",
                "pmul", "cmul", "rescale", "ms/image");
        for (Object o : (List<?>) r.get("layers")) {
            Map<?, ?> l = (Map<?, ?>) o;
            out.printf("%-16s %-15s %7s %7s %7s %7s %7s %8s %9.1f%n", l.get("name"),
                    Objects.toString(l.get("activation"), "-"),
                    l.get("ordinaryRotations"), l.get("hoistedRotations"), l.get("keySwitches"),
                    l.get("plaintextMultiplies"), l.get("ciphertextMultiplies"), l.get("rescales"),
                    (Double) l.get("msPerImage"));
        }
        Map<?, ?> t = (Map<?, ?>) r.get("total");
        out.printf("%-16s %-15s %7s %7s %7s %7s %7s %8s%n", "total", "", t.get("ordinaryRotations"),
                t.get("hoistedRotations"), t.get("keySwitches"), t.get("plaintextMultiplies"),
                t.get("ciphertextMultiplies"), t.get("rescales"));
        out.printf("per image: %s key-switched rotations (%s hoisted), %s distinct rotation keys, %s levels used "
                + "(no bootstrapping in the simulator)%n", r.get("rotations"), r.get("hoistedRotations"),
                r.get("distinctRotationKeys"), r.get("levelsUsed"));
        Map<?, ?> images = (Map<?, ?>) r.get("images");
        int n = ((Number) images.get("count")).intValue();
        out.printf("images %s (%d): agreement with the plaintext top-1 %.2f%% (%s/%d), accuracy %.2f%% (%s/%d), "
                + "plaintext accuracy %.2f%%%n", images.get("spec"), n, 100 * (Double) r.get("agreement"),
                r.get("agreeing"), n, 100 * (Double) r.get("accuracy"), r.get("correct"), n,
                100 * (Double) r.get("plaintextAccuracy"));
        out.printf("largest finite logit error %.3g; %s image(s) with non-finite logits (an input beyond an "
                + "activation bound)%n", (Double) r.get("maxLogitError"), r.get("nonFiniteImages"));
        if (r.get("polyPlan") instanceof Map<?, ?> poly) {
            out.printf("degree-2 plan: %s on %s, image at level %s, bootstraps after %s; largest bootstrapped slot"
                    + " %.3f (range [-1, 1])%n", poly.get("option"), r.get("parameters"), poly.get("inputLevel"),
                    poly.get("bootstrapAfter"), (Double) r.get("bootstrapInputMax"));
        }
        Map<?, ?> timing = (Map<?, ?>) r.get("timing");
        out.printf("wall time %.1f s on %s threads (%.2f images/s)%n", (Double) timing.get("wallSeconds"),
                timing.get("threads"), (Double) timing.get("imagesPerSecond"));
        out.flush();
    }
}
