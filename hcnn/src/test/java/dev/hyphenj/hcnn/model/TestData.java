package dev.hyphenj.hcnn.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hyphenj.hcnn.data.DataDirectory;
import java.nio.file.Files;
import java.nio.file.Path;

/** The data directory for tests that need the real weights and images; they are skipped where it is absent. */
final class TestData {
    private TestData() {}

    static Path directory() {
        Path dir;
        try {
            dir = DataDirectory.resolve(null);
        } catch (IllegalStateException e) {
            dir = null;
        }
        boolean present = dir != null && Files.isRegularFile(dir.resolve("resnet20/manifest.json"))
                && Files.isRegularFile(dir.resolve("cifar10/test_images_first1000_nchw_uint8.npy"));
        assumeTrue(present, "skipped: no data directory with resnet20/ and cifar10/ (looked at " + dir
                + "; set HYPHEN_DATA or put the data in ../shared/data)");
        return dir;
    }

    /** The data directory, also holding resnet20-poly/ (the polynomial-activation network); else skipped. */
    static Path polyDirectory() {
        Path dir = directory();
        assumeTrue(Files.isRegularFile(dir.resolve("resnet20-poly/resnet20_poly.npz")),
                "skipped: no resnet20-poly/resnet20_poly.npz in " + dir);
        return dir;
    }
}
