package dev.hyphenj.hcnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.Parameters;
import org.junit.jupiter.api.Test;

/** The hcnn module reaches ckks (and core-ntt through it), and nothing above it. */
class HcnnModuleTest {
    @Test
    void dependsOnCkks() {
        Parameters p = Parameters.builder("hcnn-test").logN(10).levelBits(new int[] {30}).specialBits(30)
                .digitPrimes(1).logScale(20).insecure().build();
        assertEquals(10, p.logN());
        assertTrue(HcnnModule.describe().startsWith("hcnn "), HcnnModule.describe());
        assertEquals("ckks", HcnnModule.DEPENDS_ON);
    }

    @Test
    void doesNotSeeTheApp() {
        // One-way dependencies: the CLI module must not be on hcnn's class path.
        assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.hyphenj.app.HyphenCli"));
    }
}
