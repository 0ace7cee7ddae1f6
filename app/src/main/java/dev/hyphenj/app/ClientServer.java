package dev.hyphenj.app;

import dev.hyphenj.ckks.Ciphertext;
import dev.hyphenj.ckks.Decryptor;
import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.Encryptor;
import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.Plaintext;
import dev.hyphenj.ckks.SecretKey;
import dev.hyphenj.ckks.SwitchingKey;
import dev.hyphenj.ckks.io.Json;
import dev.hyphenj.ckks.io.Profiles;
import dev.hyphenj.hcnn.data.Cifar10;
import dev.hyphenj.hcnn.head.ClassifierHead;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import dev.hyphenj.hcnn.plan.NetworkPlan;
import dev.hyphenj.hcnn.plan.PlanReport;
import dev.hyphenj.hcnn.plan.PlannedResNet20;
import dev.hyphenj.hcnn.plan.PolyResNet20;
import dev.hyphenj.ckks.io.KeyForm;
import dev.hyphenj.ckks.io.Serializer;
import dev.hyphenj.hcnn.ckks.NetworkKeys;
import dev.hyphenj.ntt.Parallel;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The files of the client/server commands ({@code keygen}, {@code encrypt}, {@code infer}, {@code decrypt}), written
 * once for any parameter set so that the plumbing is tested on small insecure sets (the commands themselves refuse
 * those, as every command does).
 *
 * <p>A key directory {@code DIR} holds {@code DIR/client/secret.key} (the secret key, {@link Serializer#saveSecretKey}:
 * owner-only where the file system allows, never logged) and {@code DIR/server/}: {@code evaluation.keys} (the plan's
 * evaluation keys, seeded form, each cut to its level: {@link Serializer}) and {@code manifest.json} (profile,
 * parameter name and hash, plan summary, key bytes). The server is given {@code DIR/server} only. A ciphertext file
 * holds one or more {@link Serializer} ciphertexts one after another. Every error is one line naming the file.
 */
final class ClientServer {
    static final String SECRET_KEY = "client/secret.key";
    static final String SERVER_DIR = "server";
    static final String EVALUATION_KEYS = "evaluation.keys";
    static final String MANIFEST = "manifest.json";

    private ClientServer() {}

    /** The planner's operation times and key limit the client/server commands plan with (demo's defaults). */
    static final String COSTS = "costs-cpu";
    static final int MAX_KEYS = 64;

    /**
     * The secure parameters of {@code profile}, checked (one line, before anything is loaded) to describe ResNet-20,
     * a network the planner knows and a bootstrap design. For a degree-2 profile, its leveled chain (both chains
     * checked): the only one its encrypted plan runs on ({@link EncryptedPlan}).
     */
    static Parameters checkedProfile(String profile, String command) throws IOException {
        if (PolyProfile.is(profile)) {
            NetworkData.requireResNet20(profile, command);
            return PolyProfile.load(profile).leveled;
        }
        Parameters params = ParamsCommand.secureParameters(profile);
        NetworkData.requireResNet20(profile, command);
        PlanCommand.levels(profile);
        Profiles.bootstrap(profile);
        return params;
    }

    /**
     * The plan of an encrypted run, as {@code demo} makes it with its defaults. keygen plans with
     * {@link #planWeights}, the server with the model's, and checks that the keys cover its plan
     * ({@link #requireCovers}).
     */
    static EncryptedPlan plan(String profile, Parameters params, ResNet20Weights w) throws IOException {
        return EncryptedPlan.of(profile, params, w, COSTS, MAX_KEYS);
    }

    /**
     * The weights keygen plans with. An AppReLU plan depends on the network's shapes only: random weights. A degree-2
     * plan depends on the signs of the activations' a, which choose each layer's form and so the predicted times the
     * planner chooses the chain by: the model's weights from the data directory ({@code data}, else the default).
     */
    static ResNet20Weights planWeights(String profile, Path data) throws IOException {
        return PolyProfile.is(profile) ? NetworkData.weights(data, true) : PlanReport.randomWeights(1);
    }

    /** The figures of a plan the manifest records. */
    static Map<String, Object> planSummary(EncryptedPlan plan) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inputLevel", plan.plan.inputLevel());
        m.put("inputCiphertexts", inputCiphertexts(plan));
        m.put("stemM", plan.plan.stemM());
        m.put("bootstrapsPerImage", plan.bootstrapsPerImage());
        Map<String, Object> slots = new LinkedHashMap<>();
        plan.bootstrapSlots.forEach((s, n) -> slots.put(Integer.toString(s), n));
        m.put("bootstrapsBySlots", slots);
        m.put("galoisKeys", plan.keys.galoisKeys());
        m.put("relinearizationLevel", plan.keys.relinearizationLevel());
        m.put("keyBytesInMemory", plan.keys.bytes(plan.params));
        return m;
    }

    /** The number of ciphertexts of the plan's encrypted image. */
    static int inputCiphertexts(EncryptedPlan plan) {
        return plan.network.inputLayout().pack(new double[Cifar10.CHANNELS][Cifar10.SIZE][Cifar10.SIZE]).size();
    }

    /**
     * The classifier head of {@code profile}'s planned network (its layout only: random weights), which decodes the
     * logits ciphertext's slots; cheaper than a whole plan.
     */
    static ClassifierHead head(String profile, Parameters params) throws IOException {
        Frame frame = new Frame(EncryptedPlan.FRAME_SIDE, EncryptedPlan.FRAME_SIDE, params.slots());
        if (PolyProfile.is(profile)) { // the layout depends on the shapes only
            int[] productForms = new int[ResNet20Weights.ACTIVATIONS];
            Arrays.fill(productForms, 2);
            ResNet20Weights w = PlanReport.randomPolyWeights(1, productForms);
            NetworkPlan layout = PolyProfile.load(profile).planner(COSTS, MAX_KEYS, w).layout();
            return new PolyResNet20(w, frame, layout, Map.of()).head();
        }
        NetworkPlan planned = PlanCommand.plan(profile, params, COSTS, MAX_KEYS);
        return new PlannedResNet20(PlanReport.randomWeights(1), frame, planned).head();
    }

    /** The secret key file of key directory {@code keys}. */
    static Path secretKeyFile(Path keys) {
        return keys.resolve(SECRET_KEY);
    }

    /**
     * The evaluation key file the server reads: {@code dir/evaluation.keys}, or {@code dir/server/evaluation.keys}
     * when {@code dir} is the whole key directory.
     */
    static Path evaluationKeysFile(Path dir) {
        Path direct = dir.resolve(EVALUATION_KEYS);
        Path nested = dir.resolve(SERVER_DIR).resolve(EVALUATION_KEYS);
        return !Files.exists(direct) && Files.exists(nested) ? nested : direct;
    }

    /**
     * Writes the client's secret key and the server's evaluation keys and manifest ({@code manifest} plus
     * {@code parameters}, {@code parameterHash}, {@code evaluationKeyBytes}) under {@code keys}; returns the
     * manifest written.
     */
    static Map<String, Object> saveKeys(Path keys, Parameters params, SecretKey sk, EvaluationKeys eval,
            Map<String, Object> manifest) throws IOException {
        Path secret = secretKeyFile(keys);
        Path server = keys.resolve(SERVER_DIR);
        Files.createDirectories(secret.getParent());
        Files.createDirectories(server);
        Serializer.saveSecretKey(secret, sk);
        Path evalFile = server.resolve(EVALUATION_KEYS);
        Serializer.save(evalFile, params, eval, KeyForm.SEEDED, params.maxLevel());
        Map<String, Object> m = new LinkedHashMap<>(manifest);
        m.put("parameters", params.name());
        m.put("parameterHash", hex(params.hash()));
        m.put("evaluationKeys", EVALUATION_KEYS);
        m.put("evaluationKeyForm", "seeded");
        m.put("evaluationKeyBytes", Files.size(evalFile));
        m.put("relinearizationKey", hasRelinearization(eval));
        m.put("galoisKeys", eval.galoisKeys().size());
        writeJson(server.resolve(MANIFEST), m);
        return m;
    }

    /** The client's secret key of key directory {@code keys}, for {@code params}. */
    static SecretKey loadSecretKey(Path keys, Parameters params) throws IOException {
        Path file = secretKeyFile(keys);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no secret key " + file + " (make the keys with: hyphen keygen --keys "
                    + keys + ")");
        }
        return named(file, () -> Serializer.loadSecretKey(file, params));
    }

    /** The server's evaluation keys from {@code dir} ({@link #evaluationKeysFile}), for {@code params}. */
    static EvaluationKeys loadEvaluationKeys(Path dir, Parameters params) throws IOException {
        Path file = evaluationKeysFile(dir);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no evaluation keys " + file + " (hyphen keygen --keys DIR writes them to"
                    + " DIR/server/" + EVALUATION_KEYS + ")");
        }
        return named(file, () -> Serializer.loadEvaluationKeys(file, params));
    }

    /** Throws (one line) unless {@code keys} hold every key of {@code plan} at its level or above. */
    static void requireCovers(NetworkKeys.KeyPlan plan, EvaluationKeys keys, Path file) {
        int missing = 0, low = 0;
        long example = 0;
        for (Map.Entry<Long, Integer> e : plan.galoisLevels().entrySet()) {
            if (!keys.hasGalois(e.getKey())) {
                missing++;
                example = e.getKey();
            } else if (keys.galois(e.getKey()).level() < e.getValue()) {
                low++;
                example = e.getKey();
            }
        }
        boolean relin = plan.relinearizationLevel() < 0 || hasRelinearization(keys)
                && keys.relinearization().level() >= plan.relinearizationLevel();
        if (missing > 0 || low > 0 || !relin) {
            throw new IllegalArgumentException(file + ": the evaluation keys do not match the plan (" + missing
                    + " Galois keys missing, " + low + " below their level" + (missing + low > 0 ? ", e.g. X -> X^"
                    + example : "") + (relin ? "" : ", no relinearization key at level "
                    + plan.relinearizationLevel() + " or above") + "): made for another profile or plan; run hyphen keygen"
                    + " again");
        }
    }

    /** Secret-key encryptions of {@code slots} at {@code level} with the parameters' scale. */
    static List<Ciphertext> encrypt(Parameters params, SecretKey sk, List<double[]> slots, int level) {
        Encoder encoder = new Encoder(params);
        Encryptor encryptor = new Encryptor(params, sk);
        List<Ciphertext> out = new ArrayList<>(slots.size());
        for (double[] v : slots) {
            try (Plaintext pt = encoder.encode(v, level, params.scale())) {
                out.add(encryptor.encrypt(pt));
            }
        }
        return out;
    }

    /** The real parts of {@code ct}'s slots. */
    static double[] decrypt(Parameters params, SecretKey sk, Ciphertext ct) {
        try (Plaintext pt = new Decryptor(params, sk).decrypt(ct)) {
            return new Encoder(params).decodeReal(pt);
        }
    }

    /** Writes the ciphertexts one after another to {@code file} (through a temporary file beside it). */
    static void writeCiphertexts(Path file, Parameters params, List<Ciphertext> cts) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            for (Ciphertext ct : cts) {
                Serializer.write(out, params, ct);
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The ciphertexts of {@code file}, for {@code params} (at least one). */
    static List<Ciphertext> readCiphertexts(Path file, Parameters params) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no ciphertext file " + file);
        }
        List<Ciphertext> out = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            while (true) {
                in.mark(1);
                if (in.read() < 0) {
                    break;
                }
                in.reset();
                out.add(named(file, () -> Serializer.readCiphertext(in, params)));
            }
        } catch (IOException | RuntimeException e) {
            out.forEach(Ciphertext::close);
            throw e;
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": empty file, no ciphertext");
        }
        return out;
    }

    /**
     * Throws (one line) unless {@code cts} are {@code count} ciphertexts at {@code level} over {@code slots} slots:
     * what the plan's input (or output) is.
     */
    static void requireShape(Path file, List<Ciphertext> cts, int count, int level, int slots, String what) {
        if (cts.size() != count) {
            throw new IllegalArgumentException(file + ": holds " + cts.size() + " ciphertext" + (cts.size() == 1 ? ""
                    : "s") + ", " + what + " is " + count);
        }
        for (Ciphertext ct : cts) {
            if (ct.level() != level || (1 << ct.logSlots()) != slots) {
                throw new IllegalArgumentException(file + ": a ciphertext at level " + ct.level() + " over "
                        + (1 << ct.logSlots()) + " slots, " + what + " is at level " + level + " over " + slots
                        + " slots");
            }
        }
    }

    /** Runs {@code body} with {@code threads} (if not null) as the library's thread count, then restores it. */
    static <T> T withThreads(Integer threads, Callable<T> body) throws Exception {
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        String previous = System.getProperty(Parallel.PROPERTY);
        if (threads != null) {
            System.setProperty(Parallel.PROPERTY, Integer.toString(threads));
        }
        try {
            return body.call();
        } finally {
            if (threads != null) {
                if (previous == null) {
                    System.clearProperty(Parallel.PROPERTY);
                } else {
                    System.setProperty(Parallel.PROPERTY, previous);
                }
            }
        }
    }

    /**
     * Writes {@code doc} as JSON to {@code file}, creating its directory; through a temporary file beside it, so that a
     * process stopped while writing leaves the previous document whole.
     */
    static void writeJson(Path file, Map<String, Object> doc) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, Json.write(doc) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder(2 * b.length);
        for (byte x : b) {
            s.append(String.format("%02x", x & 0xff));
        }
        return s.toString();
    }

    private static boolean hasRelinearization(EvaluationKeys keys) {
        try {
            SwitchingKey k = keys.relinearization();
            return k != null;
        } catch (IllegalStateException none) {
            return false;
        }
    }

    interface IoSupplier<T> {
        T get() throws IOException;
    }

    /** {@code body}'s result; a format error's message gets the file's name in front. */
    private static <T> T named(Path file, IoSupplier<T> body) throws IOException {
        try {
            return body.get();
        } catch (dev.hyphenj.ckks.io.SerializationException e) {
            String msg = e.getMessage();
            throw new dev.hyphenj.ckks.io.SerializationException(e.problem(),
                    msg != null && msg.startsWith(file.toString()) ? msg : file + ": " + msg, e);
        }
    }
}
