package dev.hyphenj.ntt;

import static dev.hyphenj.ntt.TestData.big;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Primes against BigInteger primality and against brute-force searches for NTT-friendly primes. */
class PrimesTest {
    /** Below this, every square of a residue fits a signed long. */
    private static final long SQUARE_FITS_LONG = 3_037_000_499L;

    private static boolean reallyPrime(long n) {
        return big(n).isProbablePrime(50);
    }

    private static void assertIsPrimeAgrees(long n) {
        assertEquals(reallyPrime(n), Primes.isPrime(n), () -> "isPrime(" + n + ")");
    }

    // ------------------------------------------------------------------------------------------ isPrime

    @Test
    void isPrimeAgreesWithBigIntegerOnEveryValueBelow2To17() {
        for (long n = 0; n < 1 << 17; n++) {
            assertIsPrimeAgrees(n);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, -2, -7, -12289, Long.MIN_VALUE})
    void isPrimeIsFalseForNegativeValues(long n) {
        assertFalse(Primes.isPrime(n), "isPrime(" + n + ")");
    }

    @Test
    void isPrimeAgreesWithBigIntegerOnRandomValuesUpTo2To31AndAHalf() {
        SplittableRandom rnd = new SplittableRandom(1);
        rnd.longs(20_000, 1L << 17, 1L << 30).forEach(PrimesTest::assertIsPrimeAgrees);
        rnd.longs(20_000, 1L << 30, SQUARE_FITS_LONG).forEach(PrimesTest::assertIsPrimeAgrees);
    }

    /**
     * isPrime promises exactness below 2^32, but above about 2^31.5 the squarings in ModArith.powMod and in the
     * Miller-Rabin loop overflow a long: isPrime(4294967291), the largest prime below 2^32, returns false.
     */
    @Test
    void isPrimeAgreesWithBigIntegerUpTo2To32() {
        for (long n : new long[] {3_037_000_493L, 3_037_000_507L, 4_294_967_291L, 4_294_967_279L, 4_294_967_197L}) {
            assertIsPrimeAgrees(n);
        }
        new SplittableRandom(2).longs(20_000, SQUARE_FITS_LONG, 1L << 32).forEach(PrimesTest::assertIsPrimeAgrees);
    }

