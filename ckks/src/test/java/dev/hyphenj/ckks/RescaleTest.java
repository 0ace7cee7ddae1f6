package dev.hyphenj.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hyphenj.ntt.RnsBasis;
import dev.hyphenj.ntt.RnsPoly;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Evaluator#rescale} on random polynomials against an independent BigInteger reference: the coefficients x,
 * CRT-reconstructed over all limbs of the level, become exactly round(x / d), d the product of the level's primes
 * (one or two), modulo every remaining prime. d is odd, so there are no ties, and any representative of x modulo Q
 * gives the same residues. Edge coefficients sit at and next to the rounding boundaries k d +- (d - 1) / 2 and at
 * 0, +-1 and +-Q/2. (Dividing by two primes one after the other, with centered remainders, gives the same exact
 * quotient, and passed this test too before two-prime levels were rescaled in one pass.)
 */
class RescaleTest {
    /** Primes of several sizes, so that qa < qb, qa > qb and remaining primes above and below both occur. */
    private static Parameters params(int logN) {
        return Parameters.builder("rescale-test-" + logN).logN(logN)
                .levelBits(new int[] {30}, new int[] {30, 30}, new int[] {29}, new int[] {30, 27}, new int[] {26, 30},
                        new int[] {30})
                .specialBits(30).digitPrimes(1).logScale(30).insecure().build();
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 11, 12})
    void everyLevelDividesByItsPrimesWithCorrectRounding(int logN) {
        Parameters params = params(logN);
        Evaluator evaluator = new Evaluator(params, null);
        SplittableRandom rnd = new SplittableRandom(logN);
        int twoPrimeLevels = 0;
        for (int level = params.maxLevel(); level >= 1; level--) {
            RnsBasis from = params.basisQ(level), to = params.basisQ(level - 1);
            BigInteger q = product(from, from.size()), d = q.divide(product(from, to.size()));
            BigInteger[] x0 = coefficients(rnd, params.n(), q, d), x1 = coefficients(rnd, params.n(), q, d);
            try (Ciphertext ct = new Ciphertext(ntt(from, x0), ntt(from, x1), level, 1e9, params.logSlots());
                    Ciphertext r = evaluator.rescale(ct)) {
                assertEquals(level - 1, r.level());
                assertEquals(1e9 / d.doubleValue(), r.scale(), 1e9 / d.doubleValue() * 1e-15);
                String what = "N = 2^" + logN + ", level " + level + " (" + (from.size() - to.size()) + " primes)";
                assertRounded(what + ", c0", x0, d, r.c0());
                assertRounded(what + ", c1", x1, d, r.c1());
            }
            twoPrimeLevels += from.size() - to.size() == 2 ? 1 : 0;
        }
        assertEquals(3, twoPrimeLevels);
    }

    /** Random coefficients in [0, q), the first ones at the edges: around k d + (d - 1) / 2, at 0, -1, q/2. */
    private static BigInteger[] coefficients(SplittableRandom rnd, int n, BigInteger q, BigInteger d) {
        BigInteger h = d.shiftRight(1); // (d - 1) / 2, d odd
        List<BigInteger> edges = new ArrayList<>();
        for (BigInteger k : new BigInteger[] {BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO.negate(),
                random(rnd, q).divide(d), random(rnd, q).divide(d)}) {
            BigInteger base = k.multiply(d);
            for (BigInteger c : new BigInteger[] {base.add(h), base.add(h).add(BigInteger.ONE),
                    base.add(h).subtract(BigInteger.ONE), base.subtract(h), base.subtract(h).subtract(BigInteger.ONE),
                    base, base.subtract(BigInteger.ONE), base.add(BigInteger.ONE)}) {
                edges.add(c);
            }
        }
        edges.add(q.shiftRight(1));
        edges.add(q.shiftRight(1).add(BigInteger.ONE));
        BigInteger[] x = new BigInteger[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i < edges.size() ? edges.get(i) : random(rnd, q)).mod(q);
        }
        return x;
    }

    private static BigInteger random(SplittableRandom rnd, BigInteger bound) {
        BigInteger r = BigInteger.ZERO;
        for (int bits = 0; bits < bound.bitLength() + 64; bits += 62) {
            r = r.shiftLeft(62).add(BigInteger.valueOf(rnd.nextLong(1L << 62)));
        }
        return r.mod(bound);
    }

    /** The polynomial with coefficients x over {@code basis}, in the NTT domain as ciphertexts are. */
    private static RnsPoly ntt(RnsBasis basis, BigInteger[] x) {
        RnsPoly p = RnsPoly.fromCoefficients(basis, x);
        p.forwardNtt();
        return p;
    }

    /** r (NTT domain) holds round(x / d) modulo each of its primes: checked limb by limb after an inverse NTT. */
    private static void assertRounded(String what, BigInteger[] x, BigInteger d, RnsPoly r) {
        try (RnsPoly c = RnsPoly.copyOf(r)) {
            c.inverseNtt();
            for (int l = 0; l < c.limbCount(); l++) {
                BigInteger q = BigInteger.valueOf(c.basis().prime(l));
                int[] want = new int[x.length];
                for (int i = 0; i < x.length; i++) {
                    // round(x / d) = floor((2x + d) / 2d) for x >= 0
                    want[i] = x[i].shiftLeft(1).add(d).divide(d.shiftLeft(1)).mod(q).intValueExact();
                }
                assertArrayEquals(want, c.limbToArray(l), what + ", limb " + l);
            }
        }
    }

    private static BigInteger product(RnsBasis basis, int count) {
        BigInteger p = BigInteger.ONE;
        for (int i = 0; i < count; i++) {
            p = p.multiply(BigInteger.valueOf(basis.prime(i)));
        }
        return p;
    }
}
