package dev.hyphenj.ntt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** CRT lifting to centered integers against BigInteger, including the values around +-Q/2. */
class CrtReconstructorTest {
    @Test
    void liftsToCenteredRepresentatives() {
        int n = 64;
        RnsBasis basis = RnsBasis.of(n, Primes.below(30, n, 5));
        BigInteger q = BigInteger.ONE;
        for (long p : basis.primes()) {
            q = q.multiply(BigInteger.valueOf(p));
        }
        BigInteger half = q.shiftRight(1);
        SplittableRandom rnd = new SplittableRandom(9);
        BigInteger[] values = new BigInteger[n];
        for (int i = 0; i < n; i++) {
            values[i] = new BigInteger(q.bitLength() - 1, new java.util.Random(rnd.nextLong()))
                    .subtract(half.shiftRight(1));
        }
        values[0] = BigInteger.ZERO;
        values[1] = BigInteger.ONE.negate();
        values[2] = q.subtract(BigInteger.ONE).shiftRight(1);          // (Q-1)/2: the largest positive
        values[3] = values[2].negate();                                 // -(Q-1)/2: the most negative
        values[4] = BigInteger.valueOf(123456789);
        CrtReconstructor crt = new CrtReconstructor(basis);
        try (RnsPoly p = RnsPoly.fromCoefficients(basis, values)) {
            BigInteger[] exact = crt.toCenteredBigIntegers(p);
            double[] approx = new double[n];
            crt.toCenteredDoubles(p, approx);
            for (int i = 0; i < n; i++) {
                assertEquals(values[i], exact[i], "coefficient " + i);
                double want = values[i].doubleValue();
                assertEquals(want, approx[i], Math.abs(want) * 0x1p-50 + 1e-9, "coefficient " + i + " as double");
            }
        }
    }
}
