package dev.hyphenj.ntt;

import java.util.Locale;

/**
 * Chooses the kernel implementation once. The vector class is only loaded when it is used, so the scalar path
 * runs on a JVM without {@code --add-modules jdk.incubator.vector}.
 */
final class KernelProvider {
    static final String PROPERTY = "hyphen.kernels";
    static final Kernels SCALAR = new ScalarKernels();
    static final Kernels DEFAULT = choose();

    private KernelProvider() {}

    static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    static Kernels vector() {
        if (!vectorApiAvailable()) {
            throw new UnsupportedOperationException(
                    "the vector kernels need the Vector API: run java with --add-modules jdk.incubator.vector");
        }
        return VectorHolder.INSTANCE;
    }

    private static Kernels choose() {
        String wanted = System.getProperty(PROPERTY, "vector").toLowerCase(Locale.ROOT);
        switch (wanted) {
            case "scalar":
                return SCALAR;
            case "vector":
                if (vectorApiAvailable()) {
                    return VectorHolder.INSTANCE;
                }
                System.err.println("hyphen: jdk.incubator.vector is not available (add --add-modules "
                        + "jdk.incubator.vector); using the scalar kernels");
                return SCALAR;
            default:
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + wanted + ": expected vector or scalar");
        }
    }

    /** Lazy holder: the vector kernels' class (and the Vector API) load on first use only. */
    private static final class VectorHolder {
        static final Kernels INSTANCE = new VectorKernels();
    }
}
