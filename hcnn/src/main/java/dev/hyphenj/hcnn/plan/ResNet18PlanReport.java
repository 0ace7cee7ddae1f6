package dev.hyphenj.hcnn.plan;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.hcnn.ckks.NetworkKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The ResNet-18 (ImageNet) plan of a profile as rows and totals ({@link PlanReport.Row}, the ResNet-20 plan's
 * figures and JSON keys) from {@link ResNet18Planner}'s formulas. Plan only: nothing runs, since there are no
 * ImageNet weights or images here; {@code ResNet18PlannerTest} checks the formulas against layer runs on the slot
 * simulator.
 */
public final class ResNet18PlanReport {
    private final String profile;
    private final Parameters params;
    private final CostModel model;
    private final ResNet18Planner.Plan plan;
    private final List<PlanReport.Row> rows = new ArrayList<>();
    private final PlanReport.Row total;
    private final int bootstrapRotationKeys;
    private final long rotationKeyBytes;
    private final double linearMs;

    /**
     * Plans ResNet-18 for the chain of {@code params}, bootstraps returning to {@code topLevel}, CoeffsToSlots and
     * SlotsToCoeffs in {@code bootstrapTransformLevels} levels each, at most {@code maxKeys} rotation keys.
     */
    public ResNet18PlanReport(String profile, Parameters params, CostModel model, int topLevel,
            int bootstrapTransformLevels, int maxKeys) {
        this.profile = profile;
        this.params = params;
        this.model = model;
        this.plan = new ResNet18Planner(params, model, topLevel, maxKeys).plan();
        int products = model.activationProducts();
        long rot = 0, hoisted = 0, pmul = 0, boots = 0, acts = 0, bytes = 0;
        double ms = 0;
        SortedMap<Integer, Long> slots = new TreeMap<>();
        for (ResNet18Planner.Layer l : plan.layers()) {
            rows.add(new PlanReport.Row(l.name(), l.algorithm(), (int) l.activations(), l.rotations(), l.hoisted(),
                    l.rotations() + l.activations() * products, l.plaintextMultiplies(), l.bootstraps(),
                    l.bootstrapSlots(), l.keys().size(), l.plaintextBytes(), l.ms()));
            rot += l.rotations();
            hoisted += l.hoisted();
            pmul += l.plaintextMultiplies();
            boots += l.bootstraps();
            acts += l.activations();
            bytes += l.plaintextBytes();
            ms += l.ms();
            l.bootstrapSlots().forEach((s, n) -> slots.merge(s, n, Long::sum));
        }
        SortedMap<Integer, Integer> keys = plan.keyLevels();
        this.total = new PlanReport.Row("total", "HyPHEN (CAConv/RAConv, PR(m), gap refilling)", (int) acts, rot,
                hoisted, rot + acts * products, pmul, boots, slots, keys.size(), bytes, ms);
        this.bootstrapRotationKeys = BootstrapKeys.count(slots.keySet(), params.slots(), bootstrapTransformLevels);
        this.linearMs = plan.layers().stream().mapToDouble(ResNet18Planner.Layer::linearMs).sum();
        this.rotationKeyBytes = keys.values().stream().mapToLong(l -> NetworkKeys.keyBytes(params, l)).sum();
    }

    public ResNet18Planner.Plan plan() {
        return plan;
    }

    public List<PlanReport.Row> rows() {
        return rows;
    }

    public PlanReport.Row total() {
        return total;
    }

    /** Bootstrapping's rotation keys (estimate, {@link BootstrapKeys}). */
    public int bootstrapRotationKeys() {
        return bootstrapRotationKeys;
    }

    /** Bytes of the layers' rotation keys, each cut to the highest level it is used at. */
    public long rotationKeyBytes() {
        return rotationKeyBytes;
    }

    /** The predicted time without bootstraps and activations. */
    public double linearMs() {
        return linearMs;
    }

    /** Bytes of the bootstrapping keys at the top level. */
    public long bootstrapKeyBytes() {
        return bootstrapRotationKeys * NetworkKeys.keyBytes(params, params.maxLevel());
    }

    /** The plan document: {@code layers} and {@code total} as in the ResNet-20 plan. */
    public Map<String, Object> toJson() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("profile", profile);
        doc.put("model", "resnet18");
        doc.put("parameters", params.name() + " (N = 2^" + params.logN() + ", " + params.slots() + " slots)");
        doc.put("costModel", model.toJson());
        doc.put("choices", choicesJson());
        List<Object> layers = new ArrayList<>();
        rows.forEach(r -> layers.add(PlanReport.rowJson(r)));
        doc.put("layers", layers);
        Map<String, Object> t = PlanReport.rowJson(total);
        t.remove("name");
        t.put("activations", t.remove("ciphertexts"));
        t.put("bootstrapRotationKeys", (long) bootstrapRotationKeys);
        t.put("rotationKeyBytes", rotationKeyBytes);
        t.put("rotationKeyBytesSeeded", rotationKeyBytes / 2);
        t.put("bootstrapKeyBytes", bootstrapKeyBytes());
        t.put("bootstrapKeyBytesSeeded", bootstrapKeyBytes() / 2);
        t.put("predictedSeconds", PlanReport.round(total.predictedMs() / 1000));
        t.put("inputLevel", (long) plan.levels().inputLevel());
        doc.put("total", t);
        doc.put("rotationKeys", new ArrayList<Object>(plan.keyLevels().keySet().stream().map(Long::valueOf).toList()));
        doc.put("notes", notes());
        return doc;
    }

    private Map<String, Object> choicesJson() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("inputLevel", (long) plan.levels().inputLevel());
        c.put("stemM", (long) plan.stemM());
        c.put("babySteps", (long) plan.babySteps());
        List<Object> blocks = new ArrayList<>();
        for (NetworkPlan.BlockPlan b : plan.blocks()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("block", b.name());
            m.put("m", (long) b.m());
            m.put("refillMid", b.refillMid());
            m.put("refillOut", b.refillOut());
            blocks.add(m);
        }
        c.put("blocks", blocks);
        c.put("bootstrapBeforeActivation", new ArrayList<Object>(plan.levels().bootstrapBefore()));
        return c;
    }

    /** The plan's caveats, also printed by {@code hyphen plan}. */
    public static List<String> notes() {
        return List.of(
                "Plan only: no ImageNet weights or images exist here, so nothing runs encrypted; the counts are the"
                        + " layers' formulas (checked against simulator runs of the layers in ResNet18PlannerTest)."
                        + " No activation bounds are known (no ImageNet data): AppReLU's bounds are to be calibrated.",
                "Max pool replaced by a 3x3/2 average pool (a linear layer): a change of the network that needs"
                        + " retraining, as HE ResNets on ImageNet do.",
                "Input: the client splits each 224x224 plane into its 16 polyphase components mod 4 (48 planes of"
                        + " 56x56 in 64x64 frames, encrypted once each, no halo; PR(m0): 48/m0 ciphertexts); the"
                        + " 7x7/2 stem becomes a 3x3 stride-1 RAConv to 4 phases x 64 channels, so stem and pool give"
                        + " stage 1's layout with no repacking.",
                "Layouts: 64x64 frames, 8 planes per ciphertext; 56x56 gap 1, 28x28 gap 2, 14x14 gap 4, 7x7 gap 8;"
                        + " gap refilling packs up to 4 ciphertexts into one (offsets that are tap steps: no keys).",
                "Predicted times: costs-cpu.json, one thread, bootstrap placeholder; additions and rescales are not"
                        + " counted (as in the planner's objective).");
    }
}
