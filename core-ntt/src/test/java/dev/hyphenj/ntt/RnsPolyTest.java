package dev.hyphenj.ntt;

import static dev.hyphenj.ntt.TestData.big;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RnsPoly's limb-wise operations against BigInteger modulo each prime, over a basis of three primes at N = 2^8. */
class RnsPolyTest {
    private static final int N = 1 << 8;
    private static final long[] PRIMES = {Primes.below(30, N, 2)[0], Primes.below(30, N, 2)[1], Primes.near(24, N, 1)[0]};
    private static final RnsBasis BASIS = RnsBasis.of(N, PRIMES);

    private final LimbAllocator allocator = new LimbAllocator("RnsPolyTest");

    @AfterEach
    void everyPolynomialWasClosed() {
        assertEquals(0, allocator.liveBytes(), "live bytes at the end of the test");
        allocator.close();
    }

    /** An operation on one element: x, y (and acc where it has one) to the exact result before reduction. */
    @FunctionalInterface
    private interface Element {
        BigInteger apply(BigInteger x, BigInteger y, BigInteger acc);
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** Random residues per limb, with the edge values 0, 1 and q - 1 at the first positions. */
    private static int[][] residues(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] r = new int[PRIMES.length][N];
        for (int l = 0; l < PRIMES.length; l++) {
            r[l] = TestData.random(rnd, N, PRIMES[l]);
            r[l][(int) (seed & 3)] = 0;
            r[l][4] = 1;
            r[l][5 + (int) (seed & 3)] = (int) PRIMES[l] - 1;
        }
        return r;
    }

    /** All residues q_l - 1 (the largest). */
    private static int[][] largest() {
        int[][] r = new int[PRIMES.length][];
        for (int l = 0; l < PRIMES.length; l++) {
            r[l] = TestData.filled(N, (int) PRIMES[l] - 1);
        }
        return r;
    }

    private RnsPoly poly(int[][] limbs) {
        RnsPoly p = RnsPoly.zeros(BASIS, allocator);
        for (int l = 0; l < limbs.length; l++) {
            for (int i = 0; i < N; i++) {
                p.set(l, i, limbs[l][i]);
            }
        }
        return p;
    }

    private RnsPoly poly(BigInteger[] coefficients) {
        int[][] limbs = new int[PRIMES.length][];
        for (int l = 0; l < PRIMES.length; l++) {
            limbs[l] = TestData.mod(coefficients, PRIMES[l]);
        }
        return poly(limbs);
    }

    /** f applied element by element to the limbs of x, y and acc (any may be null), reduced modulo each prime. */
    private static int[][] expected(Element f, int[][] x, int[][] y, int[][] acc) {
        int[][] r = new int[PRIMES.length][N];
        for (int l = 0; l < PRIMES.length; l++) {
            for (int i = 0; i < N; i++) {
                BigInteger v = f.apply(element(x, l, i), element(y, l, i), element(acc, l, i));
                r[l][i] = v.mod(big(PRIMES[l])).intValueExact();
            }
        }
        return r;
    }

    private static BigInteger element(int[][] limbs, int l, int i) {
        return limbs == null ? null : big(limbs[l][i]);
    }

    private static void assertLimbs(int[][] expected, RnsPoly p, String what) {
        for (int l = 0; l < expected.length; l++) {
            assertArrayEquals(expected[l], p.limbToArray(l), what + ", limb " + l + " (q = " + PRIMES[l] + ")");
        }
    }

    // ------------------------------------------------------------------------------------------ construction

    @Test
    void fromSignedLongCoefficients() {
        SplittableRandom rnd = new SplittableRandom(1);
        long[] c = new long[N];
        long[] edges = {0, 1, -1, 2, -2, Long.MAX_VALUE, Long.MIN_VALUE, PRIMES[0], -PRIMES[0], PRIMES[1] - 1, -PRIMES[2] - 1,
            PRIMES[0] * PRIMES[1]};
        for (int i = 0; i < N; i++) {
            c[i] = i < edges.length ? edges[i] : rnd.nextLong();
        }
        try (RnsPoly p = RnsPoly.fromCoefficients(BASIS, c)) {
            for (int l = 0; l < PRIMES.length; l++) {
                for (int i = 0; i < N; i++) {
                    assertEquals(big(c[i]).mod(big(PRIMES[l])).intValueExact(), p.get(l, i),
                            "coefficient " + c[i] + " modulo " + PRIMES[l]);
                }
            }
        }
    }

