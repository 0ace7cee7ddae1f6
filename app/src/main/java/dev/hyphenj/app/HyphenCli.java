package dev.hyphenj.app;

import dev.hyphenj.ntt.Kernels;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code hyphen} command: encrypted CNN inference with RNS-CKKS on CPUs. Run it through the {@code ./hyphen}
 * launcher, which builds the project when needed, picks a JDK 25 and sets the system property {@code hyphen.home}
 * to the repository root.
 */
@Command(
        name = "hyphen",
        mixinStandardHelpOptions = true,
        versionProvider = HyphenCli.Version.class,
        subcommands = {NttDemoCommand.class, BenchCommand.class, ParamsCommand.class, SimulateCommand.class,
                PlanCommand.class, BootstrapBenchCommand.class, DemoCommand.class, E2eBenchCommand.class,
                KeygenCommand.class, EncryptCommand.class, InferCommand.class, DecryptCommand.class,
                CommandLine.HelpCommand.class},
        description = "HyPHEN-J: encrypted CNN inference with RNS-CKKS on CPUs (a Java reading of HyPHEN).",
        footer = {
            "",
            "JVM options go in HYPHEN_JAVA_OPTS, for example:",
            "  HYPHEN_JAVA_OPTS=-Dhyphen.kernels=scalar ./hyphen --version",
            "Encrypted inference in one process: ./hyphen demo --images 0-1; over N images with a JSON record:"
                    + " e2e-bench; client and server: keygen, encrypt, infer, decrypt."
        })
public final class HyphenCli implements Callable<Integer> {
    /** System property naming the repository root; set by the launcher. */
    public static final String HOME_PROPERTY = "hyphen.home";

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new HyphenCli());
        cl.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof IOException || e instanceof UncheckedIOException
                    || e instanceof UnsupportedOperationException) {
                err.println("hyphen: " + e.getMessage());
            } else {
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cl;
    }

    /** Without a subcommand: the usage, on stderr, and exit status 2. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        spec.commandLine().usage(err);
        err.println();
        err.println("hyphen: name a command, for example: hyphen ntt-demo");
        err.flush();
        return 2;
    }

    /** The repository root: {@code -Dhyphen.home}, else the working directory. */
    static Path home() {
        String h = System.getProperty(HOME_PROPERTY);
        return (h == null || h.isBlank() ? Path.of("") : Path.of(h)).toAbsolutePath().normalize();
    }

    /** This build's version, from the filtered resource {@code version.properties}. */
    static String version() {
        try (InputStream in = HyphenCli.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Name of the kernels an implementation selector returns, or why it is unavailable. */
    static String kernelsName(java.util.function.Supplier<Kernels> kernels) {
        try {
            return kernels.get().name();
        } catch (RuntimeException | LinkageError e) {
            Throwable cause = e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
            return "unavailable (" + cause.getMessage() + ")";
        }
    }

    /** {@code --version}: the build, the JVM and the kernels in use. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            Path home = home();
            return new String[] {
                "hyphen " + version() + " (HyPHEN-J)",
                "Java " + Runtime.version() + ", " + System.getProperty("java.vendor") + ", "
                        + System.getProperty("java.home"),
                "kernels: " + kernelsName(Kernels::get) + " (default; -Dhyphen.kernels=vector|scalar)",
                "home: " + home + (Files.isRegularFile(home.resolve("pom.xml")) ? "" : " (no pom.xml here)")
            };
        }
    }
}
