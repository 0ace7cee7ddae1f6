package dev.hyphenj.ntt;

import static dev.hyphenj.ntt.TestData.big;
import static dev.hyphenj.ntt.TestData.shoupReference;
import static dev.hyphenj.ntt.TestData.unsigned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** ModArith against BigInteger, on edge and random operands, for small primes and primes near 2^30. */
class ModArithTest {
    private static final BigInteger TWO_TO_32 = BigInteger.ONE.shiftLeft(32);

    /**
     * Primes from tiny to just below 2^30 (1073741789 is the largest prime below 2^30), and 536903681 just above 2^29,
     * where Barrett's quotient estimate is most often two short.
     */
    static LongStream primes() {
        return LongStream.of(3, 17, 97, 12289, 786433, 132120577, 536903681, 1073479681, 1073741789);
    }

    /** The primes and odd composites, up to the largest allowed modulus 2^30 - 1: Shoup, Barrett, Montgomery need no primality. */
    static LongStream oddModuli() {
        return LongStream.concat(primes(), LongStream.of(9, 15, 1_000_001, (1L << 30) - 1));
    }

    /** Residues in [0, q): 0, 1, 2, q/2, q-2, q-1 and random ones. */
    private static long[] residues(long q, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed ^ q);
        LongStream edges = LongStream.of(0, 1, 2, q / 2, q - 2, q - 1).filter(v -> v >= 0 && v < q);
        return LongStream.concat(edges, rnd.longs(40, 0, q)).distinct().toArray();
    }

    /** Unsigned 32-bit words: lazy values up to 4q - 1, values >= 2^31, 2^32 - 1 and random words. */
    private static int[] words(long q, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed ^ q);
        LongStream edges = LongStream.of(0, 1, q - 1, q, 2 * q - 1, 2 * q, 3 * q, 4 * q - 1,
                (1L << 31) - 1, 1L << 31, (1L << 32) - 1);
        return LongStream.concat(edges, rnd.longs(60, 0, 1L << 32)).mapToInt(v -> (int) v).toArray();
    }

    private static BigInteger mod(BigInteger x, long q) {
        return x.mod(big(q));
    }

    // ------------------------------------------------------------------------------------------ Shoup

    @ParameterizedTest
    @MethodSource("oddModuli")
    void shoupCompanionIsFloorOfWTimes2To32OverQ(long q) {
        for (long w : residues(q, 1)) {
            BigInteger expected = big(w).shiftLeft(32).divide(big(q));
            assertEquals(expected, unsigned(ModArith.shoup(w, q)), () -> "shoup(" + w + ", " + q + ")");
        }
    }

    @ParameterizedTest
    @MethodSource("oddModuli")
    void mulShoupLazyIsInZeroTwoQAndCongruentForAnyUnsignedWord(long q) {
        for (long w : residues(q, 2)) {
            int ws = shoupReference(w, q);
            for (int y : words(q, 3)) {
                long r = Integer.toUnsignedLong(ModArith.mulShoupLazy(y, (int) w, ws, (int) q));
                String what = "mulShoupLazy(y = " + Integer.toUnsignedString(y) + ", w = " + w + ", q = " + q + ") = " + r;
                assertTrue(r < 2 * q, what + " is not below 2q");
                assertEquals(mod(unsigned(y).multiply(big(w)), q), mod(big(r), q), what);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("oddModuli")
    void mulShoupIsFullyReducedProduct(long q) {
        for (long w : residues(q, 4)) {
            int ws = shoupReference(w, q);
            for (int y : words(q, 5)) {
                long expected = mod(unsigned(y).multiply(big(w)), q).longValueExact();
                assertEquals(expected, Integer.toUnsignedLong(ModArith.mulShoup(y, (int) w, ws, (int) q)),
                        () -> "mulShoup(y = " + Integer.toUnsignedString(y) + ", w = " + w + ", q = " + q + ")");
            }
        }
    }

    // ------------------------------------------------------------------------------------------ unsigned words

    @Test
    void csubSubtractsOnlyWhenUnsignedXIsAtLeastM() {
        SplittableRandom rnd = new SplittableRandom(6);
        List<Long> values = new ArrayList<>(List.of(0L, 1L, 2L, (1L << 30) - 1, 1L << 30, (1L << 31) - 1, 1L << 31,
                (1L << 31) + 1, 3L << 30, (1L << 32) - 2, (1L << 32) - 1));
        rnd.longs(40, 0, 1L << 32).forEach(values::add);
        for (long x : values) {
            for (long m : values) {
                long expected = x >= m ? x - m : x;
                assertEquals(expected, Integer.toUnsignedLong(ModArith.csub((int) x, (int) m)),
                        () -> "csub(" + x + ", " + m + ")");
            }
        }
    }

    @Test
    void uminIsTheUnsignedMinimum() {
        SplittableRandom rnd = new SplittableRandom(7);
        long[] values = LongStream.concat(LongStream.of(0, 1, (1L << 31) - 1, 1L << 31, (1L << 32) - 1),
                rnd.longs(40, 0, 1L << 32)).toArray();
        for (long a : values) {
            for (long b : values) {
                assertEquals(Math.min(a, b), Integer.toUnsignedLong(ModArith.umin((int) a, (int) b)),
                        () -> "umin(" + a + ", " + b + ")");
            }
        }
    }

    // ------------------------------------------------------------------------------------------ Barrett

    @ParameterizedTest
    @MethodSource("oddModuli")
    void barrettConstants(long q) {
        int k = big(q).bitLength();
        assertEquals(k, ModArith.bitLength(q), "bit length of " + q);
        assertEquals(BigInteger.ONE.shiftLeft(2 * k).divide(big(q)).longValueExact(), ModArith.barrettMu(q),
                "Barrett mu of " + q);
    }

    @ParameterizedTest
    @MethodSource("oddModuli")
    void mulBarrettIsFullyReducedProduct(long q) {
        long mu = ModArith.barrettMu(q);
        int k = ModArith.bitLength(q);
        long[] operands = q < 100 ? LongStream.range(0, q).toArray() : residues(q, 8); // exhaustive for tiny q
        for (long a : operands) {
            for (long b : operands) {
                long expected = mod(big(a).multiply(big(b)), q).longValueExact();
                assertEquals(expected, ModArith.mulBarrett((int) a, (int) b, (int) q, mu, k),
                        () -> "mulBarrett(" + a + ", " + b + ", " + q + ")");
            }
        }
    }

    /** Operands (found by search) for which the quotient estimate is two short: both subtractions are needed. */
    @ParameterizedTest
    @CsvSource({"536903681, 244463469, 482196968", "536903681, 457392710, 449784657", "16957441, 12296521, 12745520",
        "16957441, 13490461, 10408637", "562969649, 528922966, 556074244", "562969649, 511015431, 551711094"})
    void mulBarrettWhenTheQuotientEstimateIsTwoShort(long q, long a, long b) {
        long expected = mod(big(a).multiply(big(b)), q).longValueExact();
        assertEquals(expected, ModArith.mulBarrett((int) a, (int) b, (int) q, ModArith.barrettMu(q), ModArith.bitLength(q)));
    }

    @ParameterizedTest
    @MethodSource("oddModuli")
    void mulModIsTheProductModQ(long q) {
        for (long a : residues(q, 9)) {
            for (long b : residues(q, 10)) {
                assertEquals(mod(big(a).multiply(big(b)), q).longValueExact(), ModArith.mulMod(a, b, q));
            }
        }
    }

    // ------------------------------------------------------------------------------------------ Montgomery

    @Test
    void montgomeryNegInvTimesQIsMinusOneModulo2To32() {
        LongStream odd = LongStream.concat(oddModuli(), new SplittableRandom(11).longs(200, 0, 1L << 29).map(v -> 2 * v + 1));
        odd.forEach(q -> {
            int negInv = ModArith.montgomeryNegInv(q);
            assertEquals(-1, (int) q * negInv, () -> "montgomeryNegInv(" + q + ") * q mod 2^32");
            assertEquals(TWO_TO_32.subtract(BigInteger.ONE), big(q).multiply(unsigned(negInv)).mod(TWO_TO_32),
                    () -> "montgomeryNegInv(" + q + ") * q mod 2^32 (BigInteger)");
        });
    }

    @ParameterizedTest
    @MethodSource("oddModuli")
    void toMontgomeryMultipliesBy2To32(long q) {
        for (long a : residues(q, 12)) {
            assertEquals(mod(big(a).shiftLeft(32), q).longValueExact(), ModArith.toMontgomery(a, q),
                    () -> "toMontgomery(" + a + ", " + q + ")");
        }
    }

    @ParameterizedTest
    @MethodSource("oddModuli")
    void mulMontgomeryIsProductTimesInverseOf2To32(long q) {
        int negInv = ModArith.montgomeryNegInv(q);
        BigInteger rInv = TWO_TO_32.modInverse(big(q));
        for (long a : residues(q, 13)) {
            for (long b : residues(q, 14)) {
                long expected = mod(big(a).multiply(big(b)).multiply(rInv), q).longValueExact();
                assertEquals(expected, ModArith.mulMontgomery((int) a, (int) b, (int) q, negInv),
                        () -> "mulMontgomery(" + a + ", " + b + ", " + q + ")");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("oddModuli")
    void montgomeryFormIsAHomomorphism(long q) {
        int negInv = ModArith.montgomeryNegInv(q);
        for (long a : residues(q, 15)) {
            for (long b : residues(q, 16)) {
                int product = ModArith.mulMontgomery(ModArith.toMontgomery(a, q), ModArith.toMontgomery(b, q), (int) q, negInv);
                long expected = mod(big(a).multiply(big(b)), q).longValueExact();
                assertEquals(expected, ModArith.mulMontgomery(product, 1, (int) q, negInv),
                        () -> "a * b through Montgomery form, a = " + a + ", b = " + b + ", q = " + q);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ powers, inverses

    @ParameterizedTest
    @MethodSource("primes")
    void powModMatchesBigInteger(long q) {
        SplittableRandom rnd = new SplittableRandom(17);
        long[] exponents = LongStream.concat(LongStream.of(0, 1, 2, q - 2, q - 1, q, Long.MAX_VALUE),
                rnd.longs(20, 0, Long.MAX_VALUE)).toArray();
        long[] bases = LongStream.concat(LongStream.of(residues(q, 18)), LongStream.of(q, q + 1, 5 * q - 1, 1L << 40)).toArray();
        for (long a : bases) {
            for (long e : exponents) {
                assertEquals(big(a).modPow(big(e), big(q)).longValueExact(), ModArith.powMod(a, e, q),
                        () -> "powMod(" + a + ", " + e + ", " + q + ")");
            }
        }
    }

    @Test
    void powModRejectsNegativeExponent() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModArith.powMod(3, -1, 17));
        assertEquals("negative exponent -1", e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("primes")
    void invModMatchesBigInteger(long q) {
        for (long r : residues(q, 19)) {
            if (r == 0) {
                continue;
            }
            for (long a : new long[] {r, r + q, -r, r - 3 * q}) {
                long expected = big(a).modInverse(big(q)).longValueExact();
                assertEquals(expected, ModArith.invMod(a, q), () -> "invMod(" + a + ", " + q + ")");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 17, -17, 34})
    void invModOfAMultipleOfQThrows(long a) {
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> ModArith.invMod(a, 17));
        assertEquals(a + " has no inverse modulo 17", e.getMessage());
    }

    // ------------------------------------------------------------------------------------------ modulus check

    @ParameterizedTest
    @ValueSource(longs = {3, 5, 17, 12289, (1L << 30) - 1})
    void checkModulusAcceptsOddModuliBelow2To30(long q) {
        ModArith.checkModulus(q);
    }

    @ParameterizedTest
    @ValueSource(longs = {Long.MIN_VALUE, -17, 0, 1, 2, 4, 12288, 1L << 30, (1L << 30) + 1, (1L << 31) - 1, 1L << 32,
            Long.MAX_VALUE})
    void checkModulusRejectsEvenTinyAndTooLargeModuli(long q) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModArith.checkModulus(q));
        assertEquals("modulus " + q + " must be odd and in (2, 2^30)", e.getMessage());
    }
}
