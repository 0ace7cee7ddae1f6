package dev.hyphenj.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan}, {@code simulate} and {@code demo --dry-run} with the degree-2 profile resnet20-cifar10-poly: both
 * options in the plan, the simulated network as planned against the float64 forward pass of resnet20-poly, the
 * demo's leveled plan and keys, the client's keys and head against the server's plan, and, with costs that make
 * bootstraps cheap, a bootstrapped plan whose scaled tensors
 * stay within the bootstrap's range (which demo refuses).
 */
class PolyCommandsTest {
    private static final String PROFILE = "resnet20-cifar10-poly";

    private static Path polyData() {
        Path dir;
        try {
            dir = NetworkData.checkedDataDirectory(null, true);
        } catch (RuntimeException e) {
            dir = null;
        }
        assumeTrue(dir != null, "skipped: no data directory with resnet20-poly/");
        return dir;
    }

    @Test
    void planReportsTheLeveledRunAndTheBootstrappedOnes(@TempDir Path tmp) throws IOException {
        Path data = polyData();
        Path json = tmp.resolve("plan.json");
        String[] r = Cli.run("plan", "--profile", PROFILE, "--json", json.toString(), "--data", data.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("leveled") && r[1].contains("2 bootstraps") && r[1].contains("<- chosen"), r[1]);
        Map<?, ?> doc = (Map<?, ?>) Json.parse(Files.readString(json), json.toString());
        assertEquals("poly2", doc.get("activation"));
        List<?> options = (List<?>) doc.get("options");
        Map<?, ?> leveled = (Map<?, ?>) options.getFirst();
        assertEquals("leveled", leveled.get("option"));
        assertEquals(39L, leveled.get("inputLevel"));
        assertEquals("128-bit", leveled.get("security"));
        assertTrue(((Number) leveled.get("logQP")).doubleValue() <= 1555);
        double cheapest = Double.MAX_VALUE;
        for (Object o : options) {
            cheapest = Math.min(cheapest, ((Number) ((Map<?, ?>) o).get("predictedSeconds")).doubleValue());
        }
        Map<?, ?> total = (Map<?, ?>) doc.get("total");
        assertEquals(doc.get("chosen"), total.get("option"));
        assertEquals(cheapest, ((Number) total.get("predictedSeconds")).doubleValue());
    }

    @Test
    void simulatesThePlannedNetwork(@TempDir Path tmp) throws IOException {
        Path data = polyData();
        Path json = tmp.resolve("sim.json");
        String[] r = Cli.run("simulate", "--profile", PROFILE, "--images", "0-1", "--json", json.toString(),
                "--data", data.toString());
        assertEquals("0", r[0], r[2]);
        Map<?, ?> doc = (Map<?, ?>) Json.parse(Files.readString(json), json.toString());
        assertEquals("poly2", doc.get("activation"));
        assertEquals(1.0, ((Number) doc.get("agreement")).doubleValue());
        assertTrue(((Number) doc.get("maxLogitError")).doubleValue() < 1e-9, doc.get("maxLogitError").toString());
        assertEquals(39L, ((Number) doc.get("levelsUsed")).longValue());
        List<?> layers = (List<?>) doc.get("layers");
        assertEquals(20, layers.size());
        for (Object o : layers.subList(0, 19)) {
            Map<?, ?> counts = (Map<?, ?>) ((Map<?, ?>) o).get("activationCounts");
            assertTrue(((Number) counts.get("relinearizations")).longValue() > 0, "the products: " + o);
        }
        Path planJson = tmp.resolve("plan.json");
        assertEquals("0", Cli.run("plan", "--profile", PROFILE, "--json", planJson.toString(), "--data",
                data.toString())[0]);
        Map<?, ?> plan = (Map<?, ?>) Json.parse(Files.readString(planJson), planJson.toString());
        Map<?, ?> total = (Map<?, ?>) plan.get("total");
        assertEquals(total.get("rotations"), ((Number) doc.get("rotations")).longValue());
        assertEquals(plan.get("chosen"), ((Map<?, ?>) doc.get("polyPlan")).get("option"));
    }

