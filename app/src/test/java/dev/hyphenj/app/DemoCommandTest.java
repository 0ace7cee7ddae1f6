package dev.hyphenj.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.io.Json;
import dev.hyphenj.ckks.io.Profiles;
import dev.hyphenj.hcnn.data.Cifar10;
import dev.hyphenj.hcnn.data.DataDirectory;
import dev.hyphenj.hcnn.plan.PlanReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hyphen demo}: its errors (before any key is made), the plan of an encrypted run (levels and keys, from
 * {@link EncryptedPlan}, no data needed), and the report's contract keys through {@code --dry-run}, which runs the
 * demo's steps ({@link DemoRun}) on the slot simulator. (The encrypted run itself needs N = 2^16 and about 10 GB of
 * keys; the hcnn module's CkksBootstrapServiceTest checks the CKKS pieces it wires together on small sets.)
 */
class DemoCommandTest {
    /** The keys the checks read. */
    private static final List<String> IMAGE_KEYS = List.of("index", "label", "plaintextTop1", "encryptedTop1",
            "maxLogitError", "seconds", "bootstraps", "rotations");
    private static final List<String> TOP_KEYS = List.of("keygenSeconds", "encryptSeconds", "decryptSeconds",
            "peakRssBytes", "keyBytes");

    /** The data directory; the test is skipped when there is none. */
    static Path dataDirectory() {
        Path dir;
        try {
            dir = NetworkData.checkedDataDirectory(null);
        } catch (RuntimeException e) {
            dir = null;
        }
        assumeTrue(dir != null, "skipped: no data directory (set " + DataDirectory.ENV + ")");
        return dir;
    }

    @Test
    void helpListsDemoAndItsOptions() {
        assertTrue(Cli.run("--help")[1].contains("demo"));
        String[] r = Cli.run("demo", "--help");
        assertEquals("0", r[0], r[2]);
        for (String option : new String[] {"--profile", "--images", "--threads", "--json", "--data", "--dry-run"}) {
            assertTrue(r[1].contains(option), option + " missing from: " + r[1]);
        }
    }