    @ParameterizedTest
    @ValueSource(longs = {
        // Carmichael numbers (Fermat liars for every coprime base)
        561, 1105, 1729, 2465, 2821, 6601, 8911, 41041, 62745, 825265, 321_197_185, 3_035_837_161L,
        // strong pseudoprimes to base 2, to bases 2 and 3, to bases 2, 3 and 5, to bases 2, 3, 5 and 7
        2047, 3277, 4033, 4681, 8321, 1_373_653, 25_326_001, 3_215_031_751L,
        // strong pseudoprimes to two of isPrime's three bases: 7 and 61, 2 and 61, 2 and 7 (so each base matters)
        79_381, 178_709, 916_327, 2_205_967, 2_269_093, 2_284_453,
        // squares of primes, products of two large primes, and products of the trial-division primes
        4, 9, 49, 3721, 46_337L * 46_349, 55_001L * 55_009, 2L * 3 * 5 * 7 * 11 * 13 * 61, 61L * 61 * 61 * 61 * 61})
    void isPrimeRejectsKnownComposites(long n) {
        assertFalse(reallyPrime(n), "test data: " + n + " must be composite");
        assertFalse(Primes.isPrime(n), "isPrime(" + n + ")");
    }

    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5, 7, 11, 13, 61, 12289, 65537, 786433, 2_147_483_647L, 1_073_741_789L, 2_147_483_659L})
    void isPrimeAcceptsKnownPrimes(long n) {
        assertTrue(reallyPrime(n), "test data: " + n + " must be prime");
        assertTrue(Primes.isPrime(n), "isPrime(" + n + ")");
    }

    @ParameterizedTest
    @ValueSource(longs = {1L << 32, (1L << 32) + 15, Long.MAX_VALUE})
    void isPrimeRejectsValuesFrom2To32(long n) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Primes.isPrime(n));
        assertEquals("isPrime is exact only below 2^32, got " + n, e.getMessage());
    }

    // ------------------------------------------------------------------------------------------ below, near

    /** NTT-friendly primes for degree n in [lo, hi), ascending, by brute force with BigInteger primality. */
    private static LongStream friendlyPrimes(int n, long lo, long hi) {
        long step = 2L * n, first = Math.max(lo, step + 1);
        return LongStream.iterate((first + step - 2) / step * step + 1, q -> q < hi, q -> q + step)
                .filter(PrimesTest::reallyPrime);
    }

    /** NTT-friendly primes for degree n below hi, descending, by brute force with BigInteger primality. */
    private static LongStream friendlyPrimesDownFrom(int n, long hi) {
        long step = 2L * n;
        return LongStream.iterate((hi - 2) / step * step + 1, q -> q > step, q -> q - step)
                .filter(PrimesTest::reallyPrime);
    }

    private static void assertNttFriendly(long[] primes, int n) {
        for (long q : primes) {
            assertTrue(reallyPrime(q), q + " is not prime");
            assertEquals(1, q % (2L * n), q + " is not 1 mod 2N = " + 2L * n);
            assertTrue(q < 1L << 30, q + " is not below 2^30");
        }
        assertEquals(primes.length, Arrays.stream(primes).distinct().count(), "repeated primes " + Arrays.toString(primes));
    }

    @ParameterizedTest
    @CsvSource({"30, 8192, 6", "30, 65536, 4", "25, 1024, 8", "20, 16, 12", "17, 2, 5", "17, 4096, 2"})
    void belowGivesTheLargestNttFriendlyPrimesInDescendingOrder(int bits, int n, int count) {
        long[] primes = Primes.below(bits, n, count);
        assertNttFriendly(primes, n);
        long[] expected = friendlyPrimesDownFrom(n, 1L << bits).limit(count).toArray();
        assertArrayEquals(expected, primes, "below(" + bits + ", " + n + ", " + count + ")");
        assertArrayEquals(primes, Primes.below(bits, n, count), "a second call must give the same primes");
    }

    @ParameterizedTest
    @CsvSource({"29, 8192, 6", "28, 65536, 4", "20, 1024, 8", "16, 16, 12", "12, 2, 5", "15, 4096, 2"})
    void nearGivesTheNttFriendlyPrimesClosestTo2ToBitsNearestFirst(int bits, int n, int count) {
        long[] primes = Primes.near(bits, n, count);
        assertNttFriendly(primes, n);
        long center = 1L << bits, radius = Arrays.stream(primes).map(q -> Math.abs(q - center)).max().orElseThrow();
        long[] expected = friendlyPrimes(n, center - radius, center + radius + 1).boxed()
                .sorted(Comparator.comparingLong(q -> Math.abs(q - center))).mapToLong(Long::longValue).toArray();
        assertArrayEquals(expected, primes, "near(" + bits + ", " + n + ", " + count + "): every closer prime, nearest first");
        assertArrayEquals(primes, Primes.near(bits, n, count), "a second call must give the same primes");
    }

    /**
     * When 2^bits < 2N the candidates near() walks (2^bits + 1 + j 2N) are not 1 mod 2N: near(12, 4096, 3) returns
     * [12289, 61441, 86017], all 4097 mod 8192.
     */
    @ParameterizedTest
    @CsvSource({"12, 4096", "10, 1024", "5, 1024"})
    void nearGivesNttFriendlyPrimesWhen2ToBitsIsBelow2N(int bits, int n) {
        assertNttFriendly(Primes.near(bits, n, 3), n);
    }

    @Test
    void exclusionSkipsTheExcludedPrimes() {
        long[] five = Primes.below(30, 4096, 5);
        assertArrayEquals(new long[] {five[0], five[2], five[4]}, Primes.below(30, 4096, 3, five[1], five[3], 12289));

        long[] near = Primes.near(26, 4096, 4);
        assertArrayEquals(new long[] {near[1], near[3]}, Primes.near(26, 4096, 2, near[0], near[2]));
    }

    @Test
    void askingForMorePrimesThanExistThrows() {
        long available = friendlyPrimes(8192, 0, 1L << 20).count();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Primes.below(20, 8192, (int) available + 1));
        assertEquals("only " + available + " NTT-friendly primes below 2^20 for N = 8192, " + (available + 1) + " requested",
                e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> Primes.below(10, 1024, 1));
        assertEquals("only 0 NTT-friendly primes below 2^10 for N = 1024, 1 requested", e.getMessage());

        long nearAvailable = friendlyPrimes(1 << 16, 0, 1L << 30).count();
        e = assertThrows(IllegalArgumentException.class, () -> Primes.near(20, 1 << 16, (int) nearAvailable + 1));
        assertEquals("only " + nearAvailable + " NTT-friendly primes near 2^20 for N = 65536, " + (nearAvailable + 1)
                + " requested", e.getMessage());
    }

    @Test
    void primeSizesOutsideTheSupportedRangeAreRejected() {
        assertEquals("prime size 31 bits is outside 2..30",
                assertThrows(IllegalArgumentException.class, () -> Primes.below(31, 1024, 1)).getMessage());
        assertEquals("prime size 1 bits is outside 2..30",
                assertThrows(IllegalArgumentException.class, () -> Primes.below(1, 1024, 1)).getMessage());
        assertEquals("prime size 30 bits is outside 2..29 for primes near 2^bits",
                assertThrows(IllegalArgumentException.class, () -> Primes.near(30, 1024, 1)).getMessage());
    }

    // ------------------------------------------------------------------------------------------ roots, degrees

    @ParameterizedTest
    @CsvSource({"12289, 1024", "40961, 4096", "786433, 2", "65537, 32768", "1073479681, 131072"})
    void primitiveRoot2NHasOrderExactly2N(long q, int n) {
        long psi = Primes.primitiveRoot2N(q, n);
        assertTrue(psi > 1 && psi < q, "psi = " + psi);
        // 2N is a power of two, so psi^N = -1 means the order divides 2N but not N: it is exactly 2N
        assertEquals(big(q - 1), big(psi).modPow(big(n), big(q)), "psi^N for psi = " + psi + ", q = " + q);
    }

    @ParameterizedTest
    @CsvSource({"12289, 1024", "12289, 2048", "7681, 256", "97, 16"})
    void primitiveRoot2NIsTheSmallestOne(long q, int n) {
        long psi = Primes.primitiveRoot2N(q, n);
        BigInteger minusOne = big(q - 1);
        for (long x = 2; x < psi; x++) {
            assertFalse(big(x).modPow(big(n), big(q)).equals(minusOne), x + " is a smaller primitive 2N-th root than " + psi);
        }
    }

    @Test
    void primitiveRoot2NRejectsPrimesThatAreNotNttFriendly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Primes.primitiveRoot2N(12289, 8192));
        assertEquals("modulus 12289 is not NTT-friendly for N = 8192: it must be a prime below 2^30 with q = 1 mod 2N = 16384",
                e.getMessage());
    }

    @Test
    void isNttFriendlyNeedsAPrimeBelow2To30CongruentTo1Mod2N() {
        assertTrue(Primes.isNttFriendly(12289, 2048));
        assertFalse(Primes.isNttFriendly(12289, 4096), "12289 is not 1 mod 8192");
        assertFalse(Primes.isNttFriendly(12289 + 4096 * 6, 2048), "36865 = 5 * 7373 is composite");
        assertTrue(reallyPrime(1_073_750_017L) && 1_073_750_017L % 2048 == 1, "test data");
        assertFalse(Primes.isNttFriendly(1_073_750_017L, 1024), "a prime 1 mod 2N above 2^30");
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 16, 1024, 1 << 16, 1 << 17})
    void checkRingDegreeReturnsLog2(int n) {
        assertEquals(Integer.numberOfTrailingZeros(n), Primes.checkRingDegree(n));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "0; ring degree N = 0 is not a power of two",
        "-4; ring degree N = -4 is not a power of two",
        "1000; ring degree N = 1000 is not a power of two",
        "1; ring degree N = 2^0 is outside 2^1..2^17",
        "262144; ring degree N = 2^18 is outside 2^1..2^17",
        "1073741824; ring degree N = 2^30 is outside 2^1..2^17"})
    void checkRingDegreeRejectsBadDegrees(int n, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Primes.checkRingDegree(n)).getMessage());
    }
}
