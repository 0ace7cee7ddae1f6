package dev.hyphenj.ckks;

/**
 * The secret key's distribution: uniform ternary ({-1, 0, 1} with probabilities 1/4, 1/2, 1/4) or sparse ternary
 * with exactly {@code hammingWeight} non-zero coefficients, each +1 or -1.
 *
 * @param hammingWeight 0 for uniform ternary, else the number of non-zero coefficients
 */
public record SecretDistribution(int hammingWeight) {
    public static final SecretDistribution TERNARY = new SecretDistribution(0);

    public SecretDistribution {
        if (hammingWeight < 0) {
            throw new IllegalArgumentException("Hamming weight " + hammingWeight + " is negative");
        }
    }

    public static SecretDistribution sparse(int hammingWeight) {
        if (hammingWeight <= 0) {
            throw new IllegalArgumentException("a sparse secret needs a positive Hamming weight, got " + hammingWeight);
        }
        return new SecretDistribution(hammingWeight);
    }

    public boolean isSparse() {
        return hammingWeight > 0;
    }

    @Override
    public String toString() {
        return isSparse() ? "sparse ternary, h = " + hammingWeight : "uniform ternary";
    }
}
