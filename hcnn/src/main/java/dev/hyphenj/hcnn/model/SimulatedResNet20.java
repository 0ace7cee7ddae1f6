package dev.hyphenj.hcnn.model;

import dev.hyphenj.hcnn.act.Activation;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.eval.NetworkHooks;
import dev.hyphenj.hcnn.head.ClassifierHead;
import dev.hyphenj.hcnn.plan.NetworkPlan;
import dev.hyphenj.hcnn.plan.PackedNetwork;
import dev.hyphenj.hcnn.plan.PlannedResNet20;
import dev.hyphenj.hcnn.plan.PolyResNet20;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ResNet-20 on the slot simulator, image by image, next to the plain forward pass: the network as a
 * {@link NetworkPlan} lays it out ({@link PlannedResNet20}: the planner's CAConv/RAConv, m, baby steps and gap
 * refills, then the classifier head, {@link ClassifierHead}) with the given activations (or the exact ReLU), or the
 * degree-2 network ({@link PolyResNet20}, activation {@value #POLY2}), with the operation counts and the time of each
 * layer. Thread-safe: every {@link #run} has its own simulator, so images can run in parallel.
 */
public final class SimulatedResNet20 {
    /** The activation kind reported for the exact ReLU. */
    public static final String EXACT_RELU = "exactRelu";
    /** The activation kind reported for the degree-2 network. */
    public static final String POLY2 = "poly2";
    /** The name of the last layer reported: global average pooling and the linear layer. */
    public static final String HEAD = "head";

    private final ResNet20 plain;
    private final PackedNetwork net;
    private final Map<String, Activation> activations;
    private final Map<String, String> layerOfActivation = new LinkedHashMap<>();

    /**
     * The simulated network for weights {@code w} in frames {@code frame}, laid out as {@code plan} says (the plan
     * of {@link dev.hyphenj.hcnn.plan.ResNet20Planner}), with {@code activations} by activation-layer name
     * ({@link PlannedResNet20#activationNames()}), or null for the exact ReLU.
     */
    public SimulatedResNet20(ResNet20Weights w, Frame frame, NetworkPlan plan,
            Map<String, ? extends Activation> activations) {
        this.plain = new ResNet20(w);
        this.net = new PlannedResNet20(w, frame, plan);
        if (activations != null) {
            for (String name : net.activationNames()) {
                if (activations.get(name) == null) {
                    throw new IllegalArgumentException("no activation given for layer " + name);
                }
            }
        }
        this.activations = activations == null ? null : Map.copyOf(activations);
        mapLayers();
    }

    /** The degree-2 network {@code net} of weights {@code w} (with quadratic activations). */
    public SimulatedResNet20(ResNet20Weights w, PolyResNet20 net) {
        this.plain = new ResNet20(w);
        this.net = net;
        this.activations = null;
        mapLayers();
    }

    private void mapLayers() {
        for (String name : net.activationNames()) {
            layerOfActivation.put(name, name.equals(HeResNet20.STEM_ACTIVATION) || name.equals("stem.act") ? "stem"
                    : name.replaceAll("\\.(relu|act)([12])$", ".conv$2"));
        }
    }

    /** The network the simulator runs. */
    public PackedNetwork network() {
        return net;
    }

    /** The activation kind: {@value #POLY2}, that of the activations given, or {@value #EXACT_RELU}. */
    public String activationKind() {
        if (net instanceof PolyResNet20) {
            return POLY2;
        }
        return activations == null ? EXACT_RELU : activations.values().iterator().next().kind();
    }

    /** For each layer reported (stem, layer1.0.conv1, ...), the activation layer it ends with. */
    public Map<String, String> activationOfLayer() {
        Map<String, String> out = new LinkedHashMap<>();
        layerOfActivation.forEach((act, layer) -> out.put(layer, act));
        return Collections.unmodifiableMap(out);
    }

    /**
     * One layer of one run.
     *
     * @param name the layer (stem, layer1.0.conv1 with relu1, layer1.0.conv2 with the shortcut, add and relu2, ...,
     *     and {@value #HEAD}, the pooling and the linear layer)
     * @param layer the operations before the activation (convolution, shortcut, residual add)
     * @param activation the activation's operations
     * @param nanos wall time of the layer
     */
    public record Layer(String name, OpCounts layer, OpCounts activation, long nanos) {
        /** Both parts together. */
        public OpCounts total() {
            return layer.plus(activation);
        }
    }

    /**
     * One image.
     *
     * @param logits the simulated network's class scores
     * @param plaintextLogits the plain forward pass's
     * @param layers per layer, in order
     * @param total all operations of the run
     * @param levelsUsed levels consumed along the deepest path (no bootstrapping in the simulator)
     * @param bootstrapInputMax the largest |slot| of a ciphertext handed to a bootstrap (0 if none)
     */
    public record Run(double[] logits, double[] plaintextLogits, List<Layer> layers, OpCounts total, int levelsUsed,
            double bootstrapInputMax) {
        /** The simulated top-1 class, or -1 if a logit is not finite (an input beyond an AppReLU bound). */
        public int top1() {
            return argmax(logits);
        }

        public int plaintextTop1() {
            return argmax(plaintextLogits);
        }

        /** The largest |simulated - plain| logit (infinite or NaN when a logit is not finite). */
        public double maxLogitError() {
            double worst = 0;
            for (int k = 0; k < logits.length; k++) {
                double e = Math.abs(logits[k] - plaintextLogits[k]);
                if (!(e <= worst)) {
                    worst = e;
                }
            }
            return worst;
        }
    }

    /** The index of the largest value, or -1 if any is not finite. */
    public static int argmax(double[] v) {
        int best = 0;
        for (int k = 0; k < v.length; k++) {
            if (!Double.isFinite(v[k])) {
                return -1;
            }
            best = v[k] > v[best] ? k : best;
        }
        return best;
    }

    /**
     * Runs one image of pixel values 0..255 [3][32][32]. The plan's bootstraps are not simulated (the slots pass
     * through unchanged, and levels keep counting down along the deepest path).
     */
    public Run run(double[][][] pixels) {
        SlotSimulator sim = new SlotSimulator(net.inputLayout().frame().slots());
        double[][][] input = plain.normalize(pixels);
        List<SimCiphertext> image = net.inputLayout().pack(input).stream().map(sim::encrypt).toList();
        List<Layer> layers = new ArrayList<>();
        OpCounts start = sim.counts();
        OpCounts[] layerStart = {start, null};
        long[] time = {System.nanoTime()};
        double[] bootstrapMax = {0};
        NetworkHooks<SimCiphertext> hooks = new NetworkHooks<>() {
            @Override
            public SimCiphertext activate(SimCiphertext x) {
                return sim.map(x, v -> Math.max(v, 0));
            }

            @Override
            public SimCiphertext activate(String layer, int ciphertext, SimCiphertext x) {
                if (layerStart[1] == null) {
                    layerStart[1] = sim.counts();
                }
                return activations == null ? activate(x) : activations.get(layer).apply(sim, x, ciphertext);
            }

            @Override
            public void activationStarts(String layer) {
                if (layerStart[1] == null) {
                    layerStart[1] = sim.counts();
                }
            }

            @Override
            public SimCiphertext bootstrap(SimCiphertext x, int slots) {
                for (double v : sim.decrypt(x)) {
                    bootstrapMax[0] = Math.max(bootstrapMax[0], Math.abs(v));
                }
                return x;
            }

            @Override
            public void layerDone(String name) {
                OpCounts now = sim.counts();
                long t = System.nanoTime();
                OpCounts beforeActivation = layerStart[1] == null ? now : layerStart[1];
                layers.add(new Layer(name, beforeActivation.since(layerStart[0]), now.since(beforeActivation),
                        t - time[0]));
                layerStart[0] = now;
                layerStart[1] = null;
                time[0] = t;
            }
        };
        SimCiphertext encryptedLogits = net.logits(sim, hooks, image);
        int levels = encryptedLogits.levelsUsed();
        double[] logits = net.head().decode(sim.decrypt(encryptedLogits));
        double[] expected = plain.classify(plain.features(input));
        return new Run(logits, expected, List.copyOf(layers), sim.counts().since(start), levels, bootstrapMax[0]);
    }
}
