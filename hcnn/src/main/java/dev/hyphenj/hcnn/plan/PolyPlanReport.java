package dev.hyphenj.hcnn.plan;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.hcnn.ckks.NetworkKeys;
import dev.hyphenj.hcnn.eval.NetworkHooks;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.model.ResNet20;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;

/**
 * The plan of the degree-2 ResNet-20 ({@link PolyPlanner}) with the figures of every option: each runs on the slot
 * simulator under a {@link CostMeter} (random weights of the network's shapes and layer forms; the counts do not
 * depend on them otherwise, the logits are checked against the plain forward pass), which gives its operations,
 * rotation keys with the levels they are cut to, key bytes and predicted time. {@link #toJson()} is the plan document of {@code hyphen plan --json}.
 */
public final class PolyPlanReport {
    /**
     * One option's run.
     *
     * @param option the planner's option
     * @param counts the simulator's operation counts
     * @param keyLevels every rotation step with the highest level it is used at
     * @param rotationKeyBytes the rotation keys cut to their levels (plain)
     * @param meteredMs the meter's predicted time (the planner's prediction, with the head's additions)
     * @param maxLogitError the largest logit error against the plain forward pass
     */
    public record Figures(PolyPlanner.Option option, OpCounts counts, SortedMap<Integer, Integer> keyLevels,
            long rotationKeyBytes, double meteredMs, double maxLogitError) {}

    private final String profile;
    private final CostModel model;
    private final int topLevel;
    private final PolyPlanner.Plan plan;
    private final List<Figures> figures = new ArrayList<>();

    /**
     * Plans with {@code planner} (its cost model {@code model}, bootstraps returning to {@code topLevel}) and runs
     * every option.
     */
    public PolyPlanReport(String profile, PolyPlanner planner, CostModel model, int topLevel) {
        this.profile = profile;
        this.model = model;
        this.topLevel = topLevel;
        this.plan = planner.plan();
        ResNet20Weights w = PlanReport.randomPolyWeights(20240601L, planner.weightSets());
        for (PolyPlanner.Option o : plan.options()) {
            figures.add(run(w, o));
        }
    }

    public PolyPlanner.Plan plan() {
        return plan;
    }

    /** The figures of each option, in the plan's order (the leveled run first). */
    public List<Figures> figures() {
        return List.copyOf(figures);
    }

    /** The chosen option's figures. */
    public Figures chosen() {
        return figures.get(plan.options().indexOf(plan.chosen()));
    }

