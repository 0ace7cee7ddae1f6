package dev.hyphenj.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hyphen bench}: the JMH benchmarks of {@code bench/target/benchmarks.jar}, run in a child JVM. With
 * {@code --quick} (the default), the quick perf-regression subset ({@code dev.hyphenj.bench.QuickBench}); after
 * {@code --}, any JMH arguments, passed to JMH's own main.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the JMH benchmarks of bench/target/benchmarks.jar in a child JVM.",
            "",
            "Without JMH arguments: the quick subset (forward and inverse NTT, automorphism, multiply-accumulate,"
                    + " base conversion; vector and scalar; under 3 minutes), printed as a table. --check compares"
                    + " each kernel's scalar/vector time ratio with a baseline and fails when it dropped by more than"
                    + " 25%% in two measurements.",
            "",
            "With JMH arguments after --, runs JMH itself, for example:",
            "  hyphen bench -- NttBench -p limbs=1 -wi 3 -i 5 -prof gc",
            "",
        },
        sortOptions = false)
final class BenchCommand implements Callable<Integer> {
    static final String BENCH_JAR = "bench/target/benchmarks.jar";
    static final String DEFAULT_BASELINE = "bench/baseline/quick.json";
    static final String QUICK_MAIN = "dev.hyphenj.bench.QuickBench";

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "Run the quick subset (the default when no JMH arguments are given).")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the quick results as JSON to FILE.")
    Path json;

    @Option(names = "--check", paramLabel = "BASELINE", arity = "0..1", fallbackValue = "",
            description = "Compare the scalar/vector ratios with BASELINE (default: " + DEFAULT_BASELINE
                    + " under the repository root); exit 1 on a regression.")
    String check;

    @Parameters(paramLabel = "JMH-ARGS", arity = "0..*",
            description = "Arguments for JMH's own main; put them after --.")
    List<String> jmhArgs = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path home = HyphenCli.home();
        Path jar = home.resolve(BENCH_JAR);
        boolean quickOptions = quick || json != null || check != null;
        if (!jmhArgs.isEmpty() && quickOptions) {
            throw new ParameterException(spec.commandLine(),
                    "either the quick subset (--quick, --json, --check) or JMH arguments after --, not both");
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " not found: build it with mvn -q -B -DskipTests package"
                    + " (./hyphen does so), or set -D" + HyphenCli.HOME_PROPERTY + " to the repository root");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        // JMH 1.37 uses sun.misc.Unsafe: without this JDK 24+ prints a four-line warning in every JVM (forks inherit it).
        cmd.add("--sun-misc-unsafe-memory-access=allow");
        if (jmhArgs.isEmpty()) {
            cmd.add("-cp");
            cmd.add(jar.toString());
            cmd.add(QUICK_MAIN);
            if (json != null) {
                cmd.add("--json");
                cmd.add(json.toAbsolutePath().toString());
            }
            if (check != null) {
                Path baseline = check.isEmpty() ? home.resolve(DEFAULT_BASELINE) : Path.of(check).toAbsolutePath();
                if (!Files.isRegularFile(baseline)) {
                    throw new IllegalArgumentException("baseline " + baseline + " not found");
                }
                cmd.add("--check");
                cmd.add(baseline.toString());
            }
        } else {
            cmd.add("-jar");
            cmd.add(jar.toString());
            cmd.addAll(jmhArgs);
        }
        Process child = new ProcessBuilder(cmd).inheritIO().start();
        Thread stopChild = new Thread(child::destroy, "hyphen-bench-stop");
        Runtime.getRuntime().addShutdownHook(stopChild);
        try {
            return child.waitFor();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopChild);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
    }
}
