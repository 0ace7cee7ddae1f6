package dev.hyphenj.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hyphen plan}: the table, the JSON contract keys and the sanity of the figures; insecure sets refused. */
class PlanCommandTest {
    private static final List<String> CONTRACT = List.of("rotations", "hoistedRotations", "keySwitches",
            "plaintextMultiplies", "bootstraps", "distinctRotationKeys", "bootstrapRotationKeys");


    @Test
    void helpListsPlan() {
        String[] r = Cli.run("--help");
        assertTrue(r[1].contains("plan"), r[1]);
    }

    @Test
    @SuppressWarnings("unchecked")
    void writesThePlanWithTheContractKeys(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("plan.json");
        String[] r = Cli.run("plan", "--profile", "resnet20-cifar10", "--json", file.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("layer3.2.conv2") && r[1].contains("total") && r[1].contains("MPConv"), r[1]);
        System.out.println(r[1]);
        Map<String, Object> doc = (Map<String, Object>) Json.parse(Files.readString(file, StandardCharsets.UTF_8),
                file.toString());
        Map<String, Object> ours = (Map<String, Object>) doc.get("total");
        Map<String, Object> base = (Map<String, Object>) ((Map<String, Object>) doc.get("baseline")).get("total");
        for (String key : CONTRACT) {
            assertTrue(ours.get(key) instanceof Long, "total." + key + " missing: " + ours);
            assertTrue(base.get(key) instanceof Long, "baseline.total." + key + " missing: " + base);
        }
        List<Object> layers = (List<Object>) doc.get("layers");
        List<Object> baseLayers = (List<Object>) ((Map<String, Object>) doc.get("baseline")).get("layers");
        assertEquals(20, layers.size(), "stem, 18 convolutions, head");
        assertEquals(layers.size(), baseLayers.size());
        long sum = 0, hoisted = 0;
        for (Object o : layers) {
            Map<String, Object> row = (Map<String, Object>) o;
            for (String key : List.of("rotations", "hoistedRotations", "keySwitches", "plaintextMultiplies",
                    "bootstraps", "distinctRotationKeys")) {
                assertTrue(row.get(key) instanceof Long, row.get("name") + " lacks " + key);
            }
            sum += (Long) row.get("rotations");
            hoisted += (Long) row.get("hoistedRotations");
        }
        assertEquals(ours.get("rotations"), sum, "rows add up to the total");
        assertEquals(ours.get("hoistedRotations"), hoisted);
        // sanity of the figures
        long rot = (Long) ours.get("rotations"), baseRot = (Long) base.get("rotations");
        assertTrue(2 * rot <= baseRot, "at least 2x fewer rotations than MPConv: " + rot + " vs " + baseRot);
        assertTrue((Long) ours.get("hoistedRotations") <= rot);
        assertEquals(0L, base.get("hoistedRotations"), "MPConv's code does not hoist");
        assertTrue((Long) ours.get("keySwitches") >= rot, "key switches include the rotations");
        assertTrue((Long) ours.get("distinctRotationKeys") <= 64, "at most 64 rotation keys");
        assertTrue((Long) base.get("distinctRotationKeys") > 200, "MPConv's code uses about 260 keys");
        assertEquals(18L, base.get("bootstraps"), "MPConv: one bootstrap per activation but the stem's");
        assertTrue((Long) ours.get("bootstraps") >= 18, "every activation but the stem's needs a bootstrap");
        assertTrue((Long) ours.get("bootstrapRotationKeys") > 0 && (Long) base.get("bootstrapRotationKeys") > 0);
        assertTrue((Double) ours.get("maxLogitError") < 1e-9 && (Double) base.get("maxLogitError") < 1e-9,
                "both plans compute the network");
        assertTrue((Double) ours.get("predictedSeconds") > 0);
    }

    @Test
    void refusesInsecureProfiles(@TempDir Path dir) throws IOException {
        Path test = dir.resolve("tiny.json");
        Files.writeString(test, "{\"name\": \"tiny\", \"logN\": 10, \"levelBits\": [[30]], \"specialBits\": [30],"
                + " \"digitPrimes\": 1, \"logScale\": 20, \"insecure\": true}");
        String[] r = Cli.run("plan", "--profile", test.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("insecure test parameter set"), r[2]);
    }

    @Test
    void refusesProfilesWithoutANetwork() {
        String[] r = Cli.run("plan", "--profile", "bench-860");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("no network"), r[2]);
    }

    @Test
    @SuppressWarnings("unchecked")
    void plansResNet18WithTheContractKeys(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("plan18.json");
        String[] r = Cli.run("plan", "--profile", "resnet18-imagenet", "--json", file.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("layer4.1.conv2") && r[1].contains("layer2.0.shortcut") && r[1].contains("total")
                && r[1].contains("average pool") && r[1].contains("retraining"), r[1]);
        Map<String, Object> doc = (Map<String, Object>) Json.parse(Files.readString(file, StandardCharsets.UTF_8),
                file.toString());
        assertEquals("resnet18", doc.get("model"));
        Map<String, Object> total = (Map<String, Object>) doc.get("total");
        for (String key : CONTRACT) {
            assertTrue(total.get(key) instanceof Long, "total." + key + " missing: " + total);
        }
        assertTrue(total.get("predictedSeconds") instanceof Double);
        List<Object> layers = (List<Object>) doc.get("layers");
        assertEquals(22, layers.size(), "stem, pool, 16 convolutions, 3 projections, head");
        for (String key : List.of("rotations", "hoistedRotations", "keySwitches", "plaintextMultiplies",
                "bootstraps")) {
            long sum = 0;
            for (Object o : layers) {
                sum += (Long) ((Map<String, Object>) o).get(key);
            }
            assertEquals(total.get(key), sum, key + ": rows add up to the total");
        }
        assertTrue((Long) total.get("bootstraps") > 0 && (Long) total.get("bootstrapRotationKeys") > 0);
    }

    @Test
    void theRunningCommandsRefuseThePlanOnlyResNet18(@TempDir Path dir) {
        for (String[] args : List.of(new String[] {"simulate", "--profile", "resnet18-imagenet"},
                new String[] {"demo", "--profile", "resnet18-imagenet"},
                new String[] {"keygen", "--profile", "resnet18-imagenet", "--keys", dir.toString()})) {
            String[] r = Cli.run(args);
            assertEquals("1", r[0], args[0] + ": " + r[1] + r[2]);
            assertTrue(r[2].contains("plan-only") && r[2].strip().lines().count() == 1, args[0] + ": " + r[2]);
        }
    }
}
