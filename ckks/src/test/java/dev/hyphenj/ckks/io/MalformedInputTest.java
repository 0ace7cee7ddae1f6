package dev.hyphenj.ckks.io;

import static dev.hyphenj.ckks.io.IoFixture.OTHER;
import static dev.hyphenj.ckks.io.IoFixture.PARAMS;
import static dev.hyphenj.ckks.io.IoFixture.SK;
import static dev.hyphenj.ckks.io.IoFixture.assertProblem;
import static dev.hyphenj.ckks.io.IoFixture.bytes;
import static dev.hyphenj.ckks.io.IoFixture.encrypt;
import static dev.hyphenj.ckks.io.IoFixture.in;
import static dev.hyphenj.ckks.io.IoFixture.values;
import static dev.hyphenj.ckks.io.IoFixture.withFixedChecksum;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.Ciphertext;
import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.KeyGenerator;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.PublicKey;
import dev.hyphenj.ckks.SecretKey;
import dev.hyphenj.ckks.SwitchingKey;
import dev.hyphenj.ckks.io.SerializationException.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Truncated, corrupted and mismatched input: each gives its own clear, one-line error. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedInputTest {
    /** Offsets in a ciphertext of PARAMS ("io-test", 7 bytes of name). */
    private static final int VERSION = 8, TYPE = 12, HASH = 13, BODY = 8 + 4 + 1 + 32 + 2 + 7 + 4;
    private static final int FIRST_LIMB = BODY + 4 + 4 + 8 + 4;

    private Ciphertext ct;
    private byte[] ctBytes;

    @BeforeAll
    void setUp() throws IOException {
        ct = encrypt(values(20), PARAMS.maxLevel());
        ctBytes = bytes(o -> Serializer.write(o, PARAMS, ct));
    }

    @AfterAll
    void tearDown() {
        ct.close();
    }

    private SerializationException readCt(Problem problem, byte[] b) {
        return assertProblem(problem, () -> Serializer.readCiphertext(in(b), PARAMS).close());
    }

    @Test
    void truncatedInputAtSeveralPlaces() {
        assertTrue(readCt(Problem.TRUNCATED, new byte[0]).getMessage().contains("empty"));
        int limbBytes = PARAMS.n() * 4;
        int[] ends = {3, 8, 20, BODY - 1, BODY + 2, FIRST_LIMB + 1000, FIRST_LIMB + 3 * limbBytes + 17,
                ctBytes.length - 4, ctBytes.length - 1};
        for (int end : ends) {
            SerializationException e = readCt(Problem.TRUNCATED, Arrays.copyOf(ctBytes, end));
            assertTrue(e.getMessage().contains("truncated ciphertext") && e.getMessage().contains("after " + end),
                    e.getMessage());
        }
        String inLimb = readCt(Problem.TRUNCATED, Arrays.copyOf(ctBytes, FIRST_LIMB + 3 * limbBytes + 17)).getMessage();
        assertTrue(inLimb.contains("limb 3 of c0"), inLimb);
        String inCrc = readCt(Problem.TRUNCATED, Arrays.copyOf(ctBytes, ctBytes.length - 2)).getMessage();
        assertTrue(inCrc.contains("checksum"), inCrc);
    }

    @Test
    void truncatedKeys() throws IOException {
        try (SwitchingKey k = new KeyGenerator(PARAMS).galoisKey(SK, Encoder.galoisElement(1, PARAMS.n()))) {
            for (KeyForm form : KeyForm.values()) {
                byte[] b = bytes(o -> Serializer.write(o, k, form, PARAMS.maxLevel()));
                for (int end : new int[] {BODY + 5, b.length / 2, b.length - 3}) {
                    SerializationException e = assertProblem(Problem.TRUNCATED,
                            () -> Serializer.readSwitchingKey(in(Arrays.copyOf(b, end)), PARAMS).close());
                    assertTrue(e.getMessage().contains("truncated switching key"), e.getMessage());
                }
            }
        }
    }

    @Test
    void flippedBytes() {
        int limbBytes = PARAMS.n() * 4;
        // in the residues (a low bit: still a residue, so only the checksum can tell), the scale, the trailer
        for (int at : new int[] {FIRST_LIMB + 4 * 100, FIRST_LIMB + 5 * limbBytes + 40, BODY + 10, ctBytes.length - 1}) {
            byte[] b = ctBytes.clone();
            b[at] ^= 0x01;
            String m = readCt(Problem.CORRUPTED, b).getMessage();
            assertTrue(m.contains("checksum mismatch"), m);
        }
        // in the header: its own checksum tells corruption from other parameters
        for (int at : new int[] {TYPE, HASH + 5, BODY - 1}) {
            byte[] b = ctBytes.clone();
            b[at] ^= 0x40;
            String m = readCt(Problem.CORRUPTED, b).getMessage();
            assertTrue(m.contains("header checksum"), m);
        }
        // a residue at or above its prime is caught where it is
        byte[] b = ctBytes.clone();
        b[FIRST_LIMB + 4 * 7 + 3] = (byte) 0xFF;
        String m = readCt(Problem.CORRUPTED, b).getMessage();
        assertTrue(m.contains("not a residue") && m.contains("limb 0 of c0"), m);
        // a field out of range behind a valid checksum
        byte[] level = ctBytes.clone();
        level[BODY] = 9;
        m = readCt(Problem.CORRUPTED, withFixedChecksum(level)).getMessage();
        assertTrue(m.contains("the level is 9"), m);
    }

    @Test
    void wrongMagic() throws IOException {
        byte[] b = ctBytes.clone();
        b[0] = 'X';
        assertTrue(readCt(Problem.NOT_HYPHENJ, b).getMessage().contains("not a HyPHEN-J object"));
        readCt(Problem.NOT_HYPHENJ, "{\"name\": \"a JSON profile\"}".getBytes(StandardCharsets.UTF_8));
        readCt(Problem.NOT_HYPHENJ, new byte[] {0x50, 0x4b, 0x03});
    }

    @Test
    void wrongVersion() {
        byte[] b = ctBytes.clone();
        b[VERSION] = 2;
        String m = readCt(Problem.UNSUPPORTED_VERSION, b).getMessage();
        assertTrue(m.contains("version 2") && m.contains("reads version 1"), m);
        b[VERSION] = 0;
        b[VERSION + 3] = (byte) 0x80;
        readCt(Problem.UNSUPPORTED_VERSION, b);
    }

    @Test
    void wrongType() throws IOException {
        SerializationException e = assertProblem(Problem.WRONG_TYPE,
                () -> Serializer.readSwitchingKey(in(ctBytes), PARAMS).close());
        assertTrue(e.getMessage().contains("holds a ciphertext, expected a switching key"), e.getMessage());
        assertProblem(Problem.WRONG_TYPE, () -> Serializer.readPlaintext(in(ctBytes), PARAMS).close());
        assertProblem(Problem.WRONG_TYPE, () -> Serializer.readParameters(in(ctBytes)));
        assertProblem(Problem.WRONG_TYPE, () -> Serializer.readEvaluationKeys(in(ctBytes), PARAMS).close());
        byte[] params = bytes(o -> Serializer.write(o, PARAMS));
        assertProblem(Problem.WRONG_TYPE, () -> Serializer.readCiphertext(in(params), PARAMS).close());
        try (PublicKey pk = new KeyGenerator(PARAMS).publicKey(SK)) {
            byte[] b = bytes(o -> Serializer.write(o, pk));
            assertProblem(Problem.WRONG_TYPE, () -> Serializer.readCiphertext(in(b), PARAMS).close());
        }
    }

    @Test
    void otherParameters(@TempDir Path dir) throws IOException {
        SerializationException e = assertProblem(Problem.PARAMETER_MISMATCH,
                () -> Serializer.readCiphertext(in(ctBytes), OTHER).close());
        String m = e.getMessage();
        assertTrue(m.startsWith("ciphertext was made with parameters 'io-test' (hash " + PARAMS.shortHash()
                + "), expected 'io-test-other' (hash " + OTHER.shortHash() + ")"), m);
        try (SwitchingKey k = new KeyGenerator(PARAMS).relinearizationKey(SK)) {
            byte[] b = bytes(o -> Serializer.write(o, k));
            assertProblem(Problem.PARAMETER_MISMATCH, () -> Serializer.readSwitchingKey(in(b), OTHER).close());
        }
        Path file = dir.resolve("secret.key");
        Serializer.saveSecretKey(file, SK);
        assertProblem(Problem.PARAMETER_MISMATCH, () -> Serializer.loadSecretKey(file, OTHER).close());
    }

    @Test
    void keysForAnotherSecretAreDetectedWithTheSecretKey() throws IOException {
        KeyGenerator kg = new KeyGenerator(PARAMS);
        try (SecretKey other = kg.secretKey(); PublicKey pk = kg.publicKey(other);
                SwitchingKey rot = kg.galoisKey(other, Encoder.galoisElement(3, PARAMS.n()), 1);
                SwitchingKey relin = kg.relinearizationKey(other);
                PublicKey pkBack = Serializer.readPublicKey(in(bytes(o -> Serializer.write(o, pk))), PARAMS);
                SwitchingKey rotBack = Serializer.readSwitchingKey(in(bytes(o -> Serializer.write(o, rot))), PARAMS)) {
            KeyCheck.verify(pkBack, other);
            KeyCheck.verify(rotBack, other);
            KeyCheck.verify(relin, other);
            for (Runnable check : new Runnable[] {() -> KeyCheck.verify(pkBack, SK), () -> KeyCheck.verify(rotBack, SK),
                    () -> KeyCheck.verify(relin, SK)}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, check::run);
                assertTrue(e.getMessage().contains("was not made for this secret key"), e.getMessage());
            }
        }
    }

    @Test
    void invalidParametersBehindAValidChecksum() throws IOException {
        // the insecure flag cleared: log2 QP far above the 128-bit bound for N = 2^11, so the builder refuses it
        byte[] b = bytes(o -> Serializer.write(o, PARAMS));
        b[b.length - 5] = 0;
        SerializationException e = assertProblem(Problem.INVALID,
                () -> Serializer.readParameters(in(withFixedChecksum(b))));
        assertTrue(e.getMessage().contains("refused") && e.getMessage().contains("exceeds"), e.getMessage());
        // a prime changed: the rebuilt set no longer hashes to the recorded hash (or fails validation)
        byte[] c = bytes(o -> Serializer.write(o, PARAMS));
        int firstPrime = BODY + 4 + 4 + 4;
        long p = 0;
        for (int i = 7; i >= 0; i--) {
            p = p << 8 | (c[firstPrime + i] & 0xFF);
        }
        long other = dev.hyphenj.ntt.Primes.below(30, PARAMS.n(), 40, new long[0])[39];
        for (int i = 0; i < 8; i++) {
            c[firstPrime + i] = (byte) (other >>> (8 * i));
        }
        assertTrue(p != other);
        String m = assertProblem(Problem.CORRUPTED, () -> Serializer.readParameters(in(withFixedChecksum(c))))
                .getMessage();
        assertTrue(m.contains("rebuilds to hash"), m);
    }

    @Test
    void trailingBytesInAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ct.bin");
        byte[] b = Arrays.copyOf(ctBytes, ctBytes.length + 3);
        Files.write(file, b);
        String m = assertProblem(Problem.CORRUPTED, () -> Serializer.loadCiphertext(file, PARAMS).close()).getMessage();
        assertTrue(m.contains("bytes follow"), m);
        Path params = dir.resolve("p.bin");
        Files.write(params, bytes(o -> {
            Serializer.write(o, PARAMS);
            o.write(1);
        }));
        assertProblem(Problem.CORRUPTED, () -> Serializer.loadParameters(params));
        Parameters ok = Serializer.readParameters(in(Files.readAllBytes(params))); // a stream may go on
        assertTrue(Arrays.equals(ok.hash(), PARAMS.hash()));
    }
}
