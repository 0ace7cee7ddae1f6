package dev.hyphenj.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hyphenj.ckks.io.Json;
import dev.hyphenj.hcnn.data.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hyphen simulate}: its JSON on two images, and its errors. */
class SimulateCommandTest {

    private static Path dataDirectory() {
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
    void writesTheNamedKeysForTwoImages(@TempDir Path tmp) throws IOException {
        Path data = dataDirectory();
        Path json = tmp.resolve("out/sim.json");
        String[] r = Cli.run("simulate", "--profile", "resnet20-cifar10", "--images", "0,3", "--json", json.toString(),
                "--data", data.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("agreement with the plaintext top-1 100.00% (2/2)"), r[1]);
        assertTrue(r[2].contains("simulate: 2 images"), r[2]);
        Map<?, ?> doc = (Map<?, ?>) Json.parse(Files.readString(json), json.toString());
        assertEquals("appRelu", doc.get("activation"));
        assertEquals(1.0, ((Number) doc.get("agreement")).doubleValue());
        assertEquals(1.0, ((Number) doc.get("accuracy")).doubleValue(), "images 0 and 3 are classified right");
        long rotations = ((Number) doc.get("rotations")).longValue();
        Map<?, ?> total = (Map<?, ?>) doc.get("total");
        assertEquals(rotations, ((Number) total.get("ordinaryRotations")).longValue()
                + ((Number) total.get("hoistedRotations")).longValue());
        assertTrue(rotations > 0);
        assertEquals(2 * rotations, ((Number) ((Map<?, ?>) doc.get("allImages")).get("rotations")).longValue());
        List<?> layers = (List<?>) doc.get("layers");
        assertEquals(20, layers.size(), "19 convolutions with their activations, and the head");
        long sum = 0;
        for (Object o : layers) {
            Map<?, ?> layer = (Map<?, ?>) o;
            sum += ((Number) layer.get("rotations")).longValue();
            assertTrue(((Number) layer.get("msPerImage")).doubleValue() >= 0);
            assertEquals(0L, ((Number) ((Map<?, ?>) layer.get("activationCounts")).get("rotations")).longValue());
            long relin = ((Number) ((Map<?, ?>) layer.get("activationCounts")).get("relinearizations")).longValue();
            assertEquals(!layer.get("name").equals("head"), relin > 0, "AppReLU relinearizes: " + layer);
        }
        assertEquals(rotations, sum);
        Path planJson = tmp.resolve("plan.json");
        String[] p = Cli.run("plan", "--profile", "resnet20-cifar10", "--json", planJson.toString());
        assertEquals("0", p[0], p[2]);
        Map<?, ?> plan = (Map<?, ?>) Json.parse(Files.readString(planJson), planJson.toString());
        long head = ((Number) ((Map<?, ?>) layers.getLast()).get("rotations")).longValue();
        assertEquals(((Number) doc.get("rotationsExcludingHead")).longValue(), rotations - head);
        assertEquals(((Number) ((Map<?, ?>) plan.get("total")).get("rotations")).longValue(), rotations,
                "the planned network's rotations (its head included)");
        assertEquals(true, doc.get("countsIdenticalAcrossImages"));
        assertTrue(doc.get("timing") instanceof Map<?, ?>);
        assertEquals(List.of(), doc.get("disagreements"));
    }

    @Test
    void badArgumentsGiveOneLineErrors(@TempDir Path tmp) throws IOException {
        for (String[] c : new String[][] {
            {"5-2", "ends before it starts"}, {"abc", "is not an index"}, {"0-9,", "is not an index"},
            {"", "empty image selection"}, {"-3", "is not an index"}}) {
            String[] r = Cli.run("simulate", "--profile", "resnet20-cifar10", "--images", c[0]);
            assertEquals("1", r[0], c[0] + ": " + r[2]);
            assertTrue(r[2].startsWith("hyphen: ") && r[2].contains(c[1]), c[0] + ": " + r[2]);
        }
        String[] r = Cli.run("simulate", "--profile", "resnet20-cifar10", "--data", tmp.resolve("none").toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("data directory " + tmp.resolve("none") + " does not exist"), r[2]);
        r = Cli.run("simulate", "--profile", "resnet20-cifar10", "--data", tmp.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("has no resnet20/manifest.json"), r[2]);
        Path insecure = tmp.resolve("tiny.json");
        Files.writeString(insecure, "{\"name\": \"tiny\", \"logN\": 10, \"levelBits\": [[30]], \"specialBits\": [30], "
                + "\"digitPrimes\": 1, \"logScale\": 20, \"insecure\": true, \"network\": {\"model\": \"resnet20\", "
                + "\"activation\": \"appRelu\"}}");
        r = Cli.run("simulate", "--profile", insecure.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("insecure test parameter set"), r[2]);
        r = Cli.run("simulate", "--profile", "bench-860");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("simulate runs the model resnet20"), r[2]);
        r = Cli.run("simulate");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--profile"), r[2]);
    }

    @Test
    void outOfRangeImagesAreNamed() {
        Path data = dataDirectory();
        String[] r = Cli.run("simulate", "--profile", "resnet20-cifar10", "--images", "990-1000", "--data",
                data.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("image 1000 does not exist (the data directory has images 0-999)"), r[2]);
    }

    @Test
    void imageRangesParse() {
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20}, ImageRange.parse("0-9,20", 1000));
        assertArrayEquals(new int[] {5}, ImageRange.parse("5", 1000));
        assertArrayEquals(new int[] {3, 1, 2}, ImageRange.parse(" 3 , 1-3 ", 10));
        assertEquals(1000, ImageRange.parse("0-999", 1000).length);
        assertThrows(IllegalArgumentException.class, () -> ImageRange.parse("1-2-3", 10));
        assertThrows(IllegalArgumentException.class, () -> ImageRange.parse("10", 10));
        assertThrows(IllegalArgumentException.class, () -> ImageRange.parse("99999999999", 10));
    }

    @Test
    void helpListsSimulate() {
        String[] r = Cli.run("--help");
        assertTrue(r[1].contains("simulate"), r[1]);
    }
}
