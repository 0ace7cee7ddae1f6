package dev.hyphenj.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code hyphen bootstrap-bench}: its bad inputs give one clear error and a non-zero exit before any key is made.
 * (A bootstrap itself needs N = 2^16 here, since insecure sets are refused: the ckks module's BootstrapperTest
 * checks bootstrapping on small sets; the figures come from running the command.)
 */
class BootstrapBenchCommandTest {
    @Test
    void helpNamesTheContractOptions() {
        String[] r = Cli.run("bootstrap-bench", "--help");
        assertEquals("0", r[0], r[2]);
        for (String option : new String[] {"--profile", "--threads", "--json", "--slots", "--key-file"}) {
            assertTrue(r[1].contains(option), option + " missing from: " + r[1]);
        }
    }

    @Test
    void badArgumentsAreRefusedClearly() {
        String[] r = Cli.run("bootstrap-bench", "--profile", "boot-n16", "--slots", "3000");
        assertTrue(!r[0].equals("0") && r[2].contains("--slots must be a power of two"), r[2]);
        r = Cli.run("bootstrap-bench", "--profile", "boot-n16", "--slots", "65536");
        assertTrue(!r[0].equals("0") && r[2].contains("--slots"), r[2]);
        r = Cli.run("bootstrap-bench", "--profile", "boot-n16", "--threads", "0");
        assertTrue(!r[0].equals("0") && r[2].contains("--threads must be at least 1"), r[2]);
        r = Cli.run("bootstrap-bench", "--profile", "no-such-profile");
        assertTrue(!r[0].equals("0") && r[2].contains("no-such-profile"), r[2]);
    }

    @Test
    void aProfileWithoutBootstrapSectionIsRefused() {
        String[] r = Cli.run("bootstrap-bench", "--profile", "bench-860");
        assertTrue(!r[0].equals("0") && r[2].contains("has no \"bootstrap\" section"), r[2]);
    }
}
