package dev.hyphenj.app;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.io.Profiles;
import dev.hyphenj.hcnn.model.ResNet20;
import dev.hyphenj.ntt.Parallel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options and the run that {@code demo} and {@code e2e-bench} share: the profile, images, threads, data directory,
 * dry run, plaintext cache and planner inputs; checked (one line each, before anything is loaded), then the plan
 * ({@link EncryptedPlan}), the backend and the images through {@link DemoRun}.
 */
final class DemoOptions {
    @Option(names = "--profile", paramLabel = "NAME|FILE", defaultValue = "resnet20-cifar10",
            description = "a model profile with a \"bootstrap\" section (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--images", paramLabel = "RANGE", defaultValue = "0",
            description = "images of the data directory to run, e.g. 0-1, 5 or 0,3,7 (default: ${DEFAULT-VALUE})")
    String images;

    @Option(names = "--threads", paramLabel = "T",
            description = "threads of the CKKS operations (default: the number of cores)")
    Integer threads;

    @Option(names = "--data", paramLabel = "DIR",
            description = "the data directory (default: $HYPHEN_DATA, else ../shared/data next to the repository)")
    Path data;

    @Option(names = "--dry-run",
            description = "run the same steps on the slot simulator instead of CKKS: no keys, no encryption; checks "
                    + "the data, the plan's levels and the report in seconds")
    boolean dryRun;

    @Mixin
    CacheOption cache;

    @Option(names = "--costs", paramLabel = "NAME|FILE", defaultValue = "costs-cpu",
            description = "the operation times the planner weighs, as for plan (default: ${DEFAULT-VALUE})")
    String costs;

    @Option(names = "--max-keys", paramLabel = "N", defaultValue = "64",
            description = "the most rotation keys the planned layers may use, as for plan (default: ${DEFAULT-VALUE})")
    int maxKeys;

    /**
     * A run so far: the parameters the plan runs on, the plan, the finished images' results, the threads it runs
     * with and the number of images selected.
     */
    record Outcome(Parameters params, EncryptedPlan plan, DemoRun.Result result, int threads, int selected) {}

    /**
     * Checks the options, loads the data, plans, generates the keys once and runs the selected images, telling
     * {@code afterEachImage} the run so far after each image; progress lines, starting {@code command}, on
     * {@code err}. Returns the whole run.
     */
    Outcome run(String command, PrintWriter err, Consumer<Outcome> afterEachImage) throws IOException {
        Parameters params = ParamsCommand.secureParameters(profile);
        NetworkData.requireResNet20(profile, command);
        boolean poly = PolyProfile.is(profile);
        if (poly) {
            PolyProfile.load(profile); // both chains, before loading anything
        } else {
            PlanCommand.levels(profile); // a network the planner knows
            Profiles.bootstrap(profile); // and a bootstrap design, before loading anything
        }
        ImageRange.parse(images, Integer.MAX_VALUE); // the syntax, before loading anything
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        long cacheBytes = cache.bytes();
        NetworkData.Loaded loaded = NetworkData.load(data, images, poly);
        try {
            return ClientServer.withThreads(threads, () -> run(command, params, loaded, cacheBytes, err,
                    afterEachImage));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Outcome run(String command, Parameters params, NetworkData.Loaded loaded, long cacheBytes,
            PrintWriter err, Consumer<Outcome> afterEachImage) throws IOException {
        long start = System.nanoTime();
        EncryptedPlan plan = EncryptedPlan.of(profile, params, loaded.weights(), costs, maxKeys);
        err.printf("%s: %s, %d image%s, %d thread%s%s; plan in %.1f s: image PR(%d) at level %d (planned %d: "
                + "activations of %d levels, planned %d), %d bootstraps per image %s%n", command, plan.params.name(),
                loaded.selected().length, loaded.selected().length == 1 ? "" : "s", Parallel.threads(),
                Parallel.threads() == 1 ? "" : "s", dryRun ? ", dry run on the slot simulator" : "",
                (System.nanoTime() - start) / 1e9, plan.plan.stemM(), plan.plan.inputLevel(), plan.plannedInputLevel,
                plan.activationLevels, plan.plannedActivationLevels, plan.bootstrapsPerImage(), plan.bootstrapSlots);
        err.flush();
        try (DemoRun.Backend<?> backend = dryRun ? new SimulatedBackend(plan) : new CkksBackend(plan, cacheBytes)) {
            int selected = loaded.selected().length;
            DemoRun.Result result = DemoRun.run(backend, plan.network, new ResNet20(loaded.weights()),
                    loaded.images(), loaded.selected(), plan.plan.inputLevel(), command, err,
                    soFar -> afterEachImage.accept(new Outcome(plan.params, plan, soFar, Parallel.threads(),
                            selected)));
            return new Outcome(plan.params, plan, result, Parallel.threads(), selected);
        }
    }
}
