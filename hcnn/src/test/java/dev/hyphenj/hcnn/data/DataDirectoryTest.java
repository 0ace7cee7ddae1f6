package dev.hyphenj.hcnn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
    @Test
    void explicitThenEnvironmentThenSharedDataBesideTheRoot(@TempDir Path tmp) throws IOException {
        Path repo = Files.createDirectories(tmp.resolve("main"));
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        Files.createDirectories(repo.resolve("profiles"));
        Path work = Files.createDirectories(repo.resolve("hcnn/src"));
        Path shared = tmp.resolve("shared/data").toAbsolutePath();

        assertEquals(Path.of("/x"), DataDirectory.resolve(Path.of("/x"), "/env", "/home", work));
        assertEquals(Path.of("/env"), DataDirectory.resolve(null, "/env", "/home", work));
        assertEquals(Path.of("/shared/data"), DataDirectory.resolve(null, null, "/home", work));
        assertEquals(shared, DataDirectory.resolve(null, "", null, work));
        assertEquals(shared, DataDirectory.resolve(null, null, null, repo));
    }

    @Test
    void noRootIsAClearError(@TempDir Path tmp) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DataDirectory.resolve(null, null, null, tmp));
        assertTrue(e.getMessage().contains("HYPHEN_DATA") && e.getMessage().contains("pom.xml and profiles/"),
                e.getMessage());
    }
}
