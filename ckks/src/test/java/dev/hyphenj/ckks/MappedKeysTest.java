package dev.hyphenj.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.io.KeyForm;
import dev.hyphenj.ckks.io.MappedKeys;
import dev.hyphenj.ckks.io.SerializationException;
import dev.hyphenj.ckks.io.SerializationException.Problem;
import dev.hyphenj.ntt.RnsPoly;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Keys mapped from a file switch exactly as the keys they were written from; malformed files fail clearly. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MappedKeysTest {
    private static final int[] STEPS = {1, -3};
    /** Offsets in a file of TestParameters.SCALE_30 ("test-2^30", 9 bytes of name): the key count, the table. */
    private static final int COUNT = 8 + 4 + 1 + 32 + 2 + 9 + 4, TABLE = COUNT + 4, ENTRY = 64;

    private final Parameters params = TestParameters.SCALE_30;
    private final int top = params.maxLevel();
    private TestClient client;
    private EvaluationKeys keys;
    private Evaluator inMemory;
    private Ciphertext ct;
    private Path dir;
    private Path file;

    @BeforeAll
    void setUp(@TempDir Path tempDir) throws IOException {
        dir = tempDir;
        client = new TestClient(params);
        keys = client.evaluationKeys(STEPS, true);
        inMemory = new Evaluator(params, keys);
        SplittableRandom rnd = new SplittableRandom(5);
        double[] re = new double[params.slots()], im = new double[params.slots()];
        for (int i = 0; i < re.length; i++) {
            re[i] = rnd.nextDouble(-1, 1);
            im[i] = rnd.nextDouble(-1, 1);
        }
        ct = client.encrypt(re, im, top, params.logSlots());
        file = dir.resolve("eval.keys");
        MappedKeys.write(file, params, keys);
    }

    @AfterAll
    void tearDown() {
        ct.close();
        keys.close();
        client.close();
    }

    private static void assertSameCiphertext(Ciphertext want, Ciphertext got, String what) {
        assertEquals(want.level(), got.level(), what);
        assertEquals(want.scale(), got.scale(), what);
        assertTrue(want.c0().equalResidues(got.c0()), what + ": c0 differs");
        assertTrue(want.c1().equalResidues(got.c1()), what + ": c1 differs");
    }

    /** Rotations by every step, conjugation and a multiplication give bit-identical ciphertexts with both key sets. */
    private void assertSameResults(Evaluator mapped, Ciphertext x) {
        for (int step : STEPS) {
            try (Ciphertext want = inMemory.rotate(x, step); Ciphertext got = mapped.rotate(x, step)) {
                assertSameCiphertext(want, got, "rotation by " + step + " at level " + x.level());
            }
        }
        try (Ciphertext want = inMemory.conjugate(x); Ciphertext got = mapped.conjugate(x)) {
            assertSameCiphertext(want, got, "conjugation at level " + x.level());
        }
        try (Ciphertext want = inMemory.multiply(x, x); Ciphertext got = mapped.multiply(x, x)) {
            assertSameCiphertext(want, got, "relinearized square at level " + x.level());
        }
    }

    @Test
    void mappedKeysSwitchBitIdenticallyAndReadTheMapping() throws IOException {
        try (EvaluationKeys mapped = MappedKeys.map(file, params); Ciphertext low = inMemory.dropLevel(ct, 1)) {
            assertEquals(keys.galoisKeys().keySet(), mapped.galoisKeys().keySet());
            for (SwitchingKey k : mapped.galoisKeys().values()) {
                assertTrue(k.b[0].limb(0).isMapped() && k.a[k.digits() - 1].limb(0).isMapped(), k + " is mapped");
            }
            assertTrue(mapped.relinearization().b[0].limb(0).isMapped());
            Evaluator evaluator = new Evaluator(params, mapped);
            assertSameResults(evaluator, ct);
            assertSameResults(evaluator, low);
        }
    }

    @Test
    void theFileHoldsTheInMemoryFormAtTheTableOffsets() throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int count = bytes.getInt(COUNT);
        assertEquals(1 + keys.galoisKeys().size(), count);
        long dataStart = bytes.getLong(TABLE + 48);
        assertEquals(0, dataStart % 64, "the data starts 64-byte aligned");
        assertEquals(dataStart, (TABLE + count * ENTRY + 4 + 63) / 64 * 64, "the data follows the header");
        for (int i = 0; i < count; i++) {
            int entry = TABLE + i * ENTRY;
            long k = bytes.getLong(entry);
            SwitchingKey key = k == 0 ? keys.relinearization() : keys.galois(k);
            assertEquals(i == 0 ? 0 : new ArrayList<>(keys.galoisKeys().keySet()).get(i - 1), k, "key order");
            assertEquals(key.level(), bytes.getInt(entry + 8));
            assertEquals(key.digits(), bytes.getInt(entry + 12));
            long b = bytes.getLong(entry + 48), a = bytes.getLong(entry + 56);
            long polyBytes = key.b[0].limbCount() * key.b[0].basis().limbBytes();
            for (int j = 0; j < key.digits(); j++) {
                assertEqualBytes(key.b[j], bytes, b + j * polyBytes, key + " b[" + j + "]");
                assertEqualBytes(key.a[j], bytes, a + j * polyBytes, key + " a[" + j + "]");
            }
        }
    }

    private static void assertEqualBytes(RnsPoly want, ByteBuffer file, long offset, String what) {
        long limbBytes = want.basis().limbBytes();
        for (int l = 0; l < want.limbCount(); l++) {
            MemorySegment got = MemorySegment.ofBuffer(file).asSlice(offset + l * limbBytes, limbBytes);
            assertEquals(-1, want.limb(l).mismatch(got), what + ", limb " + l + " is not stored as held in memory");
        }
    }

    @Test
    void keysCutWhenWrittenSwitchAsTheFullKeysBelowTheCut() throws IOException {
        Path cutFile = dir.resolve("cut.keys");
        MappedKeys.write(cutFile, params, keys, 1);
        assertTrue(Files.size(cutFile) < Files.size(file) / 2, "a cut file holds fewer limbs");
        try (EvaluationKeys cut = MappedKeys.map(cutFile, params); Ciphertext low = inMemory.dropLevel(ct, 1)) {
            SwitchingKey k = cut.galois(Encoder.galoisElement(1, params.n()));
            assertEquals(1, k.level());
            assertEquals(params.dnum(1), k.digits());
            Evaluator evaluator = new Evaluator(params, cut);
            assertSameResults(evaluator, low);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> evaluator.rotate(ct, 1));
            assertTrue(e.getMessage().contains("cut to level 1"), e.getMessage());
        }
    }

    @Test
    void mappedKeysReportTheirBytes() throws IOException {
        try (EvaluationKeys mapped = MappedKeys.map(file, params)) {
            assertEquals(keys.memoryBytes(), mapped.memoryBytes());
            assertEquals(mapped.memoryBytes(), mapped.mappedBytes());
            assertEquals(0, keys.mappedBytes(), "generated keys are not mapped");
            long overhead = Files.size(file) - mapped.memoryBytes();
            assertTrue(overhead > 0 && overhead < 4096, "header and trailer: " + overhead + " bytes");
        }
    }

    @Test
    void aSubsetMapsOnlyTheKeysAskedForAndAMissingKeyIsNamed() throws IOException {
        long k1 = Encoder.galoisElement(1, params.n()), k3 = Encoder.galoisElement(-3, params.n());
        try (EvaluationKeys subset = MappedKeys.map(file, params, Set.of(k1))) {
            assertEquals(Set.of(k1), subset.galoisKeys().keySet());
            assertEquals(0, subset.relinearization().galoisElement());
            try (Ciphertext want = inMemory.rotate(ct, 1);
                    Ciphertext got = new Evaluator(params, subset).rotate(ct, 1)) {
                assertSameCiphertext(want, got, "rotation by 1 with a subset");
            }
        }
        long k2 = Encoder.galoisElement(2, params.n());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MappedKeys.map(file, params, Set.of(k3, k2)).close());
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("X^" + k2), e.getMessage());
    }

    @Test
    void closingUnmapsTheKeys() throws IOException {
        EvaluationKeys mapped = MappedKeys.map(file, params);
        RnsPoly b = mapped.relinearization().b[0];
        assertEquals(keys.relinearization().b[0].get(0, 0), b.get(0, 0));
        mapped.close();
        assertThrows(IllegalStateException.class, () -> b.get(0, 0));
    }

    @Test
    void rewritingAFileLeavesTheKeysMappedFromItIntact() throws IOException {
        Path f = dir.resolve("replaced.keys");
        MappedKeys.write(f, params, keys);
        try (EvaluationKeys old = MappedKeys.map(f, params)) {
            try (EvaluationKeys other = client.galoisKeys(new int[] {2}, 1)) {
                MappedKeys.write(f, params, other);
            }
            try (Ciphertext want = inMemory.rotate(ct, 1); Ciphertext got = new Evaluator(params, old).rotate(ct, 1)) {
                assertSameCiphertext(want, got, "rotation by 1 with keys mapped from the replaced file");
            }
            try (EvaluationKeys replacement = MappedKeys.map(f, params)) {
                assertEquals(Set.of(Encoder.galoisElement(2, params.n())), replacement.galoisKeys().keySet());
            }
        }
        assertFalse(Files.exists(dir.resolve("replaced.keys.tmp")), "the temporary file was moved");
    }

    // ------------------------------------------------------------------------------------------ malformed files

    /** Writes {@code bytes} to a new file and asserts that mapping it fails with this problem, naming the file. */
    private SerializationException assertRefused(Problem problem, String name, byte[] bytes, Parameters p)
            throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return assertProblem(problem, f, () -> MappedKeys.map(f, p).close());
    }

    private static SerializationException assertProblem(Problem problem, Path f, Executable action) {
        SerializationException e = assertThrows(SerializationException.class, action);
        assertEquals(problem, e.problem(), e.getMessage());
        assertTrue(e.getMessage().startsWith(f + ": "), "names the file: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    @Test
    void wrongMagicAndOtherObjectsAreRefused() throws IOException {
        assertRefused(Problem.NOT_HYPHENJ, "text.keys", "not a key file at all".getBytes(StandardCharsets.UTF_8),
                params);
        Path streamed = dir.resolve("streamed.keys");
        dev.hyphenj.ckks.io.Serializer.save(streamed, params, keys, KeyForm.SEEDED, top);
        SerializationException e = assertProblem(Problem.WRONG_TYPE, streamed, () -> MappedKeys.map(streamed, params));
        assertTrue(e.getMessage().contains("holds a evaluation keys, expected a mapped key file"), e.getMessage());
    }

    @Test
    void keysForOtherParametersAreRefused() throws IOException {
        SerializationException e = assertProblem(Problem.PARAMETER_MISMATCH, file,
                () -> MappedKeys.map(file, TestParameters.SCALE_60));
        assertTrue(e.getMessage().contains("'test-2^30'") && e.getMessage().contains("'test-2^60'"), e.getMessage());
    }

    @Test
    void truncatedFilesAreRefusedWhereverTheyEnd() throws IOException {
        byte[] whole = Files.readAllBytes(file);
        int dataStart = (int) ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN).getLong(TABLE + 48);
        int[] ends = {0, 5, 20, TABLE + 10, dataStart, dataStart + 1000, whole.length - 4, whole.length - 1};
        for (int end : ends) {
            SerializationException e = assertRefused(Problem.TRUNCATED, "truncated.keys", Arrays.copyOf(whole, end),
                    params);
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("empty"), e.getMessage());
        }
        SerializationException e = assertRefused(Problem.CORRUPTED, "longer.keys", Arrays.copyOf(whole,
                whole.length + 1), params);
        assertTrue(e.getMessage().contains(whole.length + 1 + " bytes"), e.getMessage());
    }

    @Test
    void aDamagedHeaderFailsItsChecksum() throws IOException {
        byte[] whole = Files.readAllBytes(file);
        for (int at : new int[] {COUNT - 6 /* the name */, TABLE + 20 /* the first key's seed */,
                TABLE + ENTRY + 48 /* the second key's offset */}) {
            byte[] damaged = whole.clone();
            damaged[at] ^= 1;
            SerializationException e = assertRefused(Problem.CORRUPTED, "damaged.keys", damaged, params);
            assertTrue(e.getMessage().contains("header checksum does not match"), e.getMessage());
        }
    }

    @Test
    void verifyFindsDamagedDataThatMappingDoesNotRead() throws IOException {
        MappedKeys.verify(file, params);
        byte[] damaged = Files.readAllBytes(file);
        damaged[damaged.length / 2] ^= 1;
        Path f = dir.resolve("damaged-data.keys");
        Files.write(f, damaged);
        MappedKeys.map(f, params).close(); // mapping is lazy: it reads no key data
        SerializationException e = assertProblem(Problem.CORRUPTED, f, () -> MappedKeys.verify(f, params));
        assertTrue(e.getMessage().contains("data checksum does not match"), e.getMessage());
    }
}
