package dev.hyphenj.hcnn;

/**
 * Placeholder of the {@code hcnn} module: its name and its place in the one-way dependency chain
 * {@code core-ntt -> ckks -> hcnn -> app}. Layouts, layers, the planner and the models come with later issues.
 */
public final class HcnnModule {
    /** This module's Maven artifact id. */
    public static final String NAME = "hcnn";
    /** The one module this one depends on. */
    public static final String DEPENDS_ON = "ckks";

    private HcnnModule() {}

    /** One line naming the module and the one below it. */
    public static String describe() {
        return NAME + " (homomorphic CNN layers, not yet implemented) on " + DEPENDS_ON;
    }
}