    @Test
    void fromBigIntegerCoefficients() {
        Random rnd = new Random(2);
        BigInteger q = big(PRIMES[0]).multiply(big(PRIMES[1])).multiply(big(PRIMES[2]));
        BigInteger[] c = new BigInteger[N];
        BigInteger[] edges = {BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE.negate(), q, q.negate(), q.subtract(BigInteger.ONE),
            BigInteger.ONE.shiftLeft(200), BigInteger.ONE.shiftLeft(200).negate().add(BigInteger.TEN)};
        for (int i = 0; i < N; i++) {
            c[i] = i < edges.length ? edges[i] : new BigInteger(120, rnd).subtract(BigInteger.ONE.shiftLeft(119));
        }
        try (RnsPoly p = RnsPoly.fromCoefficients(BASIS, c)) {
            for (int l = 0; l < PRIMES.length; l++) {
                for (int i = 0; i < N; i++) {
                    assertEquals(c[i].mod(big(PRIMES[l])).intValueExact(), p.get(l, i), "coefficient " + c[i] + " modulo " + PRIMES[l]);
                }
            }
        }
    }

    @Test
    void wrongNumberOfCoefficientsIsRejected() {
        assertEquals("255 coefficients for a ring of degree 256", assertThrows(IllegalArgumentException.class,
                () -> RnsPoly.fromCoefficients(BASIS, new long[N - 1])).getMessage());
        assertEquals("257 coefficients for a ring of degree 256", assertThrows(IllegalArgumentException.class,
                () -> RnsPoly.fromCoefficients(BASIS, new BigInteger[N + 1])).getMessage());
    }

    @Test
    void zerosSetGetAndLimbViews() {
        try (RnsPoly p = RnsPoly.zeros(BASIS, allocator)) {
            assertEquals(N, p.n());
            assertEquals(3, p.limbCount());
            assertEquals(BASIS, p.basis());
            for (int l = 0; l < 3; l++) {
                assertEquals(N * 4L, p.limb(l).byteSize());
                assertEquals(0, p.limb(l).address() % 64, "64-byte aligned");
            }
            for (int l = 0; l < 3; l++) {
                assertArrayEquals(new int[N], p.limbToArray(l), "zeros, limb " + l);
            }
            p.set(1, 7, (int) PRIMES[1] - 1);
            assertEquals(PRIMES[1] - 1, p.get(1, 7));
            assertEquals(PRIMES[1] - 1, p.limb(1).getAtIndex(ValueLayout.JAVA_INT, 7), "limb view");
            assertEquals(0, p.get(0, 7), "other limbs untouched");
            assertEquals(0, p.get(2, 7), "other limbs untouched");
        }
    }

    @Test
    void setRejectsResiduesOutsideZeroToQ() {
        try (RnsPoly p = RnsPoly.zeros(BASIS, allocator)) {
            assertEquals("residue " + PRIMES[0] + " is outside [0, " + PRIMES[0] + ")",
                    assertThrows(IllegalArgumentException.class, () -> p.set(0, 0, (int) PRIMES[0])).getMessage());
            assertEquals("residue -1 is outside [0, " + PRIMES[2] + ")",
                    assertThrows(IllegalArgumentException.class, () -> p.set(2, 0, -1)).getMessage());
        }
    }

    @Test
    void copyFromCopiesEveryLimb() {
        int[][] a = residues(3);
        try (RnsPoly x = poly(a); RnsPoly y = RnsPoly.zeros(BASIS, allocator)) {
            assertEquals(y, y.copyFrom(x), "copyFrom returns its receiver");
            assertLimbs(a, y, "copy");
        }
    }

    // ------------------------------------------------------------------------------------------ element-wise

    /** Checks a binary operation out = op(x, y) with a fresh output, out = x and out = y. */
    private void checkBinary(String name, Element f, TriConsumer op) {
        for (int[][][] xy : new int[][][][] {{residues(4), residues(5)}, {largest(), largest()}, {largest(), residues(6)}}) {
            int[][] x = xy[0], y = xy[1], want = expected(f, x, y, null);
            try (RnsPoly a = poly(x); RnsPoly b = poly(y); RnsPoly out = RnsPoly.zeros(BASIS, allocator)) {
                op.accept(a, b, out);
                assertLimbs(want, out, name);
                assertLimbs(x, a, name + " must not change its first operand");
                assertLimbs(y, b, name + " must not change its second operand");
                op.accept(a, b, a);
                assertLimbs(want, a, name + " with out = this");
            }
            try (RnsPoly a = poly(x); RnsPoly b = poly(y)) {
                op.accept(a, b, b);
                assertLimbs(want, b, name + " with out = the other operand");
            }
        }
    }

