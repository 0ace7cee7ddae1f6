package dev.hyphenj.app;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.boot.BootstrapParameters;
import dev.hyphenj.ckks.io.Profiles;
import dev.hyphenj.hcnn.act.Activation;
import dev.hyphenj.hcnn.act.ActivationProfile;
import dev.hyphenj.hcnn.act.AppRelu;
import dev.hyphenj.hcnn.ckks.NetworkKeys;
import dev.hyphenj.hcnn.data.Cifar10;
import dev.hyphenj.hcnn.eval.NetworkHooks;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import dev.hyphenj.hcnn.plan.CostMeter;
import dev.hyphenj.hcnn.plan.CostModel;
import dev.hyphenj.hcnn.plan.NetworkPlan;
import dev.hyphenj.hcnn.plan.PackedNetwork;
import dev.hyphenj.hcnn.plan.PlannedResNet20;
import dev.hyphenj.hcnn.plan.PolyPlanner;
import dev.hyphenj.hcnn.plan.PolyResNet20;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What an encrypted ResNet-20 run of a profile needs before any key exists: the plan {@code hyphen plan} makes, the
 * network laid out by it with the profile's activations (AppReLU with each layer's bound), the level the client
 * encrypts the image at, and the key plan (every key with the level it is cut to).
 *
 * <p><b>Input level.</b> The planner counts an activation as the cost model's {@code activation.levels} (14: the
 * 1/B prescale folded into the convolution before it); the project's {@code AppRelu} spends one more on it. The
 * stem's activation is the only one without a bootstrap before it, so the image is encrypted that many levels higher
 * (17 instead of 16 on resnet20-cifar10: the chain's one-prime levels above the network's hold it); every other
 * activation follows a bootstrap and fits as planned (bootstrap at level 0).
 *
 * <p><b>Levels and keys.</b> The network then runs once on the slot simulator under a {@link CostMeter} with the
 * real activations (their polynomial depth and products, not the cost model's count), the image entering at that
 * level and every bootstrap returning to the profile's top network level: a level plan that does not fit the chain
 * fails here, in seconds, and not minutes into an encrypted run. The meter's record gives every CNN rotation step
 * with the highest level it is used at, the bootstraps' slot counts and the highest level an activation starts at
 * (the relinearization key's level), from which {@link NetworkKeys#plan} makes the key plan, the bootstrappers' keys
 * included.
 *
 * <p><b>Degree-2 profiles</b> (resnet20-cifar10-poly): {@link PolyPlanner} chooses the chain and the layout, the
 * network is a {@link PolyResNet20} whose activations are ciphertext products ({@code FusedQuadratic}, one level
 * each), and the relinearization key is cut to the highest level a product runs at. Only the leveled plan (on
 * {@code leveledParameters}, no bootstrap, no bootstrap keys) runs here.
 */
final class EncryptedPlan {
    /** CIFAR-10 frames: 32 x 32 planes. */
    static final int FRAME_SIDE = 32;

    final Parameters params;
    /** The bootstrap design; null for a leveled plan. */
    final BootstrapParameters design;
    /** The top network level, where bootstraps return. */
    final int topLevel;
    /** The planner's plan with the input level the activations need. */
    final NetworkPlan plan;
    /** The input level the planner chose (with the cost model's activation levels). */
    final int plannedInputLevel;
    /**
     * Levels of the profile's activations (the most of any layer), and the cost model's count (degree-2: 1 and 1, the
     * product).
     */
    final int activationLevels;
    final int plannedActivationLevels;
    final PackedNetwork network;
    final Map<String, Activation> activations;
    /** Every CNN rotation step (in (-slots/2, slots/2]) with the highest level it is used at. */
    final SortedMap<Integer, Integer> cnnKeyLevels;
    /** The highest level an activation starts at or a ciphertext product runs at (the relinearization key's). */
    final int activationTopLevel;
    /** Bootstraps per image by sparse slot count. */
    final SortedMap<Integer, Long> bootstrapSlots;
    final NetworkKeys.KeyPlan keys;

    private EncryptedPlan(Parameters params, BootstrapParameters design, int topLevel, NetworkPlan plan,
            int plannedInputLevel, int activationLevels, int plannedActivationLevels, PackedNetwork network,
            Map<String, Activation> activations, SortedMap<Integer, Integer> cnnKeyLevels, int activationTopLevel,
            SortedMap<Integer, Long> bootstrapSlots, NetworkKeys.KeyPlan keys) {
        this.params = params;
        this.design = design;
        this.topLevel = topLevel;
        this.plan = plan;
        this.plannedInputLevel = plannedInputLevel;
        this.activationLevels = activationLevels;
        this.plannedActivationLevels = plannedActivationLevels;
        this.network = network;
        this.activations = activations;
        this.cnnKeyLevels = cnnKeyLevels;
        this.activationTopLevel = activationTopLevel;
        this.bootstrapSlots = bootstrapSlots;
        this.keys = keys;
    }

    /**
     * The plan of {@code profile} (parameters {@code params}, already checked secure) for the weights {@code w}, with
     * the planner's operation times {@code costs} and at most {@code maxKeys} CNN rotation keys, as {@code plan} makes
     * it; throws (one line) if the profile cannot bootstrap, its bootstraps do not return to its top network level, or
     * the levels do not fit the chain. A degree-2 profile is planned by {@link #ofPoly}.
     */
    static EncryptedPlan of(String profile, Parameters params, ResNet20Weights w, String costs, int maxKeys)
            throws IOException {
        if (PolyProfile.is(profile)) {
            return ofPoly(profile, w, costs, maxKeys);
        }
        int top = PlanCommand.levels(profile)[0];
        BootstrapParameters design = Profiles.bootstrap(profile);
        int bootOut = design.outputLevel(params);
        if (bootOut != top) {
            throw new IllegalArgumentException("profile '" + profile + "': bootstraps return to level " + bootOut
                    + " but network.networkLevels ends at " + top);
        }
        CostModel model = CostModel.fromJson(Profiles.read(costs));
        NetworkPlan planned = PlanCommand.plan(profile, params, costs, maxKeys);
        Frame frame = new Frame(FRAME_SIDE, FRAME_SIDE, params.slots());
        PlannedResNet20 probe = new PlannedResNet20(w, frame, planned);
        Map<String, Activation> acts = normalized(probe.appRelu(ActivationProfile.load(profile)));
        if (!planned.bootstrapBefore().getFirst()) { // the stem's convolution delivers relu_stem's x / B
            w = scaleStem(w, acts.get(probe.activationNames().getFirst()).inputScale());
        }
        int actLevels = acts.values().stream().mapToInt(Activation::levels).max().orElseThrow();
        int inputLevel = planned.inputLevel() + Math.max(0, actLevels - model.activationLevels());
        if (inputLevel > params.maxLevel()) {
            throw new IllegalStateException("the image would be encrypted at level " + inputLevel + ", above the top "
                    + params.maxLevel() + " of '" + params.name() + "' (activations of " + actLevels + " levels)");
        }
        NetworkPlan plan = inputLevel == planned.inputLevel() ? planned : new NetworkPlan(planned.stemM(),
                planned.stemBabySteps(), planned.blocks(), inputLevel, planned.bootstrapBefore());
        PlannedResNet20 net = new PlannedResNet20(w, frame, plan);
        return metered(params, design, top, plan, planned.inputLevel(), actLevels, model.activationLevels(), net,
                acts, model, "activations of " + actLevels + " levels, bootstraps to level " + top);
    }

    /**
     * Each AppReLU taking its input as x / B ({@code AppRelu.normalizedInput()}: 14 levels, as the planner budgets):
     * the bootstrap before it, or the stem's weights ({@link #scaleStem}), divide by B for free.
     */
    private static Map<String, Activation> normalized(Map<String, Activation> acts) {
        Map<String, Activation> out = new LinkedHashMap<>();
        acts.forEach((name, a) -> out.put(name, a instanceof AppRelu r ? r.normalizedInput() : a));
        return out;
    }

    /** The weights with the stem's outputs times {@code factor} (weights and bias). */
    private static ResNet20Weights scaleStem(ResNet20Weights w, double factor) {
        int c = w.stem().outChannels();
        double[] mul = new double[c];
        Arrays.fill(mul, factor);
        return new ResNet20Weights(w.stem().affineOutputs(mul, new double[c]), w.blocks(), w.fcWeight(), w.fcBias(),
                w.mean(), w.std(), w.activations());
    }

    /**
     * The plan of a degree-2 profile ({@link PolyProfile}; weights {@code w} with quadratic activations): the chain and
     * layout {@link PolyPlanner} chooses, the network a {@link PolyResNet20}, whose activations are its ciphertext
     * products (one level each, relinearized at the highest level a product runs at). Only a leveled plan (no
     * bootstrap) is supported; throws (one line) if the planner chooses bootstraps.
     */
    private static EncryptedPlan ofPoly(String profile, ResNet20Weights w, String costs, int maxKeys) {
        PolyPlanner.Plan planned = PolyProfile.load(profile).planner(costs, maxKeys, w).plan();
        PolyPlanner.Option chosen = planned.chosen();
        if (!chosen.bootstrapAfter().isEmpty()) {
            throw new IllegalArgumentException("profile '" + profile + "': the planner chose " + chosen.name() + " on '"
                    + chosen.params().name() + "'; only a leveled plan runs encrypted (simulate runs this one)");
        }
        Parameters params = chosen.params();
        NetworkPlan plan = planned.layout();
        PolyResNet20 net = new PolyResNet20(w, new Frame(FRAME_SIDE, FRAME_SIDE, params.slots()), plan, Map.of());
        return metered(params, null, plan.inputLevel(), plan, plan.inputLevel(), 1, 1, net, Map.of(),
                PolyProfile.costModel(costs), "leveled, no bootstrap");
    }

    /**
     * The plan of {@code net} laid out by {@code plan}, after its run on the slot simulator under a {@link CostMeter}
     * (image at {@code plan.inputLevel()}, bootstraps to {@code top}) that gives its rotation steps' levels, its
     * bootstraps and the highest level an activation starts or a ciphertext product runs at, hence the key plan;
     * throws (one line, with {@code what} the chain's use) if the levels do not fit the chain.
     */
    private static EncryptedPlan metered(Parameters params, BootstrapParameters design, int top, NetworkPlan plan,
            int plannedInputLevel, int actLevels, int plannedActLevels, PackedNetwork net,
            Map<String, Activation> acts, CostModel model, String what) {
        SlotSimulator sim = new SlotSimulator(params.slots());
        CostMeter<SimCiphertext> meter = new CostMeter<>(sim, params, model, top);
        int[] activationTop = {-1};
        NetworkHooks<SimCiphertext> hooks = new NetworkHooks<>() {
            @Override
            public SimCiphertext activate(SimCiphertext x) {
                throw new UnsupportedOperationException("activations are by layer");
            }

            @Override
            public SimCiphertext activate(String layer, int ciphertext, SimCiphertext x) {
                activationTop[0] = Math.max(activationTop[0], meter.level(x));
                return acts.get(layer).apply(meter, x, ciphertext);
            }

            @Override
            public SimCiphertext bootstrap(SimCiphertext x, int slots) {
                return meter.bootstrap(x, slots);
            }

            @Override
            public SimCiphertext bootstrap(String layer, int ciphertext, SimCiphertext x, int slots) {
                SimCiphertext b = meter.bootstrap(x, slots);
                Activation a = acts.get(layer);
                double factor = a == null ? 1 : a.inputScale(); // free in CKKS, as in CkksNetworkHooks
                if (factor == 1) {
                    return b;
                }
                SimCiphertext scaled = meter.enter(sim.scaledCopy(b, factor), meter.level(b));
                meter.release(b);
                return scaled;
            }
        };
        List<SimCiphertext> input = new ArrayList<>();
        for (double[] v : net.inputLayout().pack(new double[Cifar10.CHANNELS][FRAME_SIDE][FRAME_SIDE])) {
            input.add(meter.enter(sim.encrypt(v), plan.inputLevel()));
        }
        try {
            meter.release(net.logits(meter, hooks, input));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("the plan does not fit the chain of '" + params.name() + "' (image at level "
                    + plan.inputLevel() + ", " + what + "): " + e.getMessage(), e);
        }
        input.forEach(meter::release);
        int relinearization = Math.max(activationTop[0], meter.productTopLevel());
        SortedMap<Integer, Long> slots = meter.snapshot().bootstrapSlots();
        NetworkKeys.KeyPlan keys = NetworkKeys.plan(params, meter.keyLevels(), relinearization, design,
                slots.keySet());
        return new EncryptedPlan(params, design, top, plan, plannedInputLevel, actLevels, plannedActLevels, net,
                Collections.unmodifiableMap(new LinkedHashMap<>(acts)), meter.keyLevels(), relinearization,
                Collections.unmodifiableSortedMap(new TreeMap<>(slots)), keys);
    }

    /** Bootstraps per image. */
    long bootstrapsPerImage() {
        return bootstrapSlots.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The plan's figures as a JSON object. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stemM", plan.stemM());
        List<Object> ms = new ArrayList<>();
        plan.blocks().forEach(b -> ms.add(b.m()));
        m.put("blockM", ms);
        m.put("inputLevel", plan.inputLevel());
        m.put("plannedInputLevel", plannedInputLevel);
        m.put("activationLevels", activationLevels);
        m.put("plannedActivationLevels", plannedActivationLevels);
        m.put("topNetworkLevel", topLevel);
        m.put("activationTopLevel", activationTopLevel);
        Map<String, Object> slots = new LinkedHashMap<>();
        bootstrapSlots.forEach((s, n) -> slots.put(Integer.toString(s), n));
        m.put("bootstrapsBySlots", slots);
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("galoisKeys", keys.galoisKeys());
        k.put("cnnRotationKeys", keys.cnnRotations());
        k.put("bootstrapRotationKeys", keys.bootstrapRotations());
        k.put("sharedRotationKeys", keys.sharedRotations());
        k.put("conjugation", keys.conjugation());
        k.put("relinearizationLevel", keys.relinearizationLevel());
        k.put("bytes", keys.bytes(params));
        k.put("bytesUncut", keys.uncut(params).bytes(params));
        Map<String, Object> steps = new LinkedHashMap<>();
        cnnKeyLevels.forEach((s, l) -> steps.put(Integer.toString(s), l));
        k.put("cnnStepLevels", steps);
        m.put("keys", k);
        return m;
    }
}
