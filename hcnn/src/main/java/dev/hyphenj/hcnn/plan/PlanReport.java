package dev.hyphenj.hcnn.plan;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.hcnn.baseline.MpResNet20;
import dev.hyphenj.hcnn.ckks.NetworkKeys;
import dev.hyphenj.hcnn.conv.Convolution;
import dev.hyphenj.hcnn.eval.NetworkHooks;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.model.ResNet20;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;

/**
 * The execution plan of ResNet-20 for a profile, and the same figures for the MPConv baseline: the planner chooses
 * the plan ({@link ResNet20Planner}); both networks then run on the slot simulator under a {@link CostMeter}
 * (random weights of ResNet-20's shapes: the counts do not depend on the values; the logits are checked against the
 * plain forward pass), and every layer's operations, keys, bootstraps, plaintext bytes and predicted time are
 * recorded. {@link #toJson()} is the plan document ({@code hyphen plan --json}).
 */
public final class PlanReport {
    /** One layer's figures (a convolution with its shortcut, refills, bootstraps and activation, or the head). */
    public record Row(String name, String algorithm, int ciphertexts, long rotations, long hoistedRotations,
            long keySwitches, long plaintextMultiplies, long bootstraps, SortedMap<Integer, Long> bootstrapSlots,
            int distinctRotationKeys, long plaintextBytes, double predictedMs) {}

    /**
     * A network's rows and totals; {@code linearMs} is the predicted time without bootstraps and activations.
     */
    public record Network(String algorithm, int inputLevel, List<Row> rows, Row total,
            SortedMap<Integer, Integer> keyLevels, int bootstrapRotationKeys, long rotationKeyBytes,
            long bootstrapKeyBytes, double maxLogitError, double linearMs) {}

    private final String profile;
    private final Parameters params;
    private final CostModel model;
    private final int topLevel;
    private final int bootstrapTransformLevels;
    private final NetworkPlan plan;
    private final Network ours;
    private final Network baseline;

