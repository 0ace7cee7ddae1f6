package dev.hyphenj.app;

import dev.hyphenj.ntt.Machine;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hyphen e2e-bench --json FILE [--images 0-19] [--threads T] [--dry-run]} and the other options of
 * {@code demo} ({@link DemoOptions}): the end-to-end benchmark over N images. The demo's steps ({@link DemoRun}): the
 * keys generated once, then image by image encryption, the server's evaluation, decryption and the plaintext model.
 * After every image it rewrites FILE with the images so far and their aggregates (a run stopped early keeps the
 * finished images) and prints a progress line with the expected end on stderr; at the end a summary on stdout.
 *
 * <p>JSON: {@code command}, {@code backend} ({@code ckks} or {@code simulator}), {@code profile}, {@code parameters},
 * {@code threads}, {@code machine} (CPU model and family, cores, JDK, vector width: {@link Machine#describe}),
 * {@code imagesSelected}, {@code images} (finished), {@code complete}, {@code agreement} (the fraction whose
 * encrypted top-1 class is the plaintext model's), {@code accuracy} (against the labels; {@code plaintextAccuracy} the
 * plaintext model's), {@code meanSeconds}, {@code medianSeconds}, {@code maxSeconds} (the server's evaluation of an
 * image), {@code maxLogitError} (the largest over the images; null if one is not finite), {@code keygenSeconds},
 * {@code encryptSeconds} and {@code decryptSeconds} (all images together), {@code peakRssBytes}, {@code keyBytes},
 * and {@code perImage}: the demo's rows ({@code index}, {@code label}, {@code plaintextTop1}, {@code encryptedTop1},
 * {@code maxLogitError}, {@code seconds}, {@code bootstraps}, {@code rotations} and more).
 */
@Command(name = "e2e-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "End-to-end benchmark: the demo over N images with the keys generated once; after every image "
                + "writes latency, memory and accuracy (so far) to the JSON file and prints the expected end.")
final class E2eBenchCommand implements Callable<Integer> {
    private static final double MIB = 1 << 20;
    private static final double GIB = 1 << 30;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", paramLabel = "FILE", required = true,
            description = "the results, rewritten after every image")
    Path json;

    @Mixin
    DemoOptions options;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Object> machine = Machine.describe();
        DemoOptions.Outcome o = options.run("e2e-bench", err, soFar -> {
            try {
                ClientServer.writeJson(json, summary(soFar, machine));
            } catch (IOException e) {
                throw new UncheckedIOException(json + ": " + e.getMessage(), e);
            }
            progress(err, soFar);
        });
        print(spec.commandLine().getOut(), summary(o, machine));
        return 0;
    }

    /** The JSON document of the run so far. */
    private Map<String, Object> summary(DemoOptions.Outcome o, Map<String, Object> machine) {
        DemoRun.Result r = o.result();
        int n = r.images().size();
        int plaintextCorrect = 0;
        double maxError = 0;
        for (DemoRun.Image img : r.images()) {
            plaintextCorrect += img.plaintextTop1() == img.label() ? 1 : 0;
            maxError = Math.max(maxError, img.maxLogitError());
        }
        double[] seconds = r.images().stream().mapToDouble(img -> img.evaluateNanos() / 1e9).sorted().toArray();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", "e2e-bench");
        m.put("backend", r.backend());
        m.put("profile", options.profile);
        m.put("parameters", o.params().name());
        m.put("threads", o.threads());
        m.put("machine", machine);
        m.put("imagesSelected", o.selected());
        m.put("images", n);
        m.put("complete", n == o.selected());
        m.put("agreement", (double) r.agreeing() / n);
        m.put("accuracy", (double) r.correct() / n);
        m.put("plaintextAccuracy", (double) plaintextCorrect / n);
        m.put("meanSeconds", Arrays.stream(seconds).sum() / n);
        m.put("medianSeconds", (seconds[(n - 1) / 2] + seconds[n / 2]) / 2);
        m.put("maxSeconds", seconds[n - 1]);
        m.put("maxLogitError", Double.isFinite(maxError) ? maxError : null);
        m.put("keygenSeconds", r.keygenNanos() / 1e9);
        m.put("warmUpSeconds", r.warmUpNanos() / 1e9);
        m.put("encryptSeconds", r.encryptNanos() / 1e9);
        m.put("decryptSeconds", r.decryptNanos() / 1e9);
        m.put("peakRssBytes", BootstrapBenchCommand.peakRssBytes());
        m.put("keyBytes", r.keyBytes());
        m.put("perImage", DemoCommand.imageRows(r));
        return m;
    }

    /** A line after each image: images done, agreement and accuracy so far, time per image, the expected end. */
    private void progress(PrintWriter err, DemoOptions.Outcome o) {
        DemoRun.Result r = o.result();
        int done = r.images().size();
        int left = o.selected() - done;
        double perImage = (r.encryptNanos() + r.evaluateNanos() + r.decryptNanos()) / 1e9 / done;
        String eta = left == 0 ? "done" : String.format("%d left, about %s, until %s", left,
                duration(perImage * left), LocalTime.now().plusSeconds(Math.round(perImage * left))
                        .truncatedTo(ChronoUnit.MINUTES));
        err.printf("e2e-bench: %d/%d images, agreement %d/%d, accuracy %d/%d, %.1f s per image; %s; %s written%n",
                done, o.selected(), r.agreeing(), done, r.correct(), done, perImage, eta, json);
        err.flush();
    }

    /** {@code seconds} as "12 s", "4 min 05 s" or "1 h 03 min". */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + " s" : s < 3600 ? String.format("%d min %02d s", s / 60, s % 60)
                : String.format("%d h %02d min", s / 3600, s % 3600 / 60);
    }

    private static void print(PrintWriter out, Map<String, Object> m) {
        Map<?, ?> machine = (Map<?, ?>) m.get("machine");
        int n = ((Number) m.get("images")).intValue();
        out.printf("e2e-bench: %d image(s) of %s on %s, %s thread(s), %s (family %s)%n", n, m.get("profile"),
                "ckks".equals(m.get("backend")) ? "CKKS (encrypted)" : "the slot simulator (dry run, not encrypted)",
                m.get("threads"), machine.get("cpuModel"), machine.get("cpuFamily"));
        Object maxError = m.get("maxLogitError");
        out.printf("agreement with the plaintext model %.3f, accuracy %.3f (plaintext model %.3f), largest logit "
                + "error %s%n", (Double) m.get("agreement"), (Double) m.get("accuracy"),
                (Double) m.get("plaintextAccuracy"), maxError == null ? "not finite"
                        : String.format("%.3g", (Double) maxError));
        out.printf("server seconds per image: mean %.1f, median %.1f, max %.1f; key generation %.1f s%n",
                (Double) m.get("meanSeconds"), (Double) m.get("medianSeconds"), (Double) m.get("maxSeconds"),
                (Double) m.get("keygenSeconds"));
        out.printf("evaluation keys %.1f MiB in memory; peak RSS %.2f GiB%n",
                ((Number) m.get("keyBytes")).longValue() / MIB, ((Number) m.get("peakRssBytes")).longValue() / GIB);
        out.flush();
    }
}
