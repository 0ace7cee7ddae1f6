package dev.hyphenj.ckks.io;

import static dev.hyphenj.ckks.io.IoFixture.PARAMS;
import static dev.hyphenj.ckks.io.IoFixture.SK;
import static dev.hyphenj.ckks.io.IoFixture.assertSameCiphertext;
import static dev.hyphenj.ckks.io.IoFixture.assertSamePoly;
import static dev.hyphenj.ckks.io.IoFixture.bytes;
import static dev.hyphenj.ckks.io.IoFixture.decrypt;
import static dev.hyphenj.ckks.io.IoFixture.encrypt;
import static dev.hyphenj.ckks.io.IoFixture.in;
import static dev.hyphenj.ckks.io.IoFixture.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.Ciphertext;
import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.Encryptor;
import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.Evaluator;
import dev.hyphenj.ckks.KeyGenerator;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.Plaintext;
import dev.hyphenj.ckks.PublicKey;
import dev.hyphenj.ckks.SecretKey;
import dev.hyphenj.ckks.Security;
import dev.hyphenj.ckks.SwitchingKey;
import dev.hyphenj.ntt.RnsPoly;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Round trips of every serialized type, and keys that still work after one. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SerializerTest {
    private final KeyGenerator keyGen = new KeyGenerator(PARAMS);
    private final int top = PARAMS.maxLevel();
    private SwitchingKey rot1;
    private SwitchingKey relin;

    @BeforeAll
    void setUp() {
        rot1 = keyGen.galoisKey(SK, Encoder.galoisElement(1, PARAMS.n()));
        relin = keyGen.relinearizationKey(SK);
    }

    @AfterAll
    void tearDown() {
        rot1.close();
        relin.close();
    }

    private static Evaluator evaluatorWith(SwitchingKey relinearization, SwitchingKey... galois) {
        Map<Long, SwitchingKey> map = new java.util.HashMap<>();
        for (SwitchingKey k : galois) {
            map.put(k.galoisElement(), k);
        }
        return new Evaluator(PARAMS, new EvaluationKeys(relinearization, map));
    }

    private static void assertSameKey(SwitchingKey want, SwitchingKey got) {
        Internals.Bridge br = Internals.bridge();
        assertEquals(want.level(), got.level());
        assertEquals(want.galoisElement(), got.galoisElement());
        assertEquals(want.digits(), got.digits());
        assertArrayEquals(br.seed(want), br.seed(got));
        for (int j = 0; j < want.digits(); j++) {
            assertSamePoly(br.b(want)[j], br.b(got)[j], "b[" + j + "]");
            assertSamePoly(br.a(want)[j], br.a(got)[j], "a[" + j + "]");
        }
    }

    /** The limbs of a key's digit restricted to Q_level and P. */
    private static void assertCutOf(SwitchingKey full, SwitchingKey cut) {
        Internals.Bridge br = Internals.bridge();
        int level = cut.level(), qLimbs = PARAMS.primesAtLevel(level), qTop = PARAMS.primesAtLevel(full.level());
        int pLimbs = PARAMS.pPrimes().length;
        assertEquals(PARAMS.dnum(level), cut.digits());
        for (int j = 0; j < cut.digits(); j++) {
            for (boolean isA : new boolean[] {false, true}) {
                RnsPoly f = (isA ? br.a(full) : br.b(full))[j], c = (isA ? br.a(cut) : br.b(cut))[j];
                try (RnsPoly want = RnsPoly.zeros(PARAMS.basisQP(level))) {
                    want.copyLimbsFrom(f, 0, 0, qLimbs).copyLimbsFrom(f, qTop, qLimbs, pLimbs);
                    assertSamePoly(want, c, (isA ? "a[" : "b[") + j + "] cut to level " + level);
                }
            }
        }
    }

    @Test
    void parametersRoundTrip() throws IOException {
        Parameters back = Serializer.readParameters(in(bytes(o -> Serializer.write(o, PARAMS))));
        assertArrayEquals(PARAMS.hash(), back.hash());
        assertEquals(PARAMS.toString(), back.toString());
        assertTrue(back.security().insecure());

        Parameters secure = Parameters.builder("small-secure").logN(12).levelBits(new int[] {30}, new int[] {30})
                .specialBits(30).digitPrimes(1).logScale(25).build();
        Parameters secureBack = Serializer.readParameters(in(bytes(o -> Serializer.write(o, secure))));
        assertArrayEquals(secure.hash(), secureBack.hash());
        assertEquals(secure.security(), secureBack.security());

        Parameters custom = Parameters.builder("custom-claim").logN(12).levelBits(new int[] {30}, new int[] {30})
                .specialBits(30).digitPrimes(1).logScale(25).security(new Security(100, 200, "someone's estimate"))
                .build();
        assertThrows(IllegalArgumentException.class, () -> Serializer.write(new ByteArrayOutputStream(), custom));
    }

    @Test
    void ciphertextAndPlaintextRoundTrip() throws IOException {
        double[] x = values(1);
        for (int level : new int[] {top, 1, 0}) {
            try (Ciphertext ct = encrypt(x, level);
                    Ciphertext back = Serializer.readCiphertext(in(bytes(o -> Serializer.write(o, PARAMS, ct))), PARAMS)) {
                assertEquals(level, back.level());
                assertArrayEquals(decrypt(ct, SK), decrypt(back, SK));
                ct.setScale(ct.scale() * (1 + 0x1p-40)); // an exact, non-power-of-two scale survives
                try (Ciphertext back2 = Serializer.readCiphertext(in(bytes(o -> Serializer.write(o, PARAMS, ct))),
                        PARAMS)) {
                    assertSameCiphertext(ct, back2);
                }
            }
        }
        try (Plaintext pt = IoFixture.ENCODER.encode(x, 2, Math.pow(2, 29.5));
                Plaintext back = Serializer.readPlaintext(in(bytes(o -> Serializer.write(o, PARAMS, pt))), PARAMS)) {
            assertEquals(pt.level(), back.level());
            assertEquals(pt.scale(), back.scale());
            assertEquals(pt.logSlots(), back.logSlots());
            assertSamePoly(pt.poly(), back.poly(), "plaintext");
        }
    }

    @Test
    void severalObjectsFollowOneAnotherOnAStream() throws IOException {
        try (Ciphertext a = encrypt(values(2), top); Ciphertext b = encrypt(values(3), 1)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Serializer.write(out, PARAMS);
            Serializer.write(out, PARAMS, a);
            Serializer.write(out, PARAMS, b);
            ByteArrayInputStream in = in(out.toByteArray());
            Parameters p = Serializer.readParameters(in);
            try (Ciphertext a2 = Serializer.readCiphertext(in, p); Ciphertext b2 = Serializer.readCiphertext(in, p)) {
                assertSameCiphertext(a, a2);
                assertSameCiphertext(b, b2);
            }
            assertEquals(-1, in.read());
        }
    }

    @Test
    void publicAndSecretKeysRoundTrip(@TempDir Path dir) throws IOException {
        double[] x = values(4);
        try (PublicKey pk = keyGen.publicKey(SK);
                PublicKey back = Serializer.readPublicKey(in(bytes(o -> Serializer.write(o, pk))), PARAMS)) {
            Internals.Bridge br = Internals.bridge();
            assertSamePoly(br.publicB(pk), br.publicB(back), "b");
            assertSamePoly(br.publicA(pk), br.publicA(back), "a");
            KeyCheck.verify(back, SK);
            try (Plaintext pt = IoFixture.ENCODER.encode(x, top, PARAMS.scale());
                    Ciphertext ct = new Encryptor(PARAMS, back).encrypt(pt)) {
                double[] got = decrypt(ct, SK);
                for (int i = 0; i < x.length; i++) {
                    assertEquals(x[i], got[i], 0x1p-10);
                }
            }
        }
        Path file = dir.resolve("secret.key");
        Serializer.saveSecretKey(file, SK);
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        try (SecretKey back = Serializer.loadSecretKey(file, PARAMS); Ciphertext ct = encrypt(x, top)) {
            assertSamePoly(Internals.bridge().secretPoly(SK), Internals.bridge().secretPoly(back), "s");
            assertArrayEquals(decrypt(ct, SK), decrypt(ct, back));
        }
    }

    @Test
    void galoisKeyPlainAndSeededRoundTripAndStillRotates() throws IOException {
        try (SwitchingKey plain = Serializer.readSwitchingKey(
                        in(bytes(o -> Serializer.write(o, rot1, KeyForm.PLAIN, top))), PARAMS);
                SwitchingKey seeded = Serializer.readSwitchingKey(in(bytes(o -> Serializer.write(o, rot1))), PARAMS);
                Ciphertext ct = encrypt(values(5), top)) {
            assertSameKey(rot1, plain);
            assertSameKey(rot1, seeded); // the regenerated a halves equal the generated ones, limb for limb
            try (Ciphertext want = evaluatorWith(null, rot1).rotate(ct, 1);
                    Ciphertext got = evaluatorWith(null, seeded).rotate(ct, 1)) {
                assertSameCiphertext(want, got);
            }
        }
    }

    @Test
    void relinearizationKeyRoundTripStillMultiplies() throws IOException {
        try (SwitchingKey seeded = Serializer.readSwitchingKey(in(bytes(o -> Serializer.write(o, relin))), PARAMS);
                Ciphertext a = encrypt(values(6), top); Ciphertext b = encrypt(values(7), top);
                Ciphertext want = evaluatorWith(relin).multiply(a, b);
                Ciphertext got = evaluatorWith(seeded).multiply(a, b)) {
            assertSameKey(relin, seeded);
            assertSameCiphertext(want, got);
        }
    }

    @Test
    void levelCutKeysWorkAtOrBelowTheirLevelAndAreRefusedAbove() throws IOException {
        int cut = 1;
        for (KeyForm form : KeyForm.values()) {
            try (SwitchingKey k = Serializer.readSwitchingKey(in(bytes(o -> Serializer.write(o, rot1, form, cut))),
                    PARAMS)) {
                assertEquals(cut, k.level());
                assertCutOf(rot1, k);
                Evaluator full = evaluatorWith(null, rot1), cutEval = evaluatorWith(null, k);
                for (int level = 0; level <= cut; level++) {
                    try (Ciphertext ct = encrypt(values(8 + level), level); Ciphertext want = full.rotate(ct, 1);
                            Ciphertext got = cutEval.rotate(ct, 1)) {
                        assertSameCiphertext(want, got);
                    }
                }
                try (Ciphertext above = encrypt(values(10), cut + 1)) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> cutEval.rotate(above, 1));
                    assertTrue(e.getMessage().contains("cut to level " + cut), e.getMessage());
                }
                // a cut key can be cut again, not raised
                try (SwitchingKey again = Serializer.readSwitchingKey(
                        in(bytes(o -> Serializer.write(o, k, KeyForm.SEEDED, 0))), PARAMS)) {
                    assertCutOf(rot1, again);
                }
                assertThrows(IllegalArgumentException.class,
                        () -> Serializer.write(new ByteArrayOutputStream(), k, KeyForm.SEEDED, cut + 1));
            }
        }
        // a key generated directly at the lower level regenerates from its seed the same way
        try (SwitchingKey direct = keyGen.galoisKey(SK, rot1.galoisElement(), cut);
                SwitchingKey back = Serializer.readSwitchingKey(in(bytes(o -> Serializer.write(o, direct))), PARAMS)) {
            assertSameKey(direct, back);
        }
    }

    @Test
    void keySizesAreExactAndReported() throws IOException {
        for (KeyForm form : KeyForm.values()) {
            for (int level = 0; level <= top; level++) {
                int l = level;
                assertEquals(bytes(o -> Serializer.write(o, rot1, form, l)).length,
                        Serializer.serializedBytes(rot1, form, level), form + " at level " + level);
            }
        }
        KeySizes s = Serializer.keySizes(rot1, 1);
        System.out.println("io-test (N = 2^11, dnum 3, |P| = 3) Galois key: " + s);
        long payload = rot1.plainBytes();
        assertTrue(s.plain() > payload && s.plain() < payload + 200, s.toString());
        assertTrue(s.seeded() > payload / 2 && s.seeded() < payload / 2 + 200, s.toString());
        assertTrue(s.seededCut() < s.seeded() && s.plainCut() < s.plain(), s.toString());
    }

    @Test
    void evaluationKeysRoundTrip(@TempDir Path dir) throws IOException {
        try (EvaluationKeys keys = keyGen.evaluationKeys(SK, new int[] {1, -1, 3}, true)) {
            KeyCheck.verify(keys, SK);
            for (KeyForm form : KeyForm.values()) {
                Path file = dir.resolve("keys-" + form + ".bin");
                Serializer.save(file, PARAMS, keys, form, top);
                try (EvaluationKeys back = Serializer.loadEvaluationKeys(file, PARAMS)) {
                    assertSameKey(keys.relinearization(), back.relinearization());
                    assertEquals(keys.galoisKeys().keySet(), back.galoisKeys().keySet());
                    for (long k : keys.galoisKeys().keySet()) {
                        assertSameKey(keys.galois(k), back.galois(k));
                    }
                    KeyCheck.verify(back, SK);
                }
            }
            Path cut = dir.resolve("keys-cut.bin");
            Serializer.save(cut, PARAMS, keys, KeyForm.SEEDED, 1);
            assertEquals(Serializer.serializedBytes(PARAMS, keys, KeyForm.SEEDED, 1), Files.size(cut));
            assertEquals(Serializer.serializedBytes(PARAMS, keys, KeyForm.PLAIN, top),
                    Files.size(dir.resolve("keys-PLAIN.bin")));
            try (EvaluationKeys back = Serializer.loadEvaluationKeys(cut, PARAMS)) {
                assertEquals(1, back.relinearization().level());
                for (long k : keys.galoisKeys().keySet()) {
                    assertCutOf(keys.galois(k), back.galois(k));
                }
            }
        }
        EvaluationKeys onlyGalois = new EvaluationKeys(null, Map.of(rot1.galoisElement(), rot1)); // not closed: rot1
        try (EvaluationKeys back = Serializer.readEvaluationKeys(
                        in(bytes(o -> Serializer.write(o, PARAMS, onlyGalois))), PARAMS)) {
            assertThrows(IllegalStateException.class, back::relinearization);
            assertSameKey(rot1, back.galois(rot1.galoisElement()));
        }
    }

    @Test
    void fileHelpersRoundTrip(@TempDir Path dir) throws IOException {
        Path pFile = dir.resolve("params.bin"), cFile = dir.resolve("ct.bin"), kFile = dir.resolve("rot.key");
        Serializer.saveParameters(pFile, PARAMS);
        Parameters p = Serializer.loadParameters(pFile);
        try (Ciphertext ct = encrypt(values(11), top)) {
            Serializer.save(cFile, p, ct);
            try (Ciphertext back = Serializer.loadCiphertext(cFile, PARAMS)) {
                assertSameCiphertext(ct, back);
            }
        }
        Serializer.save(kFile, rot1, KeyForm.SEEDED, top);
        assertEquals(Serializer.serializedBytes(rot1, KeyForm.SEEDED, top), Files.size(kFile));
        try (SwitchingKey back = Serializer.loadSwitchingKey(kFile, PARAMS)) {
            assertSameKey(rot1, back);
        }
    }

    /** The sizes at the shape of the ckks tests' TestParameters.SCALE_30 (N = 2^12, 8 primes of Q, |P| = 3). */
    @Test
    void keySizesAtTheScale30TestParameters() {
        Parameters p = Parameters.builder("test-2^30").logN(12)
                .levelBits(new int[] {30, 30}, new int[] {30}, new int[] {30}, new int[] {30}, new int[] {30},
                        new int[] {30, 30})
                .specialBits(30, 30, 30).digitPrimes(2).logScale(30).insecure().build();
        try (SecretKey sk = new KeyGenerator(p).secretKey();
                SwitchingKey k = new KeyGenerator(p).galoisKey(sk, Encoder.galoisElement(1, p.n()))) {
            for (int cut : new int[] {3, 1}) {
                KeySizes s = Serializer.keySizes(k, cut);
                System.out.println("test-2^30 (N = 2^12, dnum 4, |P| = 3) Galois key: " + s);
                assertTrue(s.seeded() < s.plain() / 2 + 200 && s.seededCut() < s.seeded());
            }
        }
    }

    /** Limbs of 128 KiB pass through the 64 KiB chunk in pieces; no write is larger than the chunk. */
    @Test
    void limbsLargerThanTheChunkStream() throws IOException {
        Parameters big = Parameters.builder("io-big-limbs").logN(15).levelBits(new int[] {30}, new int[] {30})
                .specialBits(30).digitPrimes(1).logScale(30).insecure().build();
        double[] x = new double[big.slots()];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.sin(i);
        }
        Encoder enc = new Encoder(big);
        try (SecretKey sk = new KeyGenerator(big).secretKey(); Plaintext pt = enc.encode(x, 1, big.scale());
                Ciphertext ct = new Encryptor(big, sk).encrypt(pt)) {
            long[] largest = {0};
            ByteArrayOutputStream sink = new ByteArrayOutputStream() {
                @Override
                public synchronized void write(byte[] b, int off, int len) {
                    largest[0] = Math.max(largest[0], len);
                    super.write(b, off, len);
                }
            };
            Serializer.write(sink, big, ct);
            assertTrue(largest[0] <= BinaryOut.CHUNK, "largest write " + largest[0]);
            byte[] b = sink.toByteArray();
            try (Ciphertext back = Serializer.readCiphertext(in(b), big)) {
                assertSameCiphertext(ct, back);
            }
            int inSecondChunkOfLimb1 = b.length - 4 - 2 * (4 + 2 * big.n() * 4) + 4 + big.n() * 4 + BinaryOut.CHUNK + 5;
            SerializationException e = assertThrows(SerializationException.class,
                    () -> Serializer.readCiphertext(in(java.util.Arrays.copyOf(b, inSecondChunkOfLimb1)), big));
            assertTrue(e.getMessage().contains("limb 1 of c0"), e.getMessage());
        }
    }

    @Test
    void onlySwitchingKeyInstallsTheBridge() {
        assertThrows(SecurityException.class, () -> Internals.install(null));
    }
}
