package dev.hyphenj.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.Ciphertext;
import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.KeyGenerator;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.SecretKey;
import dev.hyphenj.ckks.io.Json;
import dev.hyphenj.ckks.io.SerializationException;
import dev.hyphenj.hcnn.ckks.NetworkKeys;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files of keygen, encrypt, infer and decrypt ({@link ClientServer}) on small insecure parameters (N = 2^12),
 * which the commands themselves refuse: keys written and read back, a vector encrypted, written, read and decrypted,
 * and every bad file giving one line that names it.
 */
class ClientServerTest {
    private static Parameters params(String name) {
        return Parameters.builder(name).logN(12).levelBits(new int[][] {{30, 30}, {30}, {30}}).specialBits(30, 30)
                .digitPrimes(2).logScale(30).insecure().build();
    }

    private static final Parameters A = params("test-cs-a");
    private static final Parameters B = params("test-cs-b");

    private static double[] vector(int slots) {
        double[] v = new double[slots];
        for (int i = 0; i < slots; i++) {
            v[i] = Math.sin(i * 0.37) * 0.5;
        }
        return v;
    }

    @Test
    void keysAndCiphertextsRoundTrip(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("keys");
        KeyGenerator gen = new KeyGenerator(A);
        double[] v = vector(A.slots());
        try (SecretKey sk = gen.secretKey(); EvaluationKeys eval = gen.evaluationKeys(sk, new int[] {1, 2}, true)) {
            Map<String, Object> m = ClientServer.saveKeys(dir, A, sk, eval, Map.of("profile", "p"));
            assertEquals(A.name(), m.get("parameters"));
            assertEquals(ClientServer.hex(A.hash()), m.get("parameterHash"));
            Path evalFile = dir.resolve("server/evaluation.keys");
            assertEquals(Files.size(evalFile), ((Number) m.get("evaluationKeyBytes")).longValue());
            Map<?, ?> onDisk = (Map<?, ?>) Json.parse(Files.readString(dir.resolve("server/manifest.json")), "m");
            assertEquals("p", onDisk.get("profile"));
            assertEquals(3L, ((Number) onDisk.get("galoisKeys")).longValue());
            assertTrue(Files.isRegularFile(dir.resolve("client/secret.key")));
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                assertEquals(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                        Files.getPosixFilePermissions(dir.resolve("client/secret.key")));
            }
            // the server's keys read back from DIR/server (and from DIR), never needing DIR/client
            try (EvaluationKeys back = ClientServer.loadEvaluationKeys(dir.resolve("server"), A)) {
                assertEquals(eval.galoisKeys().keySet(), back.galoisKeys().keySet());
            }
            assertEquals(evalFile, ClientServer.evaluationKeysFile(dir));

            Path ctFile = tmp.resolve("ct/image.ct");
            List<Ciphertext> cts = ClientServer.encrypt(A, sk, List.of(v, v), 2);
            ClientServer.writeCiphertexts(ctFile, A, cts);
            cts.forEach(Ciphertext::close);
            assertFalse(Files.exists(tmp.resolve("ct/image.ct.tmp")));
        }
        try (SecretKey sk = ClientServer.loadSecretKey(dir, A)) {
            List<Ciphertext> back = ClientServer.readCiphertexts(tmp.resolve("ct/image.ct"), A);
            assertEquals(2, back.size());
            ClientServer.requireShape(tmp, back, 2, 2, A.slots(), "the input");
            for (Ciphertext ct : back) {
                double[] d = ClientServer.decrypt(A, sk, ct);
                for (int i = 0; i < v.length; i++) {
                    assertEquals(v[i], d[i], 1e-3, "slot " + i);
                }
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ClientServer.requireShape(tmp.resolve("x"), back, 1, 2, A.slots(), "the plan's input"));
            assertEquals(tmp.resolve("x") + ": holds 2 ciphertexts, the plan's input is 1", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> ClientServer.requireShape(tmp.resolve("x"), back, 2, 1, A.slots(), "the plan's input"));
            assertTrue(e.getMessage().contains("a ciphertext at level 2 over " + A.slots() + " slots, the plan's "
                    + "input is at level 1"), e.getMessage());
            back.forEach(Ciphertext::close);
        }
    }

    @Test
    void badFilesGiveOneLineNamingTheFile(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("keys");
        Path ct = tmp.resolve("image.ct");
        KeyGenerator gen = new KeyGenerator(A);
        try (SecretKey sk = gen.secretKey(); EvaluationKeys eval = gen.evaluationKeys(sk, new int[] {1}, false)) {
            ClientServer.saveKeys(dir, A, sk, eval, Map.of());
            List<Ciphertext> cts = ClientServer.encrypt(A, sk, List.of(vector(A.slots())), 1);
            ClientServer.writeCiphertexts(ct, A, cts);
            cts.forEach(Ciphertext::close);
        }
        // missing keys and files
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ClientServer.loadSecretKey(tmp.resolve("none"), A));
        assertTrue(missing.getMessage().startsWith("no secret key " + tmp.resolve("none/client/secret.key")),
                missing.getMessage());
        missing = assertThrows(IllegalArgumentException.class,
                () -> ClientServer.loadEvaluationKeys(tmp.resolve("none"), A));
        assertTrue(missing.getMessage().startsWith("no evaluation keys " + tmp.resolve("none/evaluation.keys")),
                missing.getMessage());
        missing = assertThrows(IllegalArgumentException.class,
                () -> ClientServer.readCiphertexts(tmp.resolve("none.ct"), A));
        assertEquals("no ciphertext file " + tmp.resolve("none.ct"), missing.getMessage());
        Path empty = Files.createFile(tmp.resolve("empty.ct"));
        missing = assertThrows(IllegalArgumentException.class, () -> ClientServer.readCiphertexts(empty, A));
        assertEquals(empty + ": empty file, no ciphertext", missing.getMessage());

        // other parameters: ciphertext, secret key, evaluation keys
        for (Runnable r : new Runnable[] {
            () -> expect(SerializationException.Problem.PARAMETER_MISMATCH, ct, () -> ClientServer.readCiphertexts(ct,
                    B)),
            () -> expect(SerializationException.Problem.PARAMETER_MISMATCH, dir.resolve("client/secret.key"),
                    () -> ClientServer.loadSecretKey(dir, B)),
            () -> expect(SerializationException.Problem.PARAMETER_MISMATCH, dir.resolve("server/evaluation.keys"),
                    () -> ClientServer.loadEvaluationKeys(dir.resolve("server"), B))}) {
            r.run();
        }
        // a key file given as a ciphertext
        expect(SerializationException.Problem.WRONG_TYPE, dir.resolve("server/evaluation.keys"),
                () -> ClientServer.readCiphertexts(dir.resolve("server/evaluation.keys"), A));

        // corrupted: one byte of the ciphertext's body, then of the evaluation keys, then of the secret key
        byte[] bytes = Files.readAllBytes(ct);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(ct, bytes);
        expect(SerializationException.Problem.CORRUPTED, ct, () -> ClientServer.readCiphertexts(ct, A));
        Path keys = dir.resolve("server/evaluation.keys");
        byte[] kb = Files.readAllBytes(keys);
        kb[kb.length - 100] ^= 0x10;
        Files.write(keys, kb);
        expect(SerializationException.Problem.CORRUPTED, keys, () -> ClientServer.loadEvaluationKeys(dir, A));
        Path secret = dir.resolve("client/secret.key");
        byte[] sb = Files.readAllBytes(secret);
        sb[sb.length - 100] ^= 0x10;
        Files.write(secret, sb);
        expect(SerializationException.Problem.CORRUPTED, secret, () -> ClientServer.loadSecretKey(dir, A));
        // truncated
        Files.write(ct, java.util.Arrays.copyOf(bytes, bytes.length - 7));
        expect(SerializationException.Problem.TRUNCATED, ct, () -> ClientServer.readCiphertexts(ct, A));
    }

    private static void expect(SerializationException.Problem problem, Path file, ClientServer.IoSupplier<?> body) {
        SerializationException e = assertThrows(SerializationException.class, body::get);
        assertEquals(problem, e.problem(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void keysThatDoNotCoverThePlanAreRefused(@TempDir Path tmp) {
        KeyGenerator gen = new KeyGenerator(A);
        long g1 = Encoder.galoisElement(1, A.n());
        long g2 = Encoder.galoisElement(2, A.n());
        try (SecretKey sk = gen.secretKey(); EvaluationKeys eval = gen.evaluationKeys(sk, new int[] {1}, false)) {
            int top = eval.galois(g1).level();
            Map<Long, Integer> levels = new TreeMap<>(Map.of(g1, top));
            ClientServer.requireCovers(new NetworkKeys.KeyPlan(new TreeMap<>(levels), -1, 1, 0, 0, false), eval, tmp);
            levels.put(g2, 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientServer.requireCovers(
                    new NetworkKeys.KeyPlan(new TreeMap<>(levels), -1, 2, 0, 0, false), eval, tmp));
            assertEquals(tmp + ": the evaluation keys do not match the plan (1 Galois keys missing, 0 below their "
                    + "level, e.g. X -> X^" + g2 + "): made for another profile or plan; run hyphen keygen again",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ClientServer.requireCovers(
                    new NetworkKeys.KeyPlan(new TreeMap<>(Map.of(g1, top + 1)), -1, 1, 0, 0, false), eval, tmp));
            assertTrue(e.getMessage().contains("0 Galois keys missing, 1 below their level"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ClientServer.requireCovers(
                    new NetworkKeys.KeyPlan(new TreeMap<>(Map.of(g1, top)), A.maxLevel() + 1, 1, 0, 0, false), eval, tmp));
            assertTrue(e.getMessage().contains("no relinearization key at level " + (A.maxLevel() + 1) + " or above"),
                    e.getMessage());
        }
    }
}
