package dev.hyphenj.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The encoder's vector kernels ({@link EncoderVectors}, and {@link Fft}'s fast path that uses them) against their
 * scalar references, bit for bit: same doubles to the last bit (compared as raw long bits), same longs, same ints.
 */
class EncoderVectorsTest {
    private static final int MAX_LOG = 15;

    @Test
    void testsRunTheVectorKernels() {
        assertTrue(Fft.VECTOR || "scalar".equals(System.getProperty("hyphen.kernels")),
                "unless -Dhyphen.kernels=scalar, the tests should run the encoder's vector kernels");
        assertTrue(EncoderVectors.LANES >= 2, EncoderVectors.D.toString());
    }

    /** Random doubles: Gaussian, every tenth one zero, some of them scaled over a wide range of exponents. */
    private static double[] randoms(SplittableRandom rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double g = gaussian(rnd);
            v[i] = rnd.nextInt(10) == 0 ? 0 : rnd.nextInt(4) == 0 ? Math.scalb(g, rnd.nextInt(-40, 40)) : g;
        }
        return v;
    }

    private static double gaussian(SplittableRandom rnd) {
        return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    private static void assertBitsEqual(double[] want, double[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            if (Double.doubleToRawLongBits(want[i]) != Double.doubleToRawLongBits(got[i])) {
                throw new AssertionError(what + ": index " + i + ": " + want[i] + " (reference) vs " + got[i]);
            }
        }
    }

    @Test
    void forwardFftMatchesTheScalarReferenceAtEverySize() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int log = 0; log <= MAX_LOG; log++) {
            Fft fft = new Fft(log);
            for (int t = 0; t < 3; t++) {
                double[] re = randoms(rnd, fft.size), im = randoms(rnd, fft.size);
                double[] wantRe = re.clone(), wantIm = im.clone();
                fft.forwardReference(wantRe, wantIm);
                fft.forward(re, im);
                assertBitsEqual(wantRe, re, "forward real parts, size 2^" + log);
                assertBitsEqual(wantIm, im, "forward imaginary parts, size 2^" + log);
            }
        }
    }

    /** The encoder's inverse: values placed in bit-reversed order, the butterflies, against the reference transform. */
    @Test
    void inverseFftMatchesTheScalarReferenceAtEverySize() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int log = 0; log <= MAX_LOG; log++) {
            Fft fft = new Fft(log);
            for (int t = 0; t < 3; t++) {
                double[] re = randoms(rnd, fft.size), im = randoms(rnd, fft.size);
                double[] wantRe = re.clone(), wantIm = im.clone();
                fft.transformReference(wantRe, wantIm, -1);
                double[] gotRe = new double[fft.size], gotIm = new double[fft.size];
                for (int i = 0; i < fft.size; i++) {
                    gotRe[fft.bitReversed[i]] = re[i];
                    gotIm[fft.bitReversed[i]] = im[i];
                }
                fft.butterflies(gotRe, gotIm, -1);
                assertBitsEqual(wantRe, gotRe, "inverse real parts, size 2^" + log);
                assertBitsEqual(wantIm, gotIm, "inverse imaginary parts, size 2^" + log);
            }
        }
    }

    /** inputPosition is slotToIndex followed by the bit-reversal swap. */
    @Test
    void inputPositionIsTheSlotPermutationThenTheBitReversal() {
        for (int log = 0; log <= MAX_LOG; log++) {
            Fft fft = new Fft(log);
            int[] scattered = new int[fft.size];
            for (int j = 0; j < fft.size; j++) {
                scattered[fft.slotToIndex[j]] = j;
            }
            int[] swapped = new int[fft.size];
            for (int i = 0; i < fft.size; i++) {
                swapped[i] = scattered[fft.bitReversed[i]];
            }
            int[] placed = new int[fft.size];
            for (int j = 0; j < fft.size; j++) {
                placed[fft.inputPosition[j]] = j;
            }
            assertArrayEquals(swapped, placed, "size 2^" + log);
        }
    }

    @Test
    void untwistMatchesTheScalarLoop() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int log = 0; log <= MAX_LOG; log++) {
            Fft fft = new Fft(log);
            for (double scale : new double[] {0x1p30, 0x1p40 / 3, 1e25}) {
                double[] ur = randoms(rnd, fft.size), ui = randoms(rnd, fft.size);
                double[] want = new double[2 * fft.size], got = new double[2 * fft.size];
                Encoder.untwist(fft, ur, ui, scale, want, 0);
                EncoderVectors.untwist(fft, ur, ui, scale, got);
                assertBitsEqual(want, got, "untwist, size 2^" + log + ", scale " + scale);
            }
        }
    }

    /** Ties, neighbours of ties, the ends of exact double integers, 2^62, 2^63 and beyond, signed zeros. */
    private static final double[] ROUNDING_EDGES = {
        0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5,
        0.49999999999999994, -0.49999999999999994, Math.nextUp(0.5), Math.nextDown(-0.5),
        0x1p52 - 0.5, -0x1p52 + 0.5, 0x1p52 - 1.5, 0x1p52, -0x1p52, 0x1p52 + 1, -0x1p52 - 1, 0x1p53 + 2,
        0x1p62 - 1024, -0x1p62 + 1024, 0x1p62, -0x1p62, 0x1p63, -0x1p63, Math.nextDown(0x1p63), 0x1p64, -0x1p70,
        1e300, -1e300, Double.MAX_VALUE, -Double.MAX_VALUE,
    };

    @Test
    void roundingMatchesMathRoundBitForBit() {
        SplittableRandom rnd = new SplittableRandom(4);
        for (int m : new int[] {1, 2, 3, 4, 7, 8, 9, 16, 31, 64, 1000, 1 << 12, 1 << 16}) {
            for (int t = 0; t < 4; t++) {
                double[] c = new double[m];
                for (int i = 0; i < m; i++) {
                    int kind = rnd.nextInt(4);
                    c[i] = kind == 0 ? ROUNDING_EDGES[rnd.nextInt(ROUNDING_EDGES.length)]
                            : kind == 1 ? Math.floor(Math.scalb(rnd.nextDouble(-1, 1), 40)) + 0.5 // ties
                            : Math.scalb(rnd.nextDouble(-1, 1), rnd.nextInt(t == 3 ? 75 : 62));
                }
                long[] want = new long[m], got = new long[m];
                boolean wantHuge = Encoder.round(c, want, 0, m), gotHuge = EncoderVectors.round(c, m, got);
                assertArrayEquals(want, got, "rounding " + m + " values, trial " + t);
                assertEquals(wantHuge, gotHuge, "whether any is at least 2^62, " + m + " values, trial " + t);
            }
        }
        double[] edges = ROUNDING_EDGES.clone();
        long[] want = new long[edges.length], got = new long[edges.length];
        assertEquals(Encoder.round(edges, want, 0, edges.length), EncoderVectors.round(edges, edges.length, got));
        assertArrayEquals(want, got, Arrays.toString(edges));
    }

    @Test
    void roundingRejectsWhatTheScalarLoopRejects() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            for (int position : new int[] {0, 5, 17, 63}) {
                double[] c = new double[64];
                c[position] = bad;
                String want = assertThrows(IllegalArgumentException.class,
                        () -> Encoder.round(c, new long[64], 0, 64)).getMessage();
                String got = assertThrows(IllegalArgumentException.class,
                        () -> EncoderVectors.round(c, 64, new long[64])).getMessage();
                assertEquals(want, got);
            }
        }
    }

    /**
     * The Vector API runs its intrinsics only once C2 compiles the kernels: the comparisons above, repeated until the
     * kernels are hot (thousands of calls, millions of loop iterations), on fresh random inputs each time.
     */
    @Test
    void kernelsStillAgreeOnceCompiled() {
        SplittableRandom rnd = new SplittableRandom(6);
        Fft fft = new Fft(10);
        long q = TestParameters.SCALE_30.qPrimes()[0];
        for (int t = 0; t < 3000; t++) {
            double[] re = randoms(rnd, fft.size), im = randoms(rnd, fft.size);
            double[] wantRe = re.clone(), wantIm = im.clone(), gotRe = re.clone(), gotIm = im.clone();
            double sign = t % 2 == 0 ? 1 : -1;
            fft.transformReference(wantRe, wantIm, sign);
            if (sign > 0) {
                fft.forward(gotRe, gotIm);
            } else {
                for (int i = 0; i < fft.size; i++) {
                    gotRe[fft.bitReversed[i]] = re[i];
                    gotIm[fft.bitReversed[i]] = im[i];
                }
                fft.butterflies(gotRe, gotIm, -1);
            }
            assertBitsEqual(wantRe, gotRe, "FFT real parts, trial " + t);
            assertBitsEqual(wantIm, gotIm, "FFT imaginary parts, trial " + t);
            double[] want = new double[2 * fft.size], got = new double[2 * fft.size];
            Encoder.untwist(fft, wantRe, wantIm, 0x1p40 / 3, want, 0);
            EncoderVectors.untwist(fft, wantRe, wantIm, 0x1p40 / 3, got);
            assertBitsEqual(want, got, "untwist, trial " + t);
            for (int i = 0; i < want.length; i += 7) {
                want[i] = ROUNDING_EDGES[rnd.nextInt(ROUNDING_EDGES.length)];
            }
            long[] wantRounded = new long[want.length], gotRounded = new long[want.length];
            assertEquals(Encoder.round(want, wantRounded, 0, want.length),
                    EncoderVectors.round(want, want.length, gotRounded));
            assertArrayEquals(wantRounded, gotRounded, "rounding, trial " + t);
            assertArrayEquals(reduceScalar(wantRounded, q), reduceVector(wantRounded, q), "reduction, trial " + t);
        }
    }

    @Test
    void reductionMatchesTheScalarLoop() {
        SplittableRandom rnd = new SplittableRandom(5);
        long[] primes = TestParameters.SCALE_30.qPrimes();
        int lanes = EncoderVectors.LANES;
        for (int m : new int[] {lanes, 2 * lanes, 8 * lanes, 1 << 12, 1 << 16}) { // multiples of the vector length
            long[] v = new long[m];
            for (int i = 0; i < m; i++) {
                int kind = rnd.nextInt(5);
                long q = primes[rnd.nextInt(primes.length)];
                v[i] = switch (kind) {
                    case 0 -> rnd.nextLong(-(1L << 62) + 1, 1L << 62);
                    case 1 -> rnd.nextLong(-1L << rnd.nextInt(1, 62), 1L << rnd.nextInt(1, 62));
                    case 2 -> q * rnd.nextLong(-(1L << 31), 1L << 31) + rnd.nextInt(-2, 3); // near multiples
                    case 3 -> rnd.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE; // Math.round beyond 2^63
                    default -> rnd.nextInt();
                };
            }
            for (long q : primes) {
                assertArrayEquals(reduceScalar(v, q), reduceVector(v, q), m + " values mod " + q);
            }
        }
    }

    /** Values below q in magnitude: the int path, vector and scalar, against the general reduction. */
    @Test
    void smallValuesReduceAsTheGeneralPathDoes() {
        SplittableRandom rnd = new SplittableRandom(8);
        int lanes = EncoderVectors.INT_LANES;
        for (long q : TestParameters.SCALE_30.qPrimes()) {
            for (int m : new int[] {lanes, 4 * lanes, 1 << 12}) {
                int[] v = new int[m];
                long[] wide = new long[m];
                for (int i = 0; i < m; i++) {
                    v[i] = switch (i % 5) {
                        case 0 -> (int) (q - 1);
                        case 1 -> (int) (1 - q);
                        case 2 -> rnd.nextInt(-2, 3);
                        default -> rnd.nextInt((int) (1 - q), (int) q);
                    };
                    wide[i] = v[i];
                }
                int[] scalar = new int[m];
                Encoder.reduceSmall(v, 0, m, (int) q, scalar);
                int[] vector;
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment out = arena.allocate((long) m * Integer.BYTES);
                    EncoderVectors.reduceSmall(v, m, (int) q, out);
                    vector = out.toArray(ValueLayout.JAVA_INT);
                }
                assertArrayEquals(scalar, vector, m + " small values mod " + q + ": vector and scalar");
                assertArrayEquals(reduceScalar(wide, q), scalar, m + " small values mod " + q + ": general path");
            }
        }
    }

    private static int[] reduceScalar(long[] v, long q) {
        int[] residues = new int[v.length];
        Encoder.reduce(v, 0, v.length, q, residues);
        return residues;
    }

    private static int[] reduceVector(long[] v, long q) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate((long) v.length * Integer.BYTES);
            EncoderVectors.reduce(v, v.length, q, out);
            return out.toArray(ValueLayout.JAVA_INT);
        }
    }
}
