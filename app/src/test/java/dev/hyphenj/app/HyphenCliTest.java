package dev.hyphenj.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HyphenCliTest {

    @Test
    void helpListsTheCommands() {
        String[] r = Cli.run("--help");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("Usage: hyphen"), r[1]);
        assertTrue(r[1].contains("ntt-demo"), r[1]);
        assertTrue(r[1].contains("bench"), r[1]);
    }

    @Test
    void versionNamesBuildAndKernels() {
        String[] r = Cli.run("--version");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("hyphen " + HyphenCli.version()), r[1]);
        assertTrue(!HyphenCli.version().equals("unknown") && !HyphenCli.version().contains("${"), HyphenCli.version());
        assertTrue(r[1].contains("kernels: vector(") || r[1].contains("kernels: scalar"), r[1]);
    }

    @Test
    void noCommandIsAUsageError() {
        String[] r = Cli.run();
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("Usage: hyphen"), r[2]);
    }

    @Test
    void benchRejectsQuickOptionsMixedWithJmhArguments() {
        String[] r = Cli.run("bench", "--quick", "--", "NttBench");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("not both"), r[2]);
    }

    @Test
    void nttDemoRunsOnASmallRing() {
        String[] r = Cli.run("ntt-demo", "--log-n", "10", "--limbs", "1,3", "--millis", "20");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("N = 2^10"), r[1]);
        assertTrue(r[1].contains("checked: vector and scalar outputs bit-identical"), r[1]);
        long rows = r[1].lines().filter(l -> l.matches("\\s+[13]\\s+\\d.*x")).count();
        assertEquals(2, rows, r[1]);
    }

    @Test
    void nttDemoValidatesItsOptions() {
        String[] r = Cli.run("ntt-demo", "--log-n", "30");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--log-n"), r[2]);
    }
    @Test
    void paramsShowsAProfileAndRefusesInsecureSets(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        String[] r = Cli.run("params", "--profile", "bench-860");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("dnum = 3"), r[1]);
        assertTrue(r[1].contains("128-bit"), r[1]);
        java.nio.file.Path test = dir.resolve("test.json");
        java.nio.file.Files.writeString(test, "{\"name\": \"tiny\", \"logN\": 10, \"levelBits\": [[30]], "
                + "\"specialBits\": [30], \"digitPrimes\": 1, \"logScale\": 20, \"insecure\": true}");
        r = Cli.run("params", "--profile", test.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("insecure test parameter set"), r[2]);
        r = Cli.run("params", "--profile", "no-such-profile");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("no profile named"), r[2]);
    }
}
