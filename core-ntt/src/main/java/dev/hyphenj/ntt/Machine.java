package dev.hyphenj.ntt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import jdk.incubator.vector.IntVector;

/** The machine a benchmark ran on, for its JSON record ({@code hyphen bench --quick}, {@code hyphen e2e-bench}). */
public final class Machine {
    private Machine() {}

    /** CPU model and family (from /proc/cpuinfo where there is one), cores, JDK, vector width, kernels. */
    public static Map<String, Object> describe() {
        Map<String, String> cpu = new LinkedHashMap<>();
        Set<String> flags = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    if (!cpu.isEmpty()) {
                        break; // first processor only
                    }
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                cpu.putIfAbsent(key, value);
                if (key.equals("flags")) {
                    for (String f : value.split("\\s+")) {
                        if (f.equals("avx2") || f.equals("avx512f") || f.equals("avx512ifma") || f.equals("asimd")
                                || f.equals("sve")) {
                            flags.add(f);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc/cpuinfo: leave the CPU fields unknown
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpuModel", cpu.getOrDefault("model name", cpu.getOrDefault("CPU part", "unknown")));
        m.put("cpuVendor", cpu.getOrDefault("vendor_id", cpu.getOrDefault("CPU implementer", "unknown")));
        m.put("cpuFamily", cpu.getOrDefault("cpu family", cpu.getOrDefault("CPU architecture", "unknown")));
        m.put("cpuModelNumber", cpu.getOrDefault("model", "unknown"));
        m.put("cpuFlags", String.join(" ", flags));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("jdk", Runtime.version().toString());
        m.put("jdkVendor", System.getProperty("java.vendor"));
        m.put("vectorBits", IntVector.SPECIES_PREFERRED.vectorBitSize());
        m.put("vectorKernels", Kernels.vector().name());
        return m;
    }
}