    @FunctionalInterface
    private interface TriConsumer {
        void accept(RnsPoly a, RnsPoly b, RnsPoly c);
    }

    @Test
    void add() {
        checkBinary("add", (x, y, acc) -> x.add(y), RnsPoly::add);
    }

    @Test
    void sub() {
        checkBinary("sub", (x, y, acc) -> x.subtract(y), RnsPoly::sub);
    }

    @Test
    void mul() {
        checkBinary("mul", (x, y, acc) -> x.multiply(y), RnsPoly::mul);
    }

    @Test
    void mulAdd() {
        int[][] x = residues(7), y = residues(8);
        for (int[][] acc : new int[][][] {residues(9), largest(), new int[PRIMES.length][N]}) {
            try (RnsPoly a = poly(x); RnsPoly b = poly(y); RnsPoly c = poly(acc)) {
                a.mulAdd(b, c);
                assertLimbs(expected((u, v, w) -> w.add(u.multiply(v)), x, y, acc), c, "mulAdd");
                a.mulAdd(b, a);
                assertLimbs(expected((u, v, w) -> u.add(u.multiply(v)), x, y, null), a, "mulAdd with acc = this");
            }
        }
    }

    @Test
    void negate() {
        for (int[][] x : new int[][][] {residues(10), largest(), new int[PRIMES.length][N]}) {
            int[][] want = expected((u, v, w) -> u.negate(), x, null, null);
            try (RnsPoly a = poly(x); RnsPoly out = RnsPoly.zeros(BASIS, allocator)) {
                a.negate(out);
                assertLimbs(want, out, "negate");
                a.negate(a);
                assertLimbs(want, a, "negate in place");
            }
        }
    }

    @Test
    void shoupCompanions() {
        int[][] w = residues(11);
        try (RnsPoly p = poly(w); RnsPoly ws = RnsPoly.zeros(BASIS, allocator)) {
            p.shoupCompanions(ws);
            for (int l = 0; l < PRIMES.length; l++) {
                assertArrayEquals(TestData.shoupReference(w[l], PRIMES[l]), ws.limb(l).toArray(ValueLayout.JAVA_INT),
                        "companions floor(w 2^32 / q), limb " + l);
            }
        }
    }

    @Test
    void mulShoupAndMulAddShoup() {
        int[][] x = residues(12), w = residues(13), acc = residues(14);
        for (int[][] weights : new int[][][] {w, largest()}) {
            try (RnsPoly a = poly(x); RnsPoly pw = poly(weights); RnsPoly ws = RnsPoly.zeros(BASIS, allocator);
                    RnsPoly out = RnsPoly.zeros(BASIS, allocator); RnsPoly c = poly(acc)) {
                pw.shoupCompanions(ws);
                a.mulShoup(pw, ws, out);
                assertLimbs(expected((u, v, s) -> u.multiply(v), x, weights, null), out, "mulShoup");
                a.mulAddShoup(pw, ws, c);
                assertLimbs(expected((u, v, s) -> s.add(u.multiply(v)), x, weights, acc), c, "mulAddShoup");
                a.mulShoup(pw, ws, a);
                assertLimbs(expected((u, v, s) -> u.multiply(v), x, weights, null), a, "mulShoup with out = this");
            }
        }
    }

    @Test
    void mulScalarReducesAnySignedConstant() {
        int[][] x = residues(15);
        long[] constants = {0, 1, -1, 2, -3, PRIMES[0], -PRIMES[1], PRIMES[2] - 1, PRIMES[0] * PRIMES[1] + 5, Long.MAX_VALUE,
            Long.MIN_VALUE, new SplittableRandom(16).nextLong()};
        for (long c : constants) {
            int[][] want = expected((u, v, w) -> u.multiply(big(c)), x, null, null);
            try (RnsPoly a = poly(x); RnsPoly out = RnsPoly.zeros(BASIS, allocator)) {
                a.mulScalar(c, out);
                assertLimbs(want, out, "mulScalar by " + c);
                a.mulScalar(c, a);
                assertLimbs(want, a, "mulScalar by " + c + " in place");
            }
        }
    }

