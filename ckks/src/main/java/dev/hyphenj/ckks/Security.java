package dev.hyphenj.ckks;

/**
 * The security claim of a parameter set and where its bound comes from. No lattice estimator runs here: the bounds
 * are the published ones, cited.
 *
 * @param bits       claimed classical security in bits, or 0 for an insecure test set
 * @param maxLogQP   the largest log2(QP) the cited source allows for this ring degree and secret distribution
 * @param source     the citation
 */
public record Security(int bits, double maxLogQP, String source) {
    /** HE Standard (Albrecht et al., ia.cr/2019/939), 128-bit classical, uniform ternary secret: max log2(QP) for
     * log2 N = 10..15; 2^16 and 2^17 as extended by OpenFHE's stdlatticeparms table. */
    private static final int[] TERNARY_128 = {27, 54, 109, 218, 438, 881, 1747, 3523};

    /** The bound for a sparse ternary secret of Hamming weight 192 at N = 2^16: HEaaN's FGb set (log2 QP 1555,
     * 128-bit); Lattigo's h = 192 bootstrapping sets stay within 1546-1553. */
    private static final double SPARSE_192_LOG_N16 = 1555;

    public boolean insecure() {
        return bits == 0;
    }

    /** The 128-bit bound for the given ring degree and secret, or throws if no published bound covers it. */
    public static Security bound128(int logN, SecretDistribution secret) {
        if (secret.isSparse()) {
            if (secret.hammingWeight() == 192 && logN == 16) {
                return new Security(128, SPARSE_192_LOG_N16,
                        "sparse ternary h=192, N=2^16: HEaaN FGb (log2 QP 1555); Lattigo h=192 sets use 1546-1553");
            }
            throw new IllegalArgumentException("no published 128-bit bound is known here for a sparse secret of "
                    + "Hamming weight " + secret.hammingWeight() + " at N = 2^" + logN + "; use h = 192 at N = 2^16, "
                    + "a uniform ternary secret, or mark the set insecure");
        }
        if (logN < 10 || logN > 17) {
            throw new IllegalArgumentException("no published 128-bit bound for N = 2^" + logN + " (tables cover 2^10..2^17)");
        }
        return new Security(128, TERNARY_128[logN - 10], "HE Standard (ia.cr/2019/939) uniform ternary, 128-bit "
                + "classical" + (logN >= 16 ? "; N=2^16, 2^17 from OpenFHE's extension of the table" : ""));
    }

    /** The claim for a set used only in tests: no security at all. */
    public static Security insecureTestSet() {
        return new Security(0, Double.POSITIVE_INFINITY, "INSECURE: small test parameters, never for real data");
    }

    @Override
    public String toString() {
        return insecure() ? source : bits + "-bit (log2 QP <= " + maxLogQP + ": " + source + ")";
    }
}
