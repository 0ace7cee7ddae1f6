package dev.hyphenj.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.bench.QuickBench.Measured;
import dev.hyphenj.bench.QuickBench.Regression;
import dev.hyphenj.bench.QuickBench.Score;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quick check's bookkeeping, without running JMH. */
class QuickBenchTest {
    private static Measured measured(String name, double vectorUs, double scalarUs) {
        QuickBench.Kernel k = QuickBench.KERNELS.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        return new Measured(k, new Score(vectorUs, 0, 0), new Score(scalarUs, 0, 0));
    }

    @Test
    void ratioDropsBeyondTheToleranceAreRegressions() {
        Map<String, Double> baseline = new LinkedHashMap<>();
        baseline.put("NttBench.forward", 5.0);
        baseline.put("NttBench.inverse", 5.0);
        baseline.put("KernelBench.automorphism", 2.0);
        Map<String, Measured> now = new LinkedHashMap<>();
        now.put("NttBench.forward", measured("NttBench.forward", 100, 380)); // 3.8: -24%, within
        now.put("NttBench.inverse", measured("NttBench.inverse", 100, 370)); // 3.7: -26%, regressed
        now.put("KernelBench.baseConvert", measured("KernelBench.baseConvert", 1, 9)); // not in the baseline
        List<Regression> r = QuickBench.compare(baseline, now, 0.25);
        assertEquals(2, r.size(), r.toString());
        assertEquals("NttBench.inverse", r.get(0).kernel());
        assertEquals(3.7, r.get(0).ratio(), 1e-12);
        assertNull(r.get(0).problem());
        assertEquals("KernelBench.automorphism", r.get(1).kernel());
        assertTrue(r.get(1).problem().contains("not measured"), r.get(1).problem());
    }

    @Test
    void aReMeasurementWithinTheLimitClearsTheKernel() {
        List<Regression> first = List.of(new Regression("NttBench.forward", 5.0, 3.0, Double.NaN, null),
                new Regression("NttBench.inverse", 5.0, 3.1, Double.NaN, null),
                new Regression("KernelBench.automorphism", 2.0, Double.NaN, Double.NaN, "not measured"));
        Map<String, Measured> again = new LinkedHashMap<>();
        again.put("NttBench.forward", measured("NttBench.forward", 100, 390)); // 3.9: within, noise
        again.put("NttBench.inverse", measured("NttBench.inverse", 100, 360)); // 3.6: still below
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Regression> r = new QuickBench(new PrintStream(log, true, StandardCharsets.UTF_8), false)
                .recheck(first, again, 0.25);
        assertEquals(List.of("NttBench.inverse", "KernelBench.automorphism"),
                r.stream().map(Regression::kernel).toList());
        assertEquals(3.1, r.get(0).ratio(), 1e-12);
        assertEquals(3.6, r.get(0).remeasured(), 1e-12);
        String said = log.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("NttBench.forward: re-measured ratio 3.90"), said);
    }

    @Test
    void regressionLineNamesKernelRatiosAndLimit() {
        String line = QuickBench.regressionLine(new Regression("NttBench.forward", 5.0, 3.0, 3.2, null), 0.25);
        assertEquals("REGRESSION NttBench.forward: scalar/vector ratio 3.00 then 3.20, baseline 5.00 (-36%, limit -25%)",
                line);
    }

    @Test
    void baselineNeedsPositiveRatios() {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("kernels", Map.of("NttBench.forward", Map.of("ratio", 0.0)));
        assertThrows(IllegalArgumentException.class, () -> QuickBench.baselineRatios(record));
        record.put("kernels", Map.of("NttBench.forward", Map.of("ratio", 4.5)));
        assertEquals(Map.of("NttBench.forward", 4.5), QuickBench.baselineRatios(record));
    }

    private static Path baseline(Path dir, String name, String vendor, String family, String model) throws IOException {
        return Files.writeString(dir.resolve(name), "{\"machine\": {\"cpuVendor\": \"" + vendor
                + "\", \"cpuFamily\": \"" + family + "\", \"cpuModelNumber\": \"" + model
                + "\"}, \"kernels\": {\"NttBench.forward\": {\"ratio\": 10.0}}}");
    }

    private static Map<String, Object> machine(String vendor, String family, String model) {
        return Map.of("cpuVendor", vendor, "cpuFamily", family, "cpuModelNumber", model);
    }

    /** The given baseline where it matches the CPU, else one beside it that does, else the given one. */
    @Test
    void theBaselineOfThisKindOfCpuIsChosen(@TempDir Path dir) throws IOException {
        Path zen4 = baseline(dir, "quick.json", "AuthenticAMD", "25", "17");
        Path intel = baseline(dir, "quick-intel.json", "GenuineIntel", "6", "167");
        Files.writeString(dir.resolve("notes.json"), "{\"not\": \"a baseline\"}");
        assertEquals(zen4, QuickBench.baselineFor(zen4, machine("AuthenticAMD", "25", "17")));
        assertEquals(intel, QuickBench.baselineFor(zen4, machine("GenuineIntel", "6", "167")));
        assertEquals(zen4, QuickBench.baselineFor(zen4, machine("AuthenticAMD", "26", "2")), "none: the given one");
        assertEquals(zen4, QuickBench.baselineFor(intel, machine("AuthenticAMD", "25", "17")));
    }

    @Test
    void onlySelectsKnownKernels() {
        assertEquals(2, QuickBench.select("NttBench.forward, KernelBench.baseConvert").size());
        assertThrows(IllegalArgumentException.class, () -> QuickBench.select("NttBench.sideways"));
    }
}