    // ------------------------------------------------------------------------------------------ ring product

    @Test
    void nttProductIsTheNegacyclicProductModEachPrime() {
        SplittableRandom rnd = new SplittableRandom(17);
        BigInteger[] a = new BigInteger[N], b = new BigInteger[N];
        for (int i = 0; i < N; i++) {
            a[i] = big(rnd.nextLong(-(1L << 40), 1L << 40));
            b[i] = big(rnd.nextLong());
        }
        BigInteger[] product = TestData.negacyclicProduct(a, b);
        try (RnsPoly x = poly(a); RnsPoly y = poly(b); RnsPoly z = RnsPoly.zeros(BASIS, allocator)) {
            x.forwardNtt();
            y.forwardNtt();
            x.mul(y, z);
            z.inverseNtt();
            for (int l = 0; l < PRIMES.length; l++) {
                assertArrayEquals(TestData.mod(product, PRIMES[l]), z.limbToArray(l), "a * b mod (X^N + 1, " + PRIMES[l] + ")");
            }
            x.inverseNtt();
            assertLimbs(poly2limbs(a), x, "inverse NTT undoes the forward NTT");
        }
    }

    private static int[][] poly2limbs(BigInteger[] coefficients) {
        int[][] limbs = new int[PRIMES.length][];
        for (int l = 0; l < PRIMES.length; l++) {
            limbs[l] = TestData.mod(coefficients, PRIMES[l]);
        }
        return limbs;
    }

    // ------------------------------------------------------------------------------------------ mismatched operands

    /** Every binary operation, as op(this, other): other is an operand (or out) of another shape. */
    private static Map<String, BiConsumer<RnsPoly, RnsPoly>> binaryOperations() {
        Map<String, BiConsumer<RnsPoly, RnsPoly>> ops = new LinkedHashMap<>();
        ops.put("add", (a, o) -> a.add(o, a));
        ops.put("sub", (a, o) -> a.sub(a, o));
        ops.put("mul", (a, o) -> a.mul(o, a));
        ops.put("mulAdd", (a, o) -> a.mulAdd(a, o));
        ops.put("negate", (a, o) -> a.negate(o));
        ops.put("mulScalar", (a, o) -> a.mulScalar(3, o));
        ops.put("shoupCompanions", (a, o) -> a.shoupCompanions(o));
        ops.put("mulShoup", (a, o) -> a.mulShoup(a, o, a));
        ops.put("mulAddShoup", (a, o) -> a.mulAddShoup(o, a, a));
        ops.put("copyFrom", (a, o) -> a.copyFrom(o));
        ops.put("automorphismNtt", (a, o) -> a.automorphismNtt(5, o));
        ops.put("automorphismCoefficients", (a, o) -> a.automorphismCoefficients(5, o));
        return ops;
    }

    private void assertRejected(RnsBasis other, String problem) {
        try (RnsPoly a = RnsPoly.zeros(BASIS, allocator); RnsPoly o = RnsPoly.zeros(other, allocator)) {
            binaryOperations().forEach((name, op) -> assertEquals(name + ": " + problem,
                    assertThrows(IllegalArgumentException.class, () -> op.accept(a, o), name).getMessage()));
        }
    }

    @Test
    void mismatchedLimbCountsAreRejected() {
        assertRejected(BASIS.sub(0, 2), "mismatched limb counts (3 and 2)");
    }

    @Test
    void differentPrimesAreRejected() {
        assertRejected(RnsBasis.of(N, PRIMES[0], PRIMES[1], Primes.near(24, N, 2)[1]), "operands are over different primes");
        assertRejected(RnsBasis.of(N, PRIMES[1], PRIMES[0], PRIMES[2]), "operands are over different primes");
    }

    @Test
    void differentRingDegreesAreRejected() {
        assertRejected(RnsBasis.of(2 * N, Primes.below(30, 2 * N, 3)), "ring degrees differ (N = 256 and 512)");
    }

    // ------------------------------------------------------------------------------------------ basis, allocation

