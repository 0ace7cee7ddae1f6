package dev.hyphenj.hcnn;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** hcnn reaches ckks (and core-ntt through it), and nothing above it. */
class ModuleBoundaryTest {
    @Test
    void seesCkksAndCoreNtt() {
        assertDoesNotThrow(() -> Class.forName("dev.hyphenj.ckks.io.Json"));
        assertDoesNotThrow(() -> Class.forName("dev.hyphenj.ntt.Kernels"));
    }

    @Test
    void doesNotSeeTheApp() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.hyphenj.app.HyphenCli"));
    }
}
