package dev.hyphenj.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every operation against the same computation in plain double math; precision reported in bits. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvaluatorTest {
    private static final int[] ROTATIONS = {1, 2, 5, -1, -7};

    private final Parameters params = TestParameters.SCALE_30;
    private Encoder encoder;
    private SecretKey sk;
    private EvaluationKeys keys;
    private Encryptor encryptor;
    private Decryptor decryptor;
    private Evaluator evaluator;
    private double[] x;
    private double[] y;

    @BeforeAll
    void setUp() {
        encoder = new Encoder(params);
        KeyGenerator kg = new KeyGenerator(params);
        sk = kg.secretKey();
        keys = kg.evaluationKeys(sk, ROTATIONS, true);
        encryptor = new Encryptor(params, sk);
        decryptor = new Decryptor(params, sk);
        evaluator = new Evaluator(params, keys);
        SplittableRandom rnd = new SplittableRandom(11);
        x = new double[params.slots()];
        y = new double[params.slots()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextDouble(-1, 1);
            y[i] = rnd.nextDouble(-1, 1);
        }
    }

    @AfterAll
    void tearDown() {
        keys.close();
        sk.close();
    }

    private Ciphertext encrypt(double[] v, int level) {
        try (Plaintext pt = encoder.encode(v, level, params.scale())) {
            return encryptor.encrypt(pt);
        }
    }

    private double[] decrypt(Ciphertext ct) {
        try (Plaintext pt = decryptor.decrypt(ct)) {
            return encoder.decodeReal(pt);
        }
    }

    private void assertPrecision(String what, double[] want, Ciphertext ct, double minBits) {
        Precision p = Precision.of(decrypt(ct), want);
        System.out.printf("%-40s %s%n", what + ":", p);
        assertTrue(p.worstBits() >= minBits, what + ": " + p + ", expected at least " + minBits + " bits");
    }

    private static double[] map(double[] a, double[] b, java.util.function.DoubleBinaryOperator f) {
        double[] r = new double[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = f.applyAsDouble(a[i], b[i]);
        }
        return r;
    }

    @Test
    void encryptDecryptWithSecretAndPublicKey() {
        try (Ciphertext c = encrypt(x, params.maxLevel())) {
            assertPrecision("secret-key encryption", x, c, 18);
        }
        KeyGenerator kg = new KeyGenerator(params);
        try (PublicKey pk = kg.publicKey(sk); Plaintext pt = encoder.encode(x, params.maxLevel(), params.scale());
                Ciphertext c = new Encryptor(params, pk).encrypt(pt)) {
            assertPrecision("public-key encryption", x, c, 12);
        }
    }

    @Test
    void addSubNegate() {
        int top = params.maxLevel();
        try (Ciphertext a = encrypt(x, top); Ciphertext b = encrypt(y, top - 1);
                Ciphertext sum = evaluator.add(a, b); Ciphertext diff = evaluator.sub(a, b);
                Ciphertext neg = evaluator.negate(a)) {
            assertEquals(top - 1, sum.level());
            assertPrecision("add", map(x, y, Double::sum), sum, 17);
            assertPrecision("sub", map(x, y, (u, v) -> u - v), diff, 17);
            assertPrecision("negate", map(x, x, (u, v) -> -u), neg, 18);
        }
    }

    @Test
    void plaintextProductThenRescale() {
        int top = params.maxLevel() - 1; // a one-prime level: the rescale divides by about 2^30
        double q = params.levelPrimes(top)[0];
        try (Ciphertext a = encrypt(x, top); Plaintext p = encoder.encode(y, top, q);
                Ciphertext prod = evaluator.mulPlain(a, p); Ciphertext r = evaluator.rescale(prod)) {
            assertEquals(top - 1, r.level());
            assertEquals(params.scale(), r.scale(), params.scale() * 1e-12, "scale q_l * Delta / q_l = Delta exactly");
            assertPrecision("mulPlain + rescale (2^30)", map(x, y, (u, v) -> u * v), r, 17);
        }
    }

    @Test
    void plaintextProductSumEqualsProductsThenAdds() {
        int top = params.maxLevel() - 1;
        double q = params.levelPrimes(top)[0];
        try (Ciphertext a = encrypt(x, top); Ciphertext b = encrypt(y, top); Plaintext p = encoder.encode(y, top, q);
                Plaintext r = encoder.encode(x, top, q); Plaintext higher = encoder.encode(x, top + 1, q);
                Ciphertext ap = evaluator.mulPlain(a, p); Ciphertext br = evaluator.mulPlain(b, r);
                Ciphertext bh = evaluator.mulPlain(b, higher); Ciphertext sum = evaluator.add(ap, br);
                Ciphertext want = evaluator.add(sum, bh);
                Ciphertext got = evaluator.mulPlainSum(new Ciphertext[] {a, b, b}, new Plaintext[] {p, r, higher})) {
            assertEquals(want.scale(), got.scale());
            for (int l = 0; l < params.basisQ(top).size(); l++) {
                assertArrayEquals(want.c0().limbToArray(l), got.c0().limbToArray(l), "c0 limb " + l);
                assertArrayEquals(want.c1().limbToArray(l), got.c1().limbToArray(l), "c1 limb " + l);
            }
            try (Ciphertext rescaled = evaluator.rescale(got)) {
                assertPrecision("mulPlainSum + rescale", map(x, y, (u, v) -> 3 * u * v), rescaled, 16);
            }
            try (Ciphertext low = encrypt(x, top - 1); Plaintext other = encoder.encode(y, top, 2 * q)) {
                assertThrows(IllegalArgumentException.class,
                        () -> evaluator.mulPlainSum(new Ciphertext[] {a, low}, new Plaintext[] {p, p}));
                assertThrows(IllegalArgumentException.class,
                        () -> evaluator.mulPlainSum(new Ciphertext[] {a, b}, new Plaintext[] {p, other}),
                        "a product at another scale");
                assertThrows(IllegalArgumentException.class,
                        () -> evaluator.mulPlainSum(new Ciphertext[0], new Plaintext[0]));
            }
        }
    }

    /** Nineteen terms, more than a convolution's sum over two ciphertexts' nine taps: exact residue for residue. */
    @Test
    void plaintextProductSumOfManyTermsIsExact() {
        int top = params.maxLevel() - 1;
        double q = params.levelPrimes(top)[0];
        int terms = 19;
        try (Ciphertext a = encrypt(x, top); Ciphertext b = encrypt(y, top)) {
            Ciphertext[] cts = new Ciphertext[terms];
            Plaintext[] plains = new Plaintext[terms];
            for (int i = 0; i < terms; i++) {
                cts[i] = i % 3 == 0 ? b : a;
                plains[i] = encoder.encode(i % 2 == 0 ? x : y, top, q);
            }
            Ciphertext want = evaluator.mulPlain(cts[0], plains[0]);
            for (int i = 1; i < terms; i++) {
                try (Ciphertext term = evaluator.mulPlain(cts[i], plains[i]); Ciphertext old = want) {
                    want = evaluator.add(old, term);
                }
            }
            try (Ciphertext expected = want; Ciphertext got = evaluator.mulPlainSum(cts, plains)) {
                for (int l = 0; l < params.basisQ(top).size(); l++) {
                    assertArrayEquals(expected.c0().limbToArray(l), got.c0().limbToArray(l), "c0 limb " + l);
                    assertArrayEquals(expected.c1().limbToArray(l), got.c1().limbToArray(l), "c1 limb " + l);
                }
            } finally {
                for (Plaintext p : plains) {
                    p.close();
                }
            }
        }
    }

    @Test
    void multiplyRelinearizeRescaleAtScale30() {
        int level = params.maxLevel() - 1;
        try (Ciphertext a = encrypt(x, level); Ciphertext b = encrypt(y, level);
                Ciphertext prod = evaluator.multiply(a, b); Ciphertext r = evaluator.rescale(prod)) {
            assertEquals(params.scale() * params.scale() / params.levelPrimes(level)[0], r.scale(), 1e-3);
            assertPrecision("multiply + rescale (2^30)", map(x, y, (u, v) -> u * v), r, 16);
        }
    }

    @Test
    void multiplyRelinearizeRescaleAtScale60() {
        Parameters p60 = TestParameters.SCALE_60;
        Encoder enc = new Encoder(p60);
        KeyGenerator kg = new KeyGenerator(p60);
        try (SecretKey s = kg.secretKey(); EvaluationKeys k = kg.evaluationKeys(s, new int[0], false)) {
            Encryptor e = new Encryptor(p60, s);
            Evaluator ev = new Evaluator(p60, k);
            int top = p60.maxLevel();
            try (Plaintext px = enc.encode(x, top, p60.scale()); Plaintext py = enc.encode(y, top, p60.scale());
                    Ciphertext a = e.encrypt(px); Ciphertext b = e.encrypt(py);
                    Ciphertext prod = ev.multiply(a, b); Ciphertext r = ev.rescale(prod);
                    Plaintext out = new Decryptor(p60, s).decrypt(r)) {
                Precision prec = Precision.of(enc.decodeReal(out), map(x, y, (u, v) -> u * v));
                System.out.printf("%-40s %s%n", "multiply + rescale (2^60, two primes):", prec);
                assertEquals(top - 1, r.level());
                assertTrue(prec.worstBits() > 35, "two-prime rescale: " + prec);
            }
        }
    }

    @Test
    void rotationsShiftSlots() {
        try (Ciphertext a = encrypt(x, params.maxLevel())) {
            for (int r : ROTATIONS) {
                double[] want = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    want[i] = x[Math.floorMod(i + r, x.length)];
                }
                try (Ciphertext rot = evaluator.rotate(a, r)) {
                    assertPrecision("rotate " + r, want, rot, 16);
                }
            }
        }
    }

    @Test
    void linearCombinationEqualsIntegerProductsThenAdds() {
        int top = params.maxLevel(), level = top - 2;
        long[] c = {3, -(1L << 40) - 7, 1L << 60};
        try (Ciphertext a = encrypt(x, top); Ciphertext b = encrypt(y, level); Ciphertext d = encrypt(x, top - 1);
                Ciphertext a2 = evaluator.dropLevel(a, level); Ciphertext d2 = evaluator.dropLevel(d, level);
                Ciphertext ta = evaluator.mulInteger(a2, c[0]); Ciphertext tb = evaluator.mulInteger(b, c[1]);
                Ciphertext td = evaluator.mulInteger(d2, c[2]); Ciphertext partial = evaluator.add(ta, tb);
                Ciphertext want = evaluator.add(partial, td);
                Ciphertext got = evaluator.linearCombination(new Ciphertext[] {a, b, d}, c, level, 0x1p33)) {
            assertEquals(level, got.level());
            assertEquals(0x1p33, got.scale());
            for (int l = 0; l < params.basisQ(level).size(); l++) {
                assertArrayEquals(want.c0().limbToArray(l), got.c0().limbToArray(l), "c0 limb " + l);
                assertArrayEquals(want.c1().limbToArray(l), got.c1().limbToArray(l), "c1 limb " + l);
            }
            assertThrows(IllegalArgumentException.class,
                    () -> evaluator.linearCombination(new Ciphertext[] {a, b}, new long[] {1, 1}, top, 1));
            assertThrows(IllegalArgumentException.class,
                    () -> evaluator.linearCombination(new Ciphertext[] {a}, new long[0], top, 1));
        }
    }

    @Test
    void rotationSumWithOneModDownEqualsRotationsThenAdds() {
        int level = params.maxLevel() - 1;
        try (Ciphertext a = encrypt(x, level); Ciphertext b = encrypt(y, level);
                Ciphertext ra = evaluator.rotate(a, ROTATIONS[0]); Ciphertext rb = evaluator.rotate(b, ROTATIONS[1]);
                Ciphertext partial = evaluator.add(ra, rb); Ciphertext want = evaluator.add(partial, b);
                Ciphertext got = evaluator.rotateSum(new Ciphertext[] {a, b, b},
                        new int[] {ROTATIONS[0], ROTATIONS[1], 0})) {
            assertEquals(level, got.level());
            assertEquals(want.scale(), got.scale());
            Precision p = Precision.of(decrypt(got), decrypt(want));
            assertTrue(p.worstBits() > 16, "rotateSum against rotations and additions: " + p);
            double[] sum = new double[x.length];
            int s = params.slots();
            for (int i = 0; i < s; i++) {
                sum[i] = x[(i + ROTATIONS[0]) % s] + y[(i + ROTATIONS[1]) % s] + y[i];
            }
            assertPrecision("rotateSum", sum, got, 16);
            try (Ciphertext low = encrypt(x, level - 1)) {
                assertThrows(IllegalArgumentException.class,
                        () -> evaluator.rotateSum(new Ciphertext[] {a, low}, new int[] {1, 2}));
            }
            assertThrows(IllegalArgumentException.class, () -> evaluator.rotateSum(new Ciphertext[] {a}, new int[0]));
        }
    }

    @Test
    void hoistedRotationsEqualSeparateOnes() {
        try (Ciphertext a = encrypt(x, params.maxLevel() - 2)) {
            Ciphertext[] hoisted = evaluator.rotateHoisted(a, ROTATIONS);
            for (int i = 0; i < ROTATIONS.length; i++) {
                try (Ciphertext h = hoisted[i]; Ciphertext s = evaluator.rotate(a, ROTATIONS[i])) {
                    Precision p = Precision.of(decrypt(h), decrypt(s));
                    assertTrue(p.worstBits() > 16, "hoisted vs separate rotation " + ROTATIONS[i] + ": " + p);
                }
            }
        }
    }

    @Test
    void conjugationNegatesImaginaryParts() {
        double[] im = y;
        try (Plaintext pt = encoder.encode(x, im, params.maxLevel(), params.scale(), params.logSlots());
                Ciphertext a = encryptor.encrypt(pt); Ciphertext c = evaluator.conjugate(a);
                Plaintext out = decryptor.decrypt(c)) {
            double[][] got = encoder.decode(out);
            double[] negIm = map(im, im, (u, v) -> -u);
            Precision p = Precision.of(got[0], got[1], x, negIm);
            System.out.printf("%-40s %s%n", "conjugate:", p);
            assertTrue(p.worstBits() > 16, "conjugate: " + p);
        }
    }

    @Test
    void dropLevelAndConstants() {
        try (Ciphertext a = encrypt(x, params.maxLevel()); Ciphertext d = evaluator.dropLevel(a, 1);
                Ciphertext plus = evaluator.addConstant(d, 0.75); Ciphertext times = evaluator.mulInteger(d, -3)) {
            assertEquals(1, d.level());
            assertPrecision("dropLevel", x, d, 18);
            assertPrecision("addConstant", map(x, x, (u, v) -> u + 0.75), plus, 18);
            assertPrecision("mulInteger", map(x, x, (u, v) -> -3 * u), times, 16);
            // the constant added to the residues is the encoded constant polynomial, added as a plaintext
            try (Plaintext k = encoder.encodeConstant(0.75, d.level(), d.scale());
                    Ciphertext want = evaluator.addPlain(d, k)) {
                for (int l = 0; l < plus.c0().limbCount(); l++) {
                    assertArrayEquals(want.c0().limbToArray(l), plus.c0().limbToArray(l), "c0 limb " + l);
                    assertArrayEquals(want.c1().limbToArray(l), plus.c1().limbToArray(l), "c1 limb " + l);
                }
            }
        }
    }

    @Test
    void misuseIsRejectedWithClearMessages() {
        try (Ciphertext a = encrypt(x, 0); Ciphertext b = encrypt(y, 1); Ciphertext ab = evaluator.multiply(b, b)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> evaluator.rescale(a));
            assertTrue(e.getMessage().contains("level 0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> evaluator.add(ab, b));
            assertTrue(e.getMessage().contains("scales differ"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> evaluator.rotate(b, 3));
            assertTrue(e.getMessage().contains("no Galois key"), e.getMessage());
        }
        try (SecretKey other = new KeyGenerator(TestParameters.SCALE_60).secretKey()) {
            assertThrows(IllegalArgumentException.class, () -> new Decryptor(params, other));
        }
    }
}