    @Test
    void basisRejectsRepeatedAndMissingPrimes() {
        assertEquals("prime " + PRIMES[0] + " appears twice in the RNS basis", assertThrows(IllegalArgumentException.class,
                () -> RnsBasis.of(N, PRIMES[0], PRIMES[1], PRIMES[0])).getMessage());
        assertEquals("an RNS basis needs at least one prime",
                assertThrows(IllegalArgumentException.class, () -> RnsBasis.of(N)).getMessage());
        assertEquals(RnsBasis.of(N, PRIMES), BASIS);
        assertEquals(RnsBasis.of(N, PRIMES).hashCode(), BASIS.hashCode());
        assertNotEquals(BASIS.sub(0, 2), BASIS);
        assertArrayEquals(new long[] {PRIMES[1], PRIMES[2]}, BASIS.sub(1, 3).primes());
    }

    @Test
    void closingReturnsTheBlockAndDoubleCloseIsAnError() {
        RnsPoly p = RnsPoly.zeros(BASIS, allocator);
        assertEquals(BASIS.limbBytes() * 3, allocator.liveBytes());
        p.close();
        assertEquals(0, allocator.liveBytes());
        assertThrows(IllegalStateException.class, p::close);
    }

    // ------------------------------------------------------------------------------------------ views

    /** Native memory holding {@code limbs} limb-major, as a polynomial's block would, aligned as a view needs. */
    private static MemorySegment segmentOf(Arena arena, int[][] limbs) {
        MemorySegment s = arena.allocate(BASIS.limbBytes() * BASIS.size(), LimbAllocator.ALIGNMENT);
        for (int l = 0; l < limbs.length; l++) {
            MemorySegment.copy(limbs[l], 0, s, ValueLayout.JAVA_INT, l * BASIS.limbBytes(), N);
        }
        return s;
    }

    @Test
    void viewComputesOnTheSegmentWithoutCopyingOrOwningIt() {
        int[][] x = residues(40), y = residues(41);
        Arena arena = Arena.ofShared();
        MemorySegment sx = segmentOf(arena, x), sy = segmentOf(arena, y);
        RnsPoly vx = RnsPoly.view(BASIS, sx), vy = RnsPoly.view(BASIS, sy);
        try {
            assertLimbs(x, vx, "view of x");
            try (RnsPoly out = RnsPoly.zeros(BASIS, allocator)) {
                vx.mul(vy, out);
                assertLimbs(expected((a, b, c) -> a.multiply(b), x, y, null), out, "view x times view y");
                vx.add(out, vy); // a view as the output writes into its segment
            }
            assertLimbs(expected((a, b, c) -> a.add(a.multiply(b)), x, y, null), vy, "x + xy written through a view");
            assertEquals(vy.get(2, 7), sy.getAtIndex(ValueLayout.JAVA_INT, 2L * N + 7), "the segment holds the result");
            long live = allocator.liveBytes();
            vx.close();
            vx.close(); // a view owns nothing: closing twice is harmless
            assertEquals(live, allocator.liveBytes());
            assertLimbs(x, vx, "a closed view still reads its segment");
        } finally {
            arena.close();
        }
        assertThrows(IllegalStateException.class, () -> vx.get(0, 0), "the segment's owner freed it");
    }

    @Test
    void viewOfReadOnlyMemoryRefusesWrites() {
        try (Arena arena = Arena.ofShared()) {
            RnsPoly v = RnsPoly.view(BASIS, segmentOf(arena, residues(42)).asReadOnly());
            assertEquals(residues(42)[1][3], v.get(1, 3));
            assertThrows(IllegalArgumentException.class, () -> v.set(1, 3, 0));
            assertThrows(UnsupportedOperationException.class, () -> v.mulScalar(3, v));
        }
    }

    @Test
    void viewRejectsWrongSizesMisalignmentAndHeapMemory() {
        long bytes = BASIS.limbBytes() * BASIS.size();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment s = arena.allocate(bytes + LimbAllocator.ALIGNMENT, LimbAllocator.ALIGNMENT);
            assertThrows(IllegalArgumentException.class, () -> RnsPoly.view(BASIS, s.asSlice(0, bytes - 4)));
            assertThrows(IllegalArgumentException.class, () -> RnsPoly.view(BASIS, s));
            assertThrows(IllegalArgumentException.class, () -> RnsPoly.view(BASIS, s.asSlice(4, bytes)));
            assertThrows(IllegalArgumentException.class,
                    () -> RnsPoly.view(BASIS, MemorySegment.ofArray(new int[(int) (bytes / 4)])));
            assertEquals(3, RnsPoly.view(BASIS, s.asSlice(LimbAllocator.ALIGNMENT, bytes)).limbCount());
        }
    }
}