    @Test
    void demoDryRunPlansTheLeveledRun(@TempDir Path tmp) throws IOException {
        Path data = polyData();
        Path json = tmp.resolve("demo.json");
        String[] r = Cli.run("demo", "--dry-run", "--profile", PROFILE, "--images", "0-0", "--threads", "2",
                "--json", json.toString(), "--data", data.toString());
        assertEquals("0", r[0], r[2]);
        Map<?, ?> doc = (Map<?, ?>) Json.parse(Files.readString(json), json.toString());
        assertEquals("resnet20-cifar10-poly-leveled", doc.get("parameters"));
        Map<?, ?> image = (Map<?, ?>) ((List<?>) doc.get("images")).getFirst();
        assertEquals(image.get("plaintextTop1"), image.get("encryptedTop1"));
        assertTrue(((Number) image.get("maxLogitError")).doubleValue() < 1e-9, image.toString());
        assertEquals(0L, image.get("bootstraps"));
        Map<?, ?> plan = (Map<?, ?>) doc.get("plan");
        assertEquals(39L, plan.get("inputLevel"));
        Map<?, ?> keys = (Map<?, ?>) plan.get("keys");
        assertEquals(38L, keys.get("relinearizationLevel"));
        assertEquals(0L, keys.get("bootstrapRotationKeys"));
        assertEquals(keys.get("galoisKeys"), keys.get("cnnRotationKeys"));
        assertEquals(keys.get("bytes"), doc.get("keyBytes"));
        assertTrue(((Number) keys.get("bytes")).longValue() < ((Number) keys.get("bytesUncut")).longValue(),
                "keys cut to their levels: " + keys);
    }

    /**
     * keygen plans with the model's activations (their signs choose the layers' forms and so the chain), and decrypt
     * decodes with a head built from the shapes alone: it must read the logits where the server's head leaves them.
     */
    @Test
    void theClientsKeysAndHeadMatchTheServersPlan() throws IOException {
        Path data = polyData();
        Parameters params = ClientServer.checkedProfile(PROFILE, "test");
        assertEquals("resnet20-cifar10-poly-leveled", params.name());
        EncryptedPlan client = ClientServer.plan(PROFILE, params, ClientServer.planWeights(PROFILE, data));
        EncryptedPlan server = ClientServer.plan(PROFILE, params, NetworkData.weights(data, true));
        assertEquals(server.keys.galoisLevels(), client.keys.galoisLevels());
        assertEquals(server.keys.relinearizationLevel(), client.keys.relinearizationLevel());
        assertEquals(server.plan.inputLevel(), client.plan.inputLevel());
        assertEquals(server.network.head().pool().inputLayout(),
                ClientServer.head(PROFILE, params).pool().inputLayout());
    }

    @Test
    void cheapBootstrapsAreScaledIntoRange(@TempDir Path tmp) throws IOException {
        Path data = polyData();
        Path costs = tmp.resolve("cheap-bootstraps.json");
        Files.writeString(costs, "{\"bootstrapMeasuredMs\": {\"32768\": 1}}");
        Path json = tmp.resolve("sim.json");
        String[] r = Cli.run("simulate", "--profile", PROFILE, "--images", "0-1", "--costs", costs.toString(),
                "--json", json.toString(), "--data", data.toString());
        assertEquals("0", r[0], r[2]);
        Map<?, ?> doc = (Map<?, ?>) Json.parse(Files.readString(json), json.toString());
        Map<?, ?> poly = (Map<?, ?>) doc.get("polyPlan");
        assertTrue(!((List<?>) poly.get("bootstrapAfter")).isEmpty(), "bootstraps planned: " + poly);
        double peak = ((Number) doc.get("bootstrapInputMax")).doubleValue();
        assertTrue(peak > 0 && peak <= 0.5 * (1 + 1e-5), "largest bootstrapped slot " + peak);
        assertEquals(1.0, ((Number) doc.get("agreement")).doubleValue());
        assertTrue(((Number) doc.get("maxLogitError")).doubleValue() < 1e-9);
        String[] demo = Cli.run("demo", "--dry-run", "--profile", PROFILE, "--costs", costs.toString(), "--data",
                data.toString());
        assertTrue(!"0".equals(demo[0]) && demo[2].contains("only a leveled plan runs encrypted"), demo[2]);
    }
}