    /**
     * Plans and runs both networks for the chain of {@code params}, bootstraps returning to {@code topLevel},
     * CoeffsToSlots and SlotsToCoeffs in {@code bootstrapTransformLevels} levels each, at most {@code maxKeys} keys.
     */
    public PlanReport(String profile, Parameters params, CostModel model, int topLevel, int bootstrapTransformLevels,
            int maxKeys) {
        this.profile = profile;
        this.params = params;
        this.model = model;
        this.topLevel = topLevel;
        this.bootstrapTransformLevels = bootstrapTransformLevels;
        ResNet20Planner planner = new ResNet20Planner(params, model, topLevel, maxKeys);
        this.plan = planner.plan();
        ResNet20Weights w = randomWeights(20240601L);
        Random rnd = new Random(7);
        double[][][] image = new double[3][32][32];
        for (double[][] plane : image) {
            for (double[] row : plane) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = 2 * rnd.nextDouble() - 1;
                }
            }
        }
        double[] expected = new ResNet20(w).classify(new ResNet20(w).features(copy(image)));
        this.ours = runOurs(w, image, expected);
        this.baseline = runBaseline(w, image, expected);
    }

    public NetworkPlan plan() {
        return plan;
    }

    public Network ours() {
        return ours;
    }

    public Network baseline() {
        return baseline;
    }

    /** ResNet-20's shapes with seeded random weights scaled so that activations stay of order one. */
    public static ResNet20Weights randomWeights(long seed) {
        Random rnd = new Random(seed);
        Convolution stem = conv(rnd, 3, 16, 1);
        List<ResNet20Weights.Block> blocks = new ArrayList<>();
        int in = 16;
        for (int s = 0; s < 3; s++) {
            int planes = ResNet20Weights.STAGE_CHANNELS[s];
            for (int b = 0; b < ResNet20Weights.BLOCKS_PER_STAGE; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                blocks.add(new ResNet20Weights.Block("layer" + (s + 1) + "." + b, s, conv(rnd, in, planes, stride),
                        conv(rnd, planes, planes, 1)));
                in = planes;
            }
        }
        double[][] fc = new double[ResNet20Weights.CLASSES][in];
        for (double[] row : fc) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (2 * rnd.nextDouble() - 1) / Math.sqrt(in);
            }
        }
        double[] fcBias = new double[ResNet20Weights.CLASSES];
        return new ResNet20Weights(stem, blocks, fc, fcBias, new double[] {0.5, 0.5, 0.5},
                new double[] {0.25, 0.25, 0.25});
    }

    /**
     * {@link #randomWeights} with random per-channel quadratics near the identity (y = a s^2 + s + c, small a and c),
     * so that values stay of order one through the 19 activations: the degree-2 network's shapes. Activation i's
     * layer takes {@code weightSets[i]} weight sets ({@link dev.hyphenj.hcnn.act.FusedQuadratic#weightSets}): every
     * other channel's a is negative (a square with negated outputs), and with 2 the first channel's a is 0 (a
     * product).
     */
    public static ResNet20Weights randomPolyWeights(long seed, int[] weightSets) {
        ResNet20Weights w = randomWeights(seed);
        Random rnd = new Random(seed + 1);
        List<ResNet20Weights.Quadratic> acts = new ArrayList<>();
        for (int i = 0; i < ResNet20Weights.ACTIVATIONS; i++) {
            int n = i == 0 ? w.stem().outChannels() : w.blocks().get((i - 1) / 2).conv2().outChannels();
            double[] a = new double[n], b = new double[n], c = new double[n];
            for (int ch = 0; ch < n; ch++) {
                a[ch] = weightSets[i] == 2 && ch == 0 ? 0 : (0.01 + 0.09 * rnd.nextDouble()) * (ch % 2 == 1 ? -1 : 1);
                b[ch] = 1;
                c[ch] = 0.1 * (2 * rnd.nextDouble() - 1);
            }
            acts.add(new ResNet20Weights.Quadratic(ResNet20Weights.polyActivationName(i), a, b, c));
        }
        return new ResNet20Weights(w.stem(), w.blocks(), w.fcWeight(), w.fcBias(), w.mean(), w.std(), acts);
    }

    private static Convolution conv(Random rnd, int in, int out, int stride) {
        double a = Math.sqrt(3.0 / (in * 9));
        double[][][][] w = new double[out][in][3][3];
        double[] bias = new double[out];
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < in; c++) {
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < 3; x++) {
                        w[o][c][y][x] = a * (2 * rnd.nextDouble() - 1);
                    }
                }
            }
            bias[o] = 0.1 * (2 * rnd.nextDouble() - 1);
        }
        return new Convolution(w, bias, stride);
    }

    private Network runOurs(ResNet20Weights w, double[][][] image, double[] expected) {
        Frame frame = new Frame(32, 32, params.slots());
        PlannedResNet20 net = new PlannedResNet20(w, frame, plan);
        SlotSimulator sim = new SlotSimulator(params.slots());
        CostMeter<SimCiphertext> meter = new CostMeter<>(sim, params, model, topLevel);
        List<SimCiphertext> input = net.inputLayout().pack(image).stream()
                .map(v -> meter.enter(sim.encrypt(v), plan.inputLevel())).toList();
        Recorder rec = new Recorder(sim, meter, name -> describeOurs(net, name));
        SimCiphertext logits = net.logits(meter, rec, input);
        double[] got = net.head().decode(sim.decrypt(logits));
        double err = 0;
        for (int k = 0; k < expected.length; k++) {
            err = Math.max(err, Math.abs(got[k] - expected[k]));
        }
        return rec.network("HyPHEN (CAConv/RAConv, PR(m), gap refilling)", plan.inputLevel(), err);
    }

    private Network runBaseline(ResNet20Weights w, double[][][] image, double[] expected) {
        MpResNet20 net = new MpResNet20(w, params.slots());
        SlotSimulator sim = new SlotSimulator(params.slots());
        CostMeter<SimCiphertext> meter = new CostMeter<>(sim, params, model, topLevel);
        int inputLevel = 2 + model.activationLevels() + 2;
        SimCiphertext input = meter.enter(sim.encrypt(net.inputLayout().pack(image)), inputLevel);
        Recorder rec = new Recorder(sim, meter, name -> name.equals("head") ? "avgpool + FC (diagonals)"
                : "MPConv" + (name.startsWith("layer2.0.conv2") || name.startsWith("layer3.0.conv2")
                        ? " + downsampling" : ""));
        SimCiphertext logits = net.logits(meter, rec, input);
        double[] got = sim.decrypt(logits);
        double err = 0;
        for (int k = 0; k < expected.length; k++) {
            err = Math.max(err, Math.abs(got[k] - expected[k]));
        }
        return rec.network("MPConv (Lee et al. ICML 2022, snu-ccl/FHE-MP-CNN)", inputLevel, err);
    }

    private String describeOurs(PlannedResNet20 net, String name) {
        if (name.equals("stem")) {
            return "RAConv PR(" + plan.stemM() + ")->CA n1=" + plan.stemBabySteps();
        }
        if (name.equals("head")) {
            return "pool + FC (ClassifierHead)";
        }
        int i = -1;
        for (int j = 0; j < plan.blocks().size(); j++) {
            if (name.startsWith(plan.blocks().get(j).name() + ".")) {
                i = j;
            }
        }
        NetworkPlan.BlockPlan b = plan.blocks().get(i);
        if (name.endsWith("conv1")) {
            int n = net.conv1(i).outputLayout().ciphertexts();
            return "CAConv CA->PR(" + b.m() + ") n1=" + b.caBabySteps() + (b.refillMid() ? " refill " + n + "->1" : "");
        }
        int n = net.conv2(i).outputLayout().ciphertexts();
        return "RAConv PR(" + b.m() + ")->CA n1=" + b.raBabySteps() + (b.refillOut() ? " refill " + n + "->1" : "");
    }

    /** Records a row per layer from the simulator's counts and the meter. */
    private final class Recorder implements NetworkHooks<SimCiphertext> {
        private final SlotSimulator sim;
        private final CostMeter<SimCiphertext> meter;
        private final java.util.function.Function<String, String> describe;
        private final List<Row> rows = new ArrayList<>();
        private OpCounts lastCounts;
        private CostMeter.Snapshot lastMeter;
        private int cts;

        Recorder(SlotSimulator sim, CostMeter<SimCiphertext> meter,
                java.util.function.Function<String, String> describe) {
            this.sim = sim;
            this.meter = meter;
            this.describe = describe;
            this.lastCounts = sim.counts();
            this.lastMeter = meter.snapshot();
            meter.takeRecentKeys();
        }

        @Override
        public SimCiphertext activate(SimCiphertext x) {
            cts++;
            return meter.activate(x, c -> sim.map(c, v -> Math.max(v, 0)));
        }

        @Override
        public SimCiphertext bootstrap(SimCiphertext x, int slots) {
            return meter.bootstrap(x, slots);
        }

        @Override
        public void layerDone(String name) {
            OpCounts c = sim.counts().since(lastCounts);
            CostMeter.Snapshot m = meter.snapshot().since(lastMeter);
            SortedMap<Integer, Integer> keys = meter.takeRecentKeys();
            rows.add(new Row(name, describe.apply(name), cts, c.rotations() + c.hoistedRotations(),
                    c.hoistedRotations(), c.keySwitches() + m.activationKeySwitches(), c.plaintextMultiplies(),
                    m.bootstraps(), m.bootstrapSlots(), keys.size(), m.plaintextBytes(), m.ms()));
            lastCounts = sim.counts();
            lastMeter = meter.snapshot();
            cts = 0;
        }

        Network network(String algorithm, int inputLevel, double err) {
            OpCounts c = sim.counts();
            CostMeter.Snapshot m = meter.snapshot();
            SortedMap<Integer, Integer> keyLevels = meter.keyLevels();
            Row total = new Row("total", algorithm, rows.stream().mapToInt(Row::ciphertexts).sum(),
                    c.rotations() + c.hoistedRotations(), c.hoistedRotations(),
                    c.keySwitches() + m.activationKeySwitches(), c.plaintextMultiplies(), m.bootstraps(),
                    m.bootstrapSlots(), keyLevels.size(), m.plaintextBytes(), m.ms());
            long keyBytes = 0;
            for (int level : keyLevels.values()) {
                keyBytes += keyBytes(level);
            }
            int bootKeys = BootstrapKeys.count(m.bootstrapSlots().keySet(), params.slots(), bootstrapTransformLevels);
            return new Network(algorithm, inputLevel, List.copyOf(rows), total, keyLevels, bootKeys, keyBytes,
                    bootKeys * keyBytes(params.maxLevel()), err, m.ms() - m.bootstrapMs() - m.activationMs());
        }
    }

    /** Bytes of one switching key cut to {@code level}: 2 x dnum x (Q primes + P primes) x N x 4. */
    public long keyBytes(int level) {
        return NetworkKeys.keyBytes(params, level);
    }

    /** The plan document. */
    public Map<String, Object> toJson() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("profile", profile);
        doc.put("model", "resnet20");
        doc.put("parameters", params.name() + " (N = 2^" + params.logN() + ", " + params.slots() + " slots)");
        doc.put("costModel", model.toJson());
        doc.put("choices", choicesJson());
        doc.put("layers", rowsJson(ours.rows()));
        doc.put("total", totalJson(ours));
        doc.put("rotationKeys", new ArrayList<Object>(ours.keyLevels().keySet().stream().map(Long::valueOf).toList()));
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("algorithm", baseline.algorithm());
        base.put("layers", rowsJson(baseline.rows()));
        base.put("total", totalJson(baseline));
        base.put("rotationKeys",
                new ArrayList<Object>(baseline.keyLevels().keySet().stream().map(Long::valueOf).toList()));
        doc.put("baseline", base);
        Map<String, Object> cmp = new LinkedHashMap<>();
        cmp.put("rotationRatio", ratio(baseline.total().rotations(), ours.total().rotations()));
        cmp.put("keySwitchRatio", ratio(baseline.total().keySwitches(), ours.total().keySwitches()));
        cmp.put("predictedTimeRatio", baseline.total().predictedMs() / ours.total().predictedMs());
        cmp.put("linearLayersTimeRatio", baseline.linearMs() / ours.linearMs());
        cmp.put("distinctRotationKeys", List.of((long) ours.total().distinctRotationKeys(),
                (long) baseline.total().distinctRotationKeys()));
        doc.put("comparison", cmp);
        doc.put("notes", notes());
        return doc;
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }

    private List<Object> notes() {
        List<Object> n = new ArrayList<>();
        n.add("rotations = key-switched rotations of the CNN layers (convolutions, shortcuts, gap refills, pooling and"
                + " the linear layer), ordinary and hoisted outputs together; bootstrapping excluded. keySwitches adds"
                + " the activations' relinearizations (" + model.activationProducts() + " per ciphertext).");
        n.add("A PR(m) ciphertext is periodic with period m*P (P = 1024 slots per channel plane), so it bootstraps as a"
                + " sparse message of m*P slots; bootstrapSlots counts the bootstraps by that slot count (CA"
                + " ciphertexts use all " + params.slots() + ").");
        n.add("Levels: conv 1 level (MPConv 2), option-A shortcut 1, AppReLU " + model.activationLevels() + ", head 1 (MPConv 2);"
                + " a bootstrap precedes an activation when the levels after it would not suffice, so convolutions"
                + " run at levels 2 -> 1 and their rotation keys are cut to level 2; the image is encrypted at level "
                + ours.inputLevel() + " (MPConv: " + baseline.inputLevel() + ").");
        n.add("bootstrapRotationKeys is an estimate (BootstrapKeys: CoeffsToSlots/SlotsToCoeffs in "
                + bootstrapTransformLevels + " BSGS levels each, sparse subsum, conjugation), keys at the top level.");
        n.add("Bootstrap time is a placeholder of " + model.bootstrapRotations() + " rotations until bootstrapping"
                + " exists; times scale with the primes of Q at the level of each operation.");
        n.add("plaintextBytes: all weight plaintexts at the levels where they are used (each multiply its own), as if"
                + " precomputed; encoded on the fly only one layer's are alive at a time.");
        n.add("Logit check on the simulator (exact ReLU, random weights): max error " + fmt(ours.maxLogitError())
                + " (ours), " + fmt(baseline.maxLogitError()) + " (MPConv).");
        return n;
    }

    private static String fmt(double v) {
        return String.format("%.2e", v);
    }

    private Map<String, Object> choicesJson() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("inputLevel", (long) plan.inputLevel());
        c.put("stemM", (long) plan.stemM());
        c.put("stemBabySteps", (long) plan.stemBabySteps());
        List<Object> blocks = new ArrayList<>();
        for (NetworkPlan.BlockPlan b : plan.blocks()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("block", b.name());
            m.put("conv1", "CAConv");
            m.put("conv2", "RAConv");
            m.put("m", (long) b.m());
            m.put("babySteps", (long) b.caBabySteps());
            m.put("refillMid", b.refillMid());
            m.put("refillOut", b.refillOut());
            blocks.add(m);
        }
        c.put("blocks", blocks);
        c.put("bootstrapBeforeActivation", new ArrayList<Object>(plan.bootstrapBefore()));
        return c;
    }

    private List<Object> rowsJson(List<Row> rows) {
        List<Object> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(rowJson(r));
        }
        return out;
    }

    /** A row as the plan document writes it (also the ResNet-18 plan's). */
    static Map<String, Object> rowJson(Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("algorithm", r.algorithm());
        m.put("ciphertexts", (long) r.ciphertexts());
        m.put("rotations", r.rotations());
        m.put("hoistedRotations", r.hoistedRotations());
        m.put("keySwitches", r.keySwitches());
        m.put("plaintextMultiplies", r.plaintextMultiplies());
        m.put("bootstraps", r.bootstraps());
        m.put("bootstrapSlots", slotsJson(r.bootstrapSlots()));
        m.put("distinctRotationKeys", (long) r.distinctRotationKeys());
        m.put("plaintextBytes", r.plaintextBytes());
        m.put("predictedMs", round(r.predictedMs()));
        return m;
    }

    private Map<String, Object> totalJson(Network n) {
        Map<String, Object> m = rowJson(n.total());
        m.remove("name");
        m.put("activations", m.remove("ciphertexts"));
        m.put("bootstrapRotationKeys", (long) n.bootstrapRotationKeys());
        m.put("rotationKeyBytes", n.rotationKeyBytes());
        m.put("rotationKeyBytesSeeded", n.rotationKeyBytes() / 2);
        m.put("bootstrapKeyBytes", n.bootstrapKeyBytes());
        m.put("bootstrapKeyBytesSeeded", n.bootstrapKeyBytes() / 2);
        m.put("predictedSeconds", round(n.total().predictedMs() / 1000));
        m.put("inputLevel", (long) n.inputLevel());
        m.put("maxLogitError", n.maxLogitError());
        return m;
    }

    static Map<String, Object> slotsJson(SortedMap<Integer, Long> slots) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<Integer, Long> e : slots.entrySet()) {
            m.put(Integer.toString(e.getKey()), e.getValue());
        }
        return m;
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static double[][][] copy(double[][][] t) {
        double[][][] c = new double[t.length][][];
        for (int i = 0; i < t.length; i++) {
            c[i] = new double[t[i].length][];
            for (int j = 0; j < t[i].length; j++) {
                c[i][j] = t[i][j].clone();
            }
        }
        return c;
    }
}
