package dev.hyphenj.app;

import dev.hyphenj.hcnn.ckks.PlaintextCache;
import picocli.CommandLine.Option;

/**
 * {@code --cache-mib}: the memory for encoded weight plaintexts kept between uses ({@link PlaintextCache}), an option
 * of every command that evaluates the encrypted network ({@code demo}, {@code e2e-bench}, {@code infer}).
 */
final class CacheOption {
    @Option(names = "--cache-mib", paramLabel = "MIB", defaultValue = "0",
            description = "memory for encoded weight plaintexts kept between uses (default: ${DEFAULT-VALUE}: "
                    + "encode each on use)")
    long mib;

    /** The budget in bytes; throws (one line) on a negative value. */
    long bytes() {
        if (mib < 0) {
            throw new IllegalArgumentException("--cache-mib must not be negative, got " + mib);
        }
        return mib << 20;
    }
}
