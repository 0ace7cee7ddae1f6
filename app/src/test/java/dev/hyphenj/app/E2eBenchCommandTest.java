package dev.hyphenj.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.io.Json;
import dev.hyphenj.hcnn.data.Cifar10;
import dev.hyphenj.hcnn.eval.OpCounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hyphen e2e-bench}: its options and errors, and its JSON through {@code --dry-run} on two images (the slot
 * simulator; an encrypted run needs N = 2^16 and about 10 GB of keys).
 */
class E2eBenchCommandTest {
    private static final List<String> ROW_KEYS = List.of("index", "label", "plaintextTop1", "encryptedTop1",
            "maxLogitError", "seconds", "bootstraps", "rotations");

    @Test
    void helpAndUsageErrors() {
        assertTrue(Cli.run("--help")[1].contains("e2e-bench"));
        String[] r = Cli.run("e2e-bench", "--help");
        assertEquals("0", r[0], r[2]);
        for (String option : new String[] {"--json", "--profile", "--images", "--threads", "--data", "--dry-run",
            "--cache-mib"}) {
            assertTrue(r[1].contains(option), option + " missing from: " + r[1]);
        }
        r = Cli.run("e2e-bench", "--dry-run");
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("Missing required option: '--json=FILE'"), r[2]);
        r = Cli.run("e2e-bench", "--json", "x.json", "--cache-mib", "-5");
        assertEquals("1", r[0], r[2]);
        assertEquals("hyphen: --cache-mib must not be negative, got -5", r[2].strip());
    }

    @Test
    void durationsReadAsSecondsMinutesOrHours() {
        assertEquals("12 s", E2eBenchCommand.duration(12.4));
        assertEquals("4 min 05 s", E2eBenchCommand.duration(245));
        assertEquals("1 h 03 min", E2eBenchCommand.duration(3780));
    }

    /** A NaN logit makes the image's largest error NaN (written as null), whatever the logits after it. */
    @Test
    void aNanLogitIsNotHiddenByLaterFiniteOnes() {
        DemoRun.Image img = new DemoRun.Image(0, 1, new double[] {Double.NaN, 1}, new double[] {0, 0}, 0, 0, 0,
                List.of(), OpCounts.zero(), 0);
        assertTrue(Double.isNaN(img.maxLogitError()));
    }

    @Test
    void dryRunOnTwoImagesWritesTheSummary(@TempDir Path tmp) throws IOException {
        Path data = DemoCommandTest.dataDirectory();
        Path json = tmp.resolve("out/e2e.json");
        String[] r = Cli.run("e2e-bench", "--dry-run", "--images", "0-1", "--threads", "2", "--json", json.toString(),
                "--data", data.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[2].contains("e2e-bench: 1/2 images, agreement 1/1, accuracy 1/1, ")
                && r[2].contains("1 left, about ") && r[2].contains(json + " written"),
                "progress with an ETA: " + r[2]);
        assertTrue(r[2].contains("e2e-bench: 2/2 images, agreement 2/2, accuracy 2/2, ") && r[2].contains("; done;"),
                r[2]);
        assertTrue(r[1].contains("agreement with the plaintext model 1.000, accuracy 1.000"), r[1]);
        assertTrue(r[1].contains("on the slot simulator (dry run, not encrypted)"), r[1]);
        assertTrue(Files.notExists(tmp.resolve("out/e2e.json.tmp")), "written through a temporary file");

        Map<?, ?> doc = (Map<?, ?>) Json.parse(Files.readString(json), json.toString());
        assertEquals(List.of("command", "backend", "profile", "parameters", "threads", "machine", "imagesSelected",
                "images", "complete", "agreement", "accuracy", "plaintextAccuracy", "meanSeconds", "medianSeconds",
                "maxSeconds", "maxLogitError", "keygenSeconds", "warmUpSeconds", "encryptSeconds", "decryptSeconds",
                "peakRssBytes", "keyBytes", "perImage"), List.copyOf(doc.keySet()));
        assertEquals("e2e-bench", doc.get("command"));
        assertEquals("simulator", doc.get("backend"));
        assertEquals("resnet20-cifar10", doc.get("profile"));
        assertEquals(2L, number(doc, "threads").longValue());
        assertEquals(2L, number(doc, "imagesSelected").longValue());
        assertEquals(2L, number(doc, "images").longValue());
        assertEquals(true, doc.get("complete"));
        Map<?, ?> machine = (Map<?, ?>) doc.get("machine");
        assertTrue(machine.get("cpuModel") instanceof String && machine.get("cpuFamily") instanceof String,
                machine.toString());

        Cifar10 cifar = Cifar10.load(data);
        List<?> rows = (List<?>) doc.get("perImage");
        assertEquals(2, rows.size());
        double max = 0, sum = 0, worst = 0;
        int correct = 0, agreeing = 0;
        for (int i = 0; i < 2; i++) {
            Map<?, ?> row = (Map<?, ?>) rows.get(i);
            for (String key : ROW_KEYS) {
                assertTrue(row.get(key) instanceof Number, key + " in " + row.keySet());
            }
            assertEquals((long) i, number(row, "index").longValue());
            assertEquals((long) cifar.label(i), number(row, "label").longValue());
            assertEquals(18L, number(row, "bootstraps").longValue());
            double s = number(row, "seconds").doubleValue();
            assertTrue(s > 0);
            max = Math.max(max, s);
            sum += s;
            worst = Math.max(worst, number(row, "maxLogitError").doubleValue());
            correct += row.get("encryptedTop1").equals(row.get("label")) ? 1 : 0;
            agreeing += row.get("encryptedTop1").equals(row.get("plaintextTop1")) ? 1 : 0;
        }
        assertEquals(agreeing / 2.0, number(doc, "agreement").doubleValue());
        assertEquals(correct / 2.0, number(doc, "accuracy").doubleValue());
        assertEquals(1.0, number(doc, "agreement").doubleValue(), "AppReLU keeps the class on images 0 and 1");
        assertEquals(sum / 2, number(doc, "meanSeconds").doubleValue(), 1e-9);
        assertEquals(sum / 2, number(doc, "medianSeconds").doubleValue(), 1e-9, "the median of two is their mean");
        assertEquals(max, number(doc, "maxSeconds").doubleValue());
        assertEquals(worst, number(doc, "maxLogitError").doubleValue());
        assertTrue(worst > 0 && worst < 0.1, "AppReLU's error, not zero and not large: " + worst);
        assertTrue(number(doc, "peakRssBytes").longValue() > 0, "VmHWM on Linux");
        assertTrue(number(doc, "keyBytes").longValue() > 1L << 30, "the key plan's bytes");
    }

    private static Number number(Map<?, ?> m, String key) {
        assertTrue(m.get(key) instanceof Number, key + " in " + m);
        return (Number) m.get(key);
    }
}