    private Figures run(ResNet20Weights w, PolyPlanner.Option o) {
        Parameters p = o.params();
        Map<Integer, double[]> scales = new HashMap<>();
        for (int a : o.bootstrapAfter()) {
            int n = a == 0 ? w.stem().outChannels() : w.blocks().get((a - 1) / 2).conv2().outChannels();
            double[] sigma = new double[n]; // a real run's scales are not 1: its readers multiply them back in
            Arrays.fill(sigma, 2);
            scales.put(a, sigma);
        }
        PolyResNet20 net = new PolyResNet20(w, new Frame(32, 32, p.slots()), plan.layout(), scales);
        SlotSimulator sim = new SlotSimulator(p.slots());
        CostMeter<SimCiphertext> meter = new CostMeter<>(sim, p, model, topLevel, true);
        Random rnd = new Random(7);
        double[][][] image = new double[3][32][32];
        for (double[][] plane : image) {
            for (double[] row : plane) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = rnd.nextDouble() - 0.5;
                }
            }
        }
        List<SimCiphertext> input = net.inputLayout().pack(image).stream()
                .map(v -> meter.enter(sim.encrypt(v), o.inputLevel())).toList();
        NetworkHooks<SimCiphertext> hooks = new NetworkHooks<>() {
            @Override
            public SimCiphertext activate(SimCiphertext x) {
                throw new UnsupportedOperationException("the degree-2 network activates by its products");
            }

            @Override
            public SimCiphertext bootstrap(SimCiphertext x, int slots) {
                return meter.bootstrap(x, slots);
            }
        };
        SimCiphertext logits = net.logits(meter, hooks, input);
        double[] got = net.head().decode(sim.decrypt(logits));
        meter.release(logits);
        ResNet20 plain = new ResNet20(w);
        double[] expected = plain.classify(plain.features(image));
        double err = 0;
        for (int k = 0; k < expected.length; k++) {
            err = Math.max(err, Math.abs(got[k] - expected[k]));
        }
        SortedMap<Integer, Integer> keys = meter.keyLevels();
        long keyBytes = 0;
        for (int level : keys.values()) {
            keyBytes += NetworkKeys.keyBytes(p, level);
        }
        return new Figures(o, sim.counts(), keys, keyBytes, meter.snapshot().ms(), err);
    }

    /** The plan document. */
    public Map<String, Object> toJson() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("profile", profile);
        doc.put("model", "resnet20");
        doc.put("activation", "poly2");
        doc.put("costModel", model.toJson());
        Map<String, Object> layout = new LinkedHashMap<>();
        layout.put("stemM", (long) plan.layout().stemM());
        layout.put("stemBabySteps", (long) plan.layout().stemBabySteps());
        List<Object> blocks = new ArrayList<>();
        for (NetworkPlan.BlockPlan b : plan.layout().blocks()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("block", b.name());
            m.put("conv1", "CAConv");
            m.put("conv2", "RAConv");
            m.put("m", (long) b.m());
            m.put("babySteps", (long) b.caBabySteps());
            blocks.add(m);
        }
        layout.put("blocks", blocks);
        doc.put("layout", layout);
        doc.put("chosen", plan.chosen().name());
        List<Object> options = new ArrayList<>();
        for (Figures f : figures) {
            options.add(optionJson(f));
        }
        doc.put("options", options);
        doc.put("total", optionJson(chosen()));
        doc.put("notes", List.of(
                "Each convolution and its activation take 2 levels (hcnn.act.FusedQuadratic: s = conv(x) and"
                        + " t = a(.)conv(x) + a(.)bias + b from one hoisted batch of tap rotations, y = s*t + c): the"
                        + " block and rotate-and-sum rotations and the shortcuts run for s and t alike. 39 levels.",
                "A bootstrap follows an activation; the tensor is divided per channel by 2 x its output bound"
                        + " (bounds.json), folded into t and c, and multiplied back in the weights that read it.",
                "Times: costs-cpu.json, scaled by the primes of Q at each operation's level (per-limb scaling, also for"
                        + " the leveled chain's larger digits and P, which were not measured); bootstraps: the measured"
                        + " times per slot count (bootstrapMeasuredMs) of the resnet20-cifar10 chain.",
                "rotations = key-switched rotations of the network (ordinary and hoisted); keySwitches adds the"
                        + " relinearizations of the activations' products."));
        return doc;
    }

    private Map<String, Object> optionJson(Figures f) {
        PolyPlanner.Option o = f.option();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("option", o.name());
        m.put("parameters", o.params().name());
        m.put("logQP", Math.round(o.params().logQP() * 10) / 10.0);
        m.put("security", o.params().security().bits() + "-bit");
        m.put("inputLevel", (long) o.inputLevel());
        List<Object> after = new ArrayList<>();
        for (int a : o.bootstrapAfter()) {
            after.add(ResNet20Weights.polyActivationName(a));
        }
        m.put("bootstrapAfter", after);
        m.put("bootstraps", o.bootstraps());
        m.put("rotations", f.counts().allRotations());
        m.put("hoistedRotations", f.counts().hoistedRotations());
        m.put("keySwitches", f.counts().keySwitches());
        m.put("plaintextMultiplies", f.counts().plaintextMultiplies());
        m.put("ciphertextMultiplies", f.counts().ciphertextMultiplies());
        m.put("distinctRotationKeys", (long) f.keyLevels().size());
        m.put("rotationKeyBytes", f.rotationKeyBytes());
        m.put("rotationKeyBytesSeeded", f.rotationKeyBytes() / 2);
        m.put("predictedLinearSeconds", round(o.linearMs() / 1000));
        m.put("predictedBootstrapSeconds", round(o.bootstrapMs() / 1000));
        m.put("predictedSeconds", round(o.ms() / 1000));
        m.put("meteredSeconds", round(f.meteredMs() / 1000));
        m.put("maxLogitError", f.maxLogitError());
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
