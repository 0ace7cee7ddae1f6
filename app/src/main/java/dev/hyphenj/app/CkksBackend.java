package dev.hyphenj.app;

import dev.hyphenj.ckks.Ciphertext;
import dev.hyphenj.ckks.Decryptor;
import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.Encryptor;
import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.KeyGenerator;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.Plaintext;
import dev.hyphenj.ckks.SecretKey;
import dev.hyphenj.ckks.SwitchingKey;
import dev.hyphenj.hcnn.ckks.CkksBootstrapService;
import dev.hyphenj.hcnn.ckks.CkksCiphertext;
import dev.hyphenj.hcnn.ckks.CkksHeEvaluator;
import dev.hyphenj.hcnn.ckks.CkksNetworkHooks;
import dev.hyphenj.hcnn.ckks.NetworkKeys;
import dev.hyphenj.hcnn.ckks.PlaintextCache;
import dev.hyphenj.hcnn.ckks.WarmUp;
import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.eval.NetworkHooks;
import dev.hyphenj.hcnn.eval.OpCounts;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo on RNS-CKKS, client and server in one process: the client's secret key and the plan's evaluation keys
 * ({@link NetworkKeys}, each cut to its level), secret-key encryption and decryption; the server's
 * {@link CkksHeEvaluator}, {@link CkksBootstrapService} (one bootstrapper per slot count of the plan; none for a
 * leveled plan) and {@link CkksNetworkHooks} (the profile's activations; bootstraps bounded by the AppReLU bound of
 * the layer they precede; the degree-2 network's activations are its evaluator products). The server side sees only the evaluation keys.
 */
final class CkksBackend implements DemoRun.Backend<CkksCiphertext> {
    private static final long KEY_PROGRESS_NANOS = 10_000_000_000L;

    private final EncryptedPlan plan;
    private final Parameters params;
    private final PlaintextCache cache;
    private final Encoder encoder;
    private SecretKey sk;
    private EvaluationKeys keys;
    private Encryptor encryptor;
    private Decryptor decryptor;
    private CkksHeEvaluator ev;
    private CkksBootstrapService boot;

    /** The backend for {@code plan}; weight plaintexts cached under {@code cacheBytes} (0: encoded on every use). */
    CkksBackend(EncryptedPlan plan, long cacheBytes) {
        this.plan = plan;
        this.params = plan.params;
        this.cache = new PlaintextCache(cacheBytes, PlaintextCache.Policy.RETAIN);
        this.encoder = new Encoder(params);
    }

    @Override
    public String name() {
        return "ckks";
    }

    @Override
    public void generateKeys(String command, PrintWriter progress) {
        KeyGenerator generator = new KeyGenerator(params);
        sk = generator.secretKey();
        client(sk);
        server(generateEvaluationKeys(plan, generator, sk, progress, command));
    }

    /**
     * The evaluation keys of {@code plan}'s key plan for {@code sk}, with a progress line on {@code progress} (prefixed
     * {@code command}) every 10 s: what {@code demo} and {@code keygen} make.
     */
    static EvaluationKeys generateEvaluationKeys(EncryptedPlan plan, KeyGenerator generator, SecretKey sk,
            PrintWriter progress, String command) {
        NetworkKeys.KeyPlan kp = plan.keys;
        int total = kp.galoisKeys() + (kp.relinearizationLevel() < 0 ? 0 : 1);
        progress.printf("%s: generating the secret key and %d evaluation keys: %s%n", command, total,
                kp.summary(plan.params));
        progress.flush();
        long start = System.nanoTime();
        long[] last = {start};
        return NetworkKeys.generate(generator, sk, kp, done -> {
            long now = System.nanoTime();
            if (now - last[0] >= KEY_PROGRESS_NANOS && done < total) {
                progress.printf("%s: keys %d/%d, %.0f s%n", command, done, total, (now - start) / 1e9);
                progress.flush();
                last[0] = now;
            }
        });
    }

    /** The client's side: encryption and decryption with {@code secret} (closed by the caller). */
    void client(SecretKey secret) {
        encryptor = new Encryptor(params, secret);
        decryptor = new Decryptor(params, secret);
    }

    /**
     * The server's side with evaluation keys {@code evaluationKeys} (the backend owns and closes them): the
     * evaluator and one bootstrapper per slot count of the plan (none for a leveled plan), whose keys are checked
     * now.
     */
    void server(EvaluationKeys evaluationKeys) {
        keys = evaluationKeys;
        ev = new CkksHeEvaluator(params, keys, cache);
        if (plan.bootstrapSlots.isEmpty()) {
            return; // a leveled plan: no bootstrapper
        }
        boot = new CkksBootstrapService(ev, plan.design, plan.bootstrapSlots.keySet());
        for (int s : boot.slotCounts()) {
            boot.requireKeys(s); // a key plan that misses a bootstrap key fails now, not after the first layers
        }
    }

    @Override
    public long keyBytes() {
        return keys.memoryBytes();
    }

    @Override
    public long keyBytesSeeded() {
        long b = 0;
        for (SwitchingKey k : keys.galoisKeys().values()) {
            b += k.seededBytes();
        }
        try {
            b += keys.relinearization().seededBytes();
        } catch (IllegalStateException none) {
            // no relinearization key
        }
        return b;
    }

    @Override
    public HeEvaluator<CkksCiphertext> evaluator() {
        return ev;
    }

    @Override
    public long warmUp(int inputLevel) {
        return WarmUp.run(params, keys, inputLevel);
    }

    @Override
    public NetworkHooks<CkksCiphertext> hooks() {
        CkksNetworkHooks hooks = new CkksNetworkHooks(ev, boot, plan.activations);
        hooks.startRun();
        return hooks;
    }

    @Override
    public List<CkksCiphertext> encrypt(List<double[]> slots, int level) {
        List<CkksCiphertext> out = new ArrayList<>(slots.size());
        for (double[] v : slots) {
            try (Plaintext pt = encoder.encode(v, level, params.scale())) {
                out.add(ev.wrap(encryptor.encrypt(pt)));
            }
        }
        return out;
    }

    /** A handle owning {@code ct}, a client's ciphertext read by the server. */
    CkksCiphertext wrap(Ciphertext ct) {
        return ev.wrap(ct);
    }

    /** The ciphertext of a handle (the handle keeps it). */
    Ciphertext ciphertext(CkksCiphertext ct) {
        return ev.ciphertext(ct);
    }

    @Override
    public double[] decrypt(CkksCiphertext ct) {
        Ciphertext c = ev.ciphertext(ct);
        try (Plaintext pt = decryptor.decrypt(c)) {
            return encoder.decodeReal(pt);
        }
    }

    @Override
    public OpCounts counts() {
        return ev.counts();
    }

    @Override
    public long bootstrapKeySwitches() {
        return boot == null ? 0
                : boot.stats().values().stream().mapToLong(CkksBootstrapService.Stats::keySwitches).sum();
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> bootstraps = new ArrayList<>();
        for (CkksBootstrapService.Stats st : boot == null ? List.<CkksBootstrapService.Stats>of()
                : boot.stats().values()) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("slots", st.slots());
            b.put("bootstraps", st.bootstraps());
            b.put("meanSeconds", st.meanMillis() / 1e3);
            b.put("keySwitchesEach", st.bootstraps() == 0 ? 0 : st.keySwitches() / st.bootstraps());
            Map<String, Object> phases = new LinkedHashMap<>();
            st.phaseNanos().forEach((p, t) -> phases.put(p, t / 1e9 / Math.max(1, st.bootstraps())));
            b.put("meanPhaseSeconds", phases);
            bootstraps.add(b);
        }
        m.put("bootstrapStats", bootstraps);
        Map<String, Object> ops = new LinkedHashMap<>();
        ev.timings().forEach((op, t) -> ops.put(op.name(), Map.of("calls", t.calls(), "seconds", t.nanos() / 1e9)));
        m.put("operationSeconds", ops);
        m.put("scaleAdjustments", ev.scaleAdjustments());
        PlaintextCache.Stats cs = cache.stats();
        m.put("plaintextCache", Map.of("budgetBytes", cs.budgetBytes(), "hits", cs.hits(), "misses", cs.misses(),
                "peakBytes", cs.peakBytes(), "encodeSeconds", cs.encodeNanos() / 1e9));
        return m;
    }

    @Override
    public void close() {
        if (boot != null) {
            boot.close();
        }
        if (keys != null) {
            keys.close();
        }
        if (sk != null) {
            sk.close();
        }
    }
}
