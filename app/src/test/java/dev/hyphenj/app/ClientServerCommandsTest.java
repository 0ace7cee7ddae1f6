package dev.hyphenj.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.Ciphertext;
import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.KeyGenerator;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.SecretKey;
import dev.hyphenj.ckks.io.Serializer;
import dev.hyphenj.hcnn.plan.PlanReport;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hyphen keygen}, {@code encrypt}, {@code infer} and {@code decrypt} on the command line: their help, and each
 * bad input giving one line starting {@code hyphen: } and a non-zero exit status, before any evaluation key is made.
 * (The commands at full size need about 9 GB of keys; {@link ClientServerTest} checks their files on small sets.)
 */
class ClientServerCommandsTest {
    private static void assertOneLineError(String[] r, String expected) {
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].startsWith("hyphen: ") && r[2].contains(expected), r[2]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
    }

    @Test
    void helpListsTheCommandsAndTheirOptions() {
        String top = Cli.run("--help")[1];
        String[][] commands = {
            {"keygen", "--profile", "--keys", "--threads", "--json"},
            {"encrypt", "--profile", "--keys", "--image", "--png", "--data", "--out"},
            {"infer", "--profile", "--keys", "--in", "--out", "--data", "--threads", "--json", "--cache-mib"},
            {"decrypt", "--profile", "--keys", "--in", "--json"}};
        for (String[] c : commands) {
            assertTrue(top.contains(c[0]), c[0] + " missing from " + top);
            String[] r = Cli.run(c[0], "--help");
            assertEquals("0", r[0], r[2]);
            for (int i = 1; i < c.length; i++) {
                assertTrue(r[1].contains(c[i]), c[0] + ": " + c[i] + " missing from " + r[1]);
            }
        }
        assertTrue(Cli.run("keygen", "--help")[1].contains("seeded"), "the key form is named");
    }

    @Test
    void missingOptionsAreUsageErrors() {
        for (String[] args : new String[][] {{"keygen"}, {"encrypt", "--keys", "k", "--out", "o"},
            {"encrypt", "--keys", "k", "--image", "1", "--png", "p", "--out", "o"}, {"infer", "--keys", "k"},
            {"decrypt", "--keys", "k"}}) {
            String[] r = Cli.run(args);
            assertEquals("2", r[0], String.join(" ", args) + ": " + r[2]);
            assertTrue(r[2].contains("Missing required") || r[2].contains("mutually exclusive"), r[2]);
        }
    }

    @Test
    void insecureProfilesAndBadNumbersAreRefused(@TempDir Path tmp) throws IOException {
        Path insecure = tmp.resolve("tiny.json");
        Files.writeString(insecure, "{\"name\": \"tiny\", \"logN\": 10, \"levelBits\": [[30]], \"specialBits\": [30], "
                + "\"digitPrimes\": 1, \"logScale\": 20, \"insecure\": true, \"network\": {\"model\": \"resnet20\", "
                + "\"networkLevels\": [1, 0]}}");
        String k = tmp.resolve("k").toString();
        for (String[] args : new String[][] {{"keygen", "--keys", k}, {"encrypt", "--keys", k, "--image", "0",
            "--out", "o"}, {"infer", "--keys", k, "--in", "i", "--out", "o"}, {"decrypt", "--keys", k, "--in", "i"}}) {
            String[] withProfile = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                    java.util.stream.Stream.of("--profile", insecure.toString())).toArray(String[]::new);
            assertOneLineError(Cli.run(withProfile), "insecure test parameter set");
        }
        assertOneLineError(Cli.run("keygen", "--keys", k, "--threads", "0"), "--threads must be at least 1");
        assertOneLineError(Cli.run("infer", "--keys", k, "--in", "i", "--out", "o", "--threads", "0"),
                "--threads must be at least 1");
        assertOneLineError(Cli.run("infer", "--keys", k, "--in", "i", "--out", "o", "--cache-mib", "-1"),
                "--cache-mib must not be negative, got -1");
        assertFalse(Files.exists(tmp.resolve("k")), "nothing written");
    }

    @Test
    void keygenRefusesADirectoryWithASecretKey(@TempDir Path tmp) throws IOException {
        Files.createDirectories(tmp.resolve("client"));
        Files.writeString(tmp.resolve("client/secret.key"), "old");
        assertOneLineError(Cli.run("keygen", "--keys", tmp.toString()), "already holds a secret key");
        assertEquals("old", Files.readString(tmp.resolve("client/secret.key")));
    }

    @Test
    void encryptRefusesWrongImagesAndMissingKeys(@TempDir Path tmp) throws IOException {
        Path png = tmp.resolve("small.png");
        ImageIO.write(new BufferedImage(16, 24, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
        String k = tmp.resolve("k").toString();
        String out = tmp.resolve("x.ct").toString();
        assertOneLineError(Cli.run("encrypt", "--keys", k, "--png", png.toString(), "--out", out),
                png + ": the image is 16x24, the model takes 32x32 RGB");
        Path text = Files.writeString(tmp.resolve("text.png"), "not an image");
        assertOneLineError(Cli.run("encrypt", "--keys", k, "--png", text.toString(), "--out", out),
                text + ": not a PNG");
        assertOneLineError(Cli.run("encrypt", "--keys", k, "--png", tmp.resolve("none.png").toString(), "--out", out),
                "no image file " + tmp.resolve("none.png"));
        assertOneLineError(Cli.run("encrypt", "--keys", k, "--image", "-1", "--out", out), "must not be negative");
        assertOneLineError(Cli.run("encrypt", "--keys", k, "--image", "0", "--out", out),
                "no secret key " + tmp.resolve("k/client/secret.key"));
        // a 32x32 PNG passes the shape check and then needs the keys
        Path good = tmp.resolve("good.png");
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", good.toFile());
        assertOneLineError(Cli.run("encrypt", "--keys", k, "--png", good.toString(), "--out", out), "no secret key");
        assertFalse(Files.exists(Path.of(out)));
    }

    @Test
    void readPngGivesThePixels(@TempDir Path tmp) throws IOException {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        img.setRGB(5, 7, 0x102030);
        Path png = tmp.resolve("a.png");
        ImageIO.write(img, "png", png.toFile());
        double[][][] px = EncryptCommand.readPng(png);
        assertEquals(3, px.length);
        assertEquals(0x10, px[0][7][5]);
        assertEquals(0x20, px[1][7][5]);
        assertEquals(0x30, px[2][7][5]);
        assertEquals(0, px[0][5][7]);
    }

    @Test
    void inferNeedsOnlyTheServerKeysAndNamesWhatIsMissing(@TempDir Path tmp) throws IOException {
        Path server = Files.createDirectories(tmp.resolve("k/server"));
        String out = tmp.resolve("logits.ct").toString();
        assertOneLineError(Cli.run("infer", "--keys", server.toString(), "--in", "i", "--out", out),
                "no evaluation keys " + server.resolve("evaluation.keys"));
        Files.writeString(server.resolve("evaluation.keys"), "not keys");
        assertOneLineError(Cli.run("infer", "--keys", server.toString(), "--in", tmp.resolve("i").toString(),
                "--out", out), "no ciphertext file " + tmp.resolve("i"));
        assertFalse(Files.exists(tmp.resolve("k/client")));
        assertFalse(Files.exists(Path.of(out)));
    }

    /**
     * infer with the model's plan (the data directory's weights): a ciphertext that is not the plan's input, then with
     * the plan's input, evaluation keys for other parameters and a file that is not keys; each refused in one line
     * before any evaluation. (Keys of the right parameters that miss a plan's key: ClientServerTest.)
     */
    @Test
    void inferRefusesWrongCiphertextsAndKeys(@TempDir Path tmp) throws IOException {
        Path data = DemoCommandTest.dataDirectory();
        Parameters params = ParamsCommand.secureParameters("resnet20-cifar10");
        EncryptedPlan plan = ClientServer.plan("resnet20-cifar10", params, PlanReport.randomWeights(1));
        int count = ClientServer.inputCiphertexts(plan);
        Path server = Files.createDirectories(tmp.resolve("k/server"));
        Path keys = Files.writeString(server.resolve("evaluation.keys"), "not keys");
        Path wrong = tmp.resolve("wrong.ct");
        Path image = tmp.resolve("image.ct");
        try (SecretKey sk = new KeyGenerator(params).secretKey()) {
            List<Ciphertext> cts = ClientServer.encrypt(params, sk, List.of(new double[params.slots()]), 1);
            ClientServer.writeCiphertexts(wrong, params, cts);
            cts.forEach(Ciphertext::close);
            cts = ClientServer.encrypt(params, sk, java.util.Collections.nCopies(count, new double[params.slots()]),
                    plan.plan.inputLevel());
            ClientServer.writeCiphertexts(image, params, cts);
            cts.forEach(Ciphertext::close);
        }
        String out = tmp.resolve("logits.ct").toString();
        String[] infer = {"infer", "--keys", server.toString(), "--out", out, "--data", data.toString(), "--in"};
        String[] r = Cli.run(with(infer, wrong.toString()));
        assertOneLineError(r, wrong + ": ");
        assertTrue(r[2].contains("the plan's input is"), r[2]);
        assertErrorAfterProgress(Cli.run(with(infer, image.toString())), keys + ": not a HyPHEN-J object");

        Parameters small = Parameters.builder("test-cs-small").logN(12).levelBits(new int[][] {{30, 30}, {30}})
                .specialBits(30).digitPrimes(1).logScale(30).insecure().build();
        KeyGenerator gen = new KeyGenerator(small);
        try (SecretKey sk = gen.secretKey(); EvaluationKeys eval = gen.evaluationKeys(sk, new int[] {1}, false)) {
            ClientServer.saveKeys(tmp.resolve("k"), small, sk, eval, Map.of());
        }
        assertErrorAfterProgress(Cli.run(with(infer, image.toString())), keys + ": evaluation keys was made with "
                + "parameters 'test-cs-small'");
        assertFalse(Files.exists(Path.of(out)));
    }

    /** Exit status 1 and, after progress lines, one error line: the last. */
    private static void assertErrorAfterProgress(String[] r, String expected) {
        assertEquals("1", r[0], r[2]);
        List<String> lines = r[2].strip().lines().toList();
        assertTrue(lines.getLast().startsWith("hyphen: ") && lines.getLast().contains(expected), r[2]);
        assertEquals(1, lines.stream().filter(l -> l.startsWith("hyphen: ")).count(), r[2]);
    }

    private static String[] with(String[] args, String last) {
        String[] out = java.util.Arrays.copyOf(args, args.length + 1);
        out[args.length] = last;
        return out;
    }

    /**
     * decrypt at the real profile's parameters (a secret key is cheap, unlike evaluation keys): a missing key, a
     * ciphertext of other parameters, a corrupted and a truncated one, two ciphertexts where one is expected.
     */
    @Test
    void decryptRefusesBadFiles(@TempDir Path tmp) throws IOException {
        Path keys = tmp.resolve("k");
        Path ct = tmp.resolve("logits.ct");
        assertOneLineError(Cli.run("decrypt", "--keys", keys.toString(), "--in", ct.toString()),
                "no secret key " + keys.resolve("client/secret.key"));
        Parameters params = ParamsCommand.secureParameters("resnet20-cifar10");
        Files.createDirectories(keys.resolve("client"));
        try (SecretKey sk = new KeyGenerator(params).secretKey()) {
            Serializer.saveSecretKey(keys.resolve("client/secret.key"), sk);
            List<Ciphertext> cts = ClientServer.encrypt(params, sk, List.of(new double[params.slots()]), 1);
            ClientServer.writeCiphertexts(ct, params, List.of(cts.getFirst(), cts.getFirst()));
            cts.forEach(Ciphertext::close);
        }
        assertOneLineError(Cli.run("decrypt", "--keys", keys.toString(), "--in", tmp.resolve("none").toString()),
                "no ciphertext file " + tmp.resolve("none"));
        assertOneLineError(Cli.run("decrypt", "--keys", keys.toString(), "--in", ct.toString()),
                ct + ": holds 2 ciphertexts, a logits ciphertext is 1");

        // a ciphertext of other (small) parameters
        Parameters small = Parameters.builder("test-cs-small").logN(12).levelBits(new int[][] {{30, 30}, {30}})
                .specialBits(30).digitPrimes(1).logScale(30).insecure().build();
        Path other = tmp.resolve("other.ct");
        try (SecretKey sk = new KeyGenerator(small).secretKey()) {
            List<Ciphertext> cts = ClientServer.encrypt(small, sk, List.of(new double[small.slots()]), 1);
            ClientServer.writeCiphertexts(other, small, cts);
            cts.forEach(Ciphertext::close);
        }
        assertOneLineError(Cli.run("decrypt", "--keys", keys.toString(), "--in", other.toString()),
                other + ": ciphertext was made with parameters 'test-cs-small'");

        byte[] bytes = Files.readAllBytes(ct);
        byte[] one = java.util.Arrays.copyOf(bytes, bytes.length / 2);
        Files.write(ct, java.util.Arrays.copyOf(one, one.length - 5));
        assertOneLineError(Cli.run("decrypt", "--keys", keys.toString(), "--in", ct.toString()), ct + ": truncated");
        byte[] corrupt = one.clone(); // the first ciphertext, one byte of its body altered
        corrupt[corrupt.length - 100] ^= 0x04;
        Files.write(ct, corrupt);
        assertOneLineError(Cli.run("decrypt", "--keys", keys.toString(), "--in", ct.toString()), ct + ": corrupted ciphertext: checksum mismatch");
        // the one intact ciphertext decrypts: ten logits and a class
        Files.write(ct, one);
        String[] r = Cli.run("decrypt", "--keys", keys.toString(), "--in", ct.toString(), "--json",
                tmp.resolve("d.json").toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("logits: ") && r[1].contains("class: "), r[1]);
        assertEquals(10, r[1].lines().findFirst().orElseThrow().substring(8).split(" ").length, r[1]);
        assertTrue(Files.readString(tmp.resolve("d.json")).contains("\"class\""));
    }
}
