package dev.hyphenj.ckks;

/** Small insecure parameter sets for tests (N = 2^12): never for real data. */
final class TestParameters {
    private TestParameters() {}

    /** q0 of two primes, four one-prime levels at scale 2^30, one two-prime level; P of 3 primes, digits of 2. */
    static final Parameters SCALE_30 = Parameters.builder("test-2^30").logN(12)
            .levelBits(new int[] {30, 30}, new int[] {30}, new int[] {30}, new int[] {30}, new int[] {30},
                    new int[] {30, 30})
            .specialBits(30, 30, 30).digitPrimes(2).logScale(30).insecure().build();

    /** q0 of two primes and three two-prime levels at scale about 2^60. */
    static final Parameters SCALE_60 = Parameters.builder("test-2^60").logN(12)
            .levelBits(new int[] {30, 30}, new int[] {30, 30}, new int[] {30, 30}, new int[] {30, 30})
            .specialBits(30, 30, 30).digitPrimes(2).logScale(60).insecure().build();
}