    @Test
    void badArgumentsGiveOneLineErrors(@TempDir Path tmp) throws IOException {
        for (String[] c : new String[][] {
            {"5-2", "ends before it starts"}, {"abc", "is not an index"}, {"0-9,", "is not an index"},
            {"", "empty image selection"}, {"-3", "is not an index"}}) {
            String[] r = Cli.run("demo", "--images", c[0]);
            assertEquals("1", r[0], c[0] + ": " + r[2]);
            assertTrue(r[2].startsWith("hyphen: ") && r[2].contains(c[1]), c[0] + ": " + r[2]);
        }
        String[] r = Cli.run("demo", "--threads", "0");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("--threads must be at least 1"), r[2]);
        r = Cli.run("demo", "--cache-mib", "-1");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("--cache-mib must not be negative"), r[2]);

        r = Cli.run("demo", "--data", tmp.resolve("none").toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("data directory " + tmp.resolve("none") + " does not exist")
                && r[2].contains("README.md, section Data"), r[2]);
        r = Cli.run("demo", "--data", tmp.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("has no resnet20/manifest.json") && r[2].contains("akamaster"), r[2]);

        Path insecure = tmp.resolve("tiny.json");
        Files.writeString(insecure, "{\"name\": \"tiny\", \"logN\": 10, \"levelBits\": [[30]], \"specialBits\": [30], "
                + "\"digitPrimes\": 1, \"logScale\": 20, \"insecure\": true, \"network\": {\"model\": \"resnet20\", "
                + "\"activation\": \"appRelu\"}}");
        r = Cli.run("demo", "--profile", insecure.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("insecure test parameter set"), r[2]);
        r = Cli.run("demo", "--profile", "bench-860");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("demo runs the model resnet20"), r[2]);

        // the network profile without its bootstrap design: refused before the data are read
        Map<String, Object> doc = Profiles.read("resnet20-cifar10");
        doc.remove("bootstrap");
        Path noBoot = tmp.resolve("no-boot.json");
        Files.writeString(noBoot, Json.write(doc));
        r = Cli.run("demo", "--profile", noBoot.toString(), "--data", tmp.resolve("none").toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("has no \"bootstrap\" section"), r[2]);
    }

    @Test
    void outOfRangeImagesAreNamed() {
        Path data = dataDirectory();
        String[] r = Cli.run("demo", "--images", "998-1000", "--data", data.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("image 1000 does not exist (the data directory has images 0-999)"), r[2]);
    }

    /**
     * The levels and keys of an encrypted run: the planner's levels (AppReLU in 14 levels, its 1/B applied by the
     * bootstrap before it or the stem's weights, so the image goes in at the planned level), the stem's rotation keys
     * cut to the image's level and the others to the level the convolutions run at, bootstraps as planned, and the key
     * plan covers the bootstrappers' keys.
     */
    @Test
    void encryptedPlanKeepsThePlannedLevelsAndCutsTheKeys() throws IOException {
        Parameters params = ParamsCommand.secureParameters("resnet20-cifar10");
        EncryptedPlan p = EncryptedPlan.of("resnet20-cifar10", params, PlanReport.randomWeights(3), "costs-cpu", 64);
        assertEquals(16, p.topLevel);
        assertEquals(14, p.activationLevels, "the composite sign's 13 levels and x * sign");
        assertEquals(p.plannedActivationLevels, p.activationLevels);
        assertEquals(p.plannedInputLevel, p.plan.inputLevel());
        assertEquals(16, p.plan.inputLevel());
        assertEquals(p.topLevel, p.activationTopLevel, "activations after a bootstrap start at the top");
        assertEquals(p.plan.inputLevel(), p.cnnKeyLevels.values().stream().mapToInt(Integer::intValue).max()
                .orElseThrow(), "the stem rotates the fresh image");
        assertEquals(2, p.cnnKeyLevels.values().stream().mapToInt(Integer::intValue).min().orElseThrow(),
                "the other convolutions rotate at level 2 (2 -> 1) after a bootstrap and an activation, as planned");
        assertEquals(Map.of(16384, 12L, 32768, 6L), p.bootstrapSlots);
        assertEquals(18, p.bootstrapsPerImage());
        assertEquals(38, p.keys.cnnRotations(), "the CNN keys hyphen plan reports");
        assertTrue(p.keys.conjugation() && p.keys.bootstrapRotations() > 0, p.keys.summary(params));
        assertEquals(p.keys.cnnRotations() + p.keys.bootstrapRotations() - p.keys.sharedRotations() + 1,
                p.keys.galoisKeys());
        assertTrue(p.keys.bytes(params) < p.keys.uncut(params).bytes(params));
        assertEquals(p.plan.inputLevel(), p.toJson().get("inputLevel"));
    }

    /** A level plan that does not fit the chain fails before any key is made, saying so. */
    @Test
    void aPlanThatDoesNotFitTheChainIsRefused(@TempDir Path tmp) throws IOException {
        // a cost model whose activation takes 7 levels makes the planner skip bootstraps AppReLU's 15 levels need
        Path costs = tmp.resolve("costs.json");
        Files.writeString(costs, "{\"activation\": {\"levels\": 7}}");
        Parameters params = ParamsCommand.secureParameters("resnet20-cifar10");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EncryptedPlan.of(
                "resnet20-cifar10", params, PlanReport.randomWeights(3), costs.toString(), 64));
        assertTrue(e.getMessage().contains("the plan does not fit the chain"), e.getMessage());
    }

    @Test
    void dryRunWritesTheContractKeys(@TempDir Path tmp) throws IOException {
        Path data = dataDirectory();
        Path json = tmp.resolve("out/demo.json");
        String[] r = Cli.run("demo", "--dry-run", "--images", "0-1", "--threads", "2", "--json", json.toString(),
                "--data", data.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[2].contains("image 1 (2/2): layer3.2.conv2"), "progress per layer: " + r[2]);
        assertTrue(r[1].contains("agreement with the plaintext model: 2/2"), r[1]);
        Map<?, ?> doc = (Map<?, ?>) Json.parse(Files.readString(json), json.toString());
        for (String key : TOP_KEYS) {
            assertTrue(doc.get(key) instanceof Number, key + " in " + doc.keySet());
        }
        assertEquals("simulator", doc.get("backend"));
        assertEquals(2L, ((Number) doc.get("threads")).longValue());
        assertTrue(((Number) doc.get("peakRssBytes")).longValue() > 0, "VmHWM on Linux");

        // the key bytes are the key plan's
        Parameters params = ParamsCommand.secureParameters("resnet20-cifar10");
        Map<?, ?> plan = (Map<?, ?>) doc.get("plan");
        Map<?, ?> keys = (Map<?, ?>) plan.get("keys");
        assertEquals(((Number) keys.get("bytes")).longValue(), ((Number) doc.get("keyBytes")).longValue());
        assertTrue(((Number) doc.get("keyBytes")).longValue() > 38 * ParamsCommand.keyBytes(params, 1));

        // the planned network's rotations, from hyphen plan itself
        Path planJson = tmp.resolve("plan.json");
        String[] p = Cli.run("plan", "--profile", "resnet20-cifar10", "--json", planJson.toString());
        assertEquals("0", p[0], p[2]);
        Map<?, ?> planned = (Map<?, ?>) ((Map<?, ?>) Json.parse(Files.readString(planJson), planJson.toString()))
                .get("total");
        long plannedRotations = ((Number) planned.get("rotations")).longValue();
        long plannedBootstraps = ((Number) planned.get("bootstraps")).longValue();

        Cifar10 cifar = Cifar10.load(data);
        List<?> images = (List<?>) doc.get("images");
        assertEquals(2, images.size());
        List<?> layers = (List<?>) doc.get("layers");
        assertEquals(20, layers.size(), "the stem, 18 convolutions with their activations, and the head");
        for (int i = 0; i < 2; i++) {
            Map<?, ?> img = (Map<?, ?>) images.get(i);
            for (String key : IMAGE_KEYS) {
                assertTrue(img.get(key) instanceof Number, key + " in " + img.keySet());
            }
            assertEquals((long) i, ((Number) img.get("index")).longValue());
            assertEquals((long) cifar.label(i), ((Number) img.get("label")).longValue());
            assertEquals(img.get("plaintextTop1"), img.get("encryptedTop1"), "image " + i);
            double err = ((Number) img.get("maxLogitError")).doubleValue();
            assertTrue(err > 0 && err < 0.1, "AppReLU's error, not zero and not large: " + err);
            assertTrue(((Number) img.get("seconds")).doubleValue() > 0);
            assertEquals(plannedRotations, ((Number) img.get("rotations")).longValue());
            assertEquals(plannedBootstraps, ((Number) img.get("bootstraps")).longValue());
            assertEquals(10, ((List<?>) img.get("logits")).size());
        }
        long rotations = 0, bootstraps = 0;
        for (Object o : layers) {
            Map<?, ?> l = (Map<?, ?>) o;
            rotations += ((Number) l.get("rotations")).longValue();
            bootstraps += ((Number) l.get("bootstraps")).longValue();
            assertTrue(((Number) l.get("seconds")).doubleValue() >= 0, l.toString());
        }
        assertEquals(plannedRotations, rotations, "the layers' rotations add up to the image's");
        assertEquals(plannedBootstraps, bootstraps);
        assertEquals("stem", ((Map<?, ?>) layers.getFirst()).get("name"));
        assertEquals("head", ((Map<?, ?>) layers.getLast()).get("name"));
        assertNotEquals(0L, ((Number) ((Map<?, ?>) layers.get(1)).get("bootstraps")).longValue());
    }
}
