package dev.hyphenj.hcnn.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the data directory: an explicit directory (a {@code --data} option), else the {@code HYPHEN_DATA}
 * environment variable, else {@code ../shared/data} relative to the repository root. The root is the directory named
 * by the system property {@code hyphen.home}, else the nearest of the working directory and its parents that holds
 * {@code pom.xml} and {@code profiles/}.
 */
public final class DataDirectory {
    /** The environment variable naming the data directory. */
    public static final String ENV = "HYPHEN_DATA";
    /** The system property naming the repository root. */
    public static final String HOME_PROPERTY = "hyphen.home";

    private DataDirectory() {}

    /** The data directory for this process; {@code explicit} may be null. It need not exist. */
    public static Path resolve(Path explicit) {
        return resolve(explicit, System.getenv(ENV), System.getProperty(HOME_PROPERTY), Path.of(""));
    }

    /** The data directory from explicit values (for tests): each of the first three may be null. */
    static Path resolve(Path explicit, String env, String home, Path workingDirectory) {
        if (explicit != null) {
            return explicit;
        }
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return repositoryRoot(home, workingDirectory).resolve("..").resolve("shared").resolve("data").normalize();
    }

    /** The repository root: {@code home} if given, else found by walking up from the working directory. */
    static Path repositoryRoot(String home, Path workingDirectory) {
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath();
        }
        for (Path dir = workingDirectory.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("profiles"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the data directory: no --data, no " + ENV + ", no -D"
                + HOME_PROPERTY + ", and neither " + workingDirectory.toAbsolutePath()
                + " nor a parent holds pom.xml and profiles/");
    }
}
