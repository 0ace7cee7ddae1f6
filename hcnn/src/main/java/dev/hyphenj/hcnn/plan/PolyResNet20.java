package dev.hyphenj.hcnn.plan;

import dev.hyphenj.hcnn.act.FusedQuadratic;
import dev.hyphenj.hcnn.conv.CAConv;
import dev.hyphenj.hcnn.conv.Convolution;
import dev.hyphenj.hcnn.conv.RAConv;
import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.eval.NetworkHooks;
import dev.hyphenj.hcnn.head.ClassifierHead;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.layout.TensorLayout;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import dev.hyphenj.hcnn.residual.OptionAShortcut;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The degree-2 ResNet-20 (resnet20-poly: every ReLU a per-channel quadratic) on packed ciphertexts, written once
 * against {@link HeEvaluator}: the layouts of a {@link NetworkPlan} (image in PR(stemM), stem an RAConv to CA, in
 * each block conv1 a CAConv to PR(m) and conv2 an RAConv back to CA; no gap refills), every convolution and its
 * activation a {@link FusedQuadratic} (two levels), then the {@link ClassifierHead}.
 *
 * <p>Levels: stem 2; a block 4 (conv1 and act1 2, conv2 and act2 2; the shortcut's plaintext multiply runs beside
 * conv1 and act1); head 1: 39 in all.
 *
 * <p>Signs: every activation outputs y (.) sign(a) ({@link FusedQuadratic#outputSigns}), which makes every layer whose
 * a has no zero a square (one weight set); its readers (the next convolution, the shortcut's scales, the classifier's
 * weights) multiply by the signs again in their weights, at no cost.
 *
 * <p>Residual: act2's input is s = conv2(h) + shortcut(x), so each of the layer's weight sets gets the shortcut times
 * its {@link FusedQuadratic#residualScales() residual scale} (u: sqrt(|a|), one shortcut; s and t: 1 and a, two): a
 * plaintext multiply each (for option A the scale is folded into its masks), none for an identity shortcut of an
 * unscaled input whose scale is 1.
 *
 * <p>Bootstraps follow activations: {@code bootstrapScales} maps an activation's index (0: the stem's, then act1 and
 * act2 of each block; not the last) to a scale sigma per channel. That activation then outputs y sign(a) / sigma
 * (folded into its weight sets and constant, free), its ciphertexts are bootstrapped
 * ({@link NetworkHooks#bootstrap(String, int, Object, int)} with the activation's name, {@code stem.act},
 * {@code layer1.0.act1}, ...), and every reader multiplies by sigma sign(a) again in its weights: the next
 * convolution's, and the shortcut's scales. So a bootstrap costs no level of the network.
 */
public final class PolyResNet20 implements PackedNetwork {
    private final NetworkPlan plan;
    private final TensorLayout input;
    private final FusedQuadratic stem;
    private final List<Block> blocks = new ArrayList<>();
    private final ClassifierHead head;
    private final SortedMap<Integer, double[]> bootstrapScales;
    /** Per activation, the signs its output carries ({@link FusedQuadratic#outputSigns}). */
    private final List<double[]> signs;

    /**
     * One block: its two layers, the option-A shortcut (null for identity) and the shortcut's per-channel scales, one
     * per weight set of the second layer (null: the input itself).
     */
    private record Block(String name, FusedQuadratic first, FusedQuadratic second, OptionAShortcut downsample,
            List<double[]> shortcutScales) {}

    /**
     * The network for weights {@code w} (with quadratic activations) in {@code frame}s, laid out as {@code plan} says
     * (its bootstrap flags and refills are not used: it must have none), bootstrapping after the activations that
     * {@code bootstrapScales} names with their scales.
     */
    public PolyResNet20(ResNet20Weights w, Frame frame, NetworkPlan plan, Map<Integer, double[]> bootstrapScales) {
        if (!w.polynomial()) {
            throw new IllegalArgumentException("the degree-2 network needs weights with quadratic activations");
        }
        if (plan.blocks().size() != w.blocks().size()) {
            throw new IllegalArgumentException(plan.blocks().size() + " block plans for " + w.blocks().size());
        }
        for (NetworkPlan.BlockPlan b : plan.blocks()) {
            if (b.refillMid() || b.refillOut()) {
                throw new IllegalArgumentException(b.name() + ": the degree-2 network does not refill gaps");
            }
        }
        if (plan.bootstrapBefore().contains(true)) {
            throw new IllegalArgumentException("the degree-2 network bootstraps after activations (bootstrapScales)");
        }
        for (int i : bootstrapScales.keySet()) {
            if (i < 0 || i >= ResNet20Weights.ACTIVATIONS - 1) {
                throw new IllegalArgumentException("no bootstrap after activation " + i + " (0.."
                        + (ResNet20Weights.ACTIVATIONS - 2) + ")");
            }
        }
        this.plan = plan;
        this.bootstrapScales = new TreeMap<>(bootstrapScales);
        this.signs = w.activations().stream().map(FusedQuadratic::outputSigns).toList();
        input = TensorLayout.replicated(frame, w.stem().inChannels(), frame.height(), frame.width(), 1, plan.stemM());
        stem = new FusedQuadratic(new RAConv(w.stem(), input, plan.stemBabySteps()), w.activations().get(0),
                outScale(0, w.stem().outChannels()));
        TensorLayout x = stem.convolution().outputLayout();
        double[] xScale = inScale(0, w.stem().outChannels());
        for (int i = 0; i < w.blocks().size(); i++) {
            ResNet20Weights.Block b = w.blocks().get(i);
            NetworkPlan.BlockPlan p = plan.blocks().get(i);
            int act1 = 1 + 2 * i, act2 = act1 + 1, planes = b.conv2().outChannels();
            CAConv c1 = new CAConv(b.conv1().scaleInputs(xScale), x, p.m(), p.caBabySteps());
            FusedQuadratic first = new FusedQuadratic(c1, w.activations().get(act1), outScale(act1, planes));
            RAConv c2 = new RAConv(b.conv2().scaleInputs(inScale(act1, planes)), c1.outputLayout(), p.raBabySteps());
            FusedQuadratic second = new FusedQuadratic(c2, w.activations().get(act2), outScale(act2, planes));
            OptionAShortcut ds = b.downsamples() ? new OptionAShortcut(x, planes) : null;
            int pad = (planes - x.channels()) / 2;
            List<double[]> scales = new ArrayList<>();
            for (double[] scale : second.residualScales()) {
                for (int o = 0; o < planes; o++) {
                    int src = o - pad;
                    scale[o] *= src >= 0 && src < x.channels() ? xScale[src] : 0;
                }
                boolean unscaled = ds == null && Arrays.stream(scale).allMatch(v -> v == 1);
                scales.add(unscaled ? null : scale);
            }
            blocks.add(new Block(b.name(), first, second, ds, scales));
            x = c2.outputLayout();
            xScale = inScale(act2, planes);
        }
        double[][] fc = new double[w.fcWeight().length][];
        for (int k = 0; k < fc.length; k++) {
            fc[k] = w.fcWeight()[k].clone();
            for (int c = 0; c < fc[k].length; c++) {
                fc[k][c] *= xScale[c];
            }
        }
        head = new ClassifierHead(x, fc, w.fcBias());
    }

    /** What the activation's output is multiplied by: sign(a) / sigma (sigma 1 unless a bootstrap follows it). */
    private double[] outScale(int activation, int channels) {
        double[] s = inScale(activation, channels);
        for (int c = 0; c < channels; c++) {
            s[c] = 1 / s[c];
        }
        return s;
    }

    /** What the activation's readers multiply by: sign(a) sigma, the inverse of {@link #outScale}. */
    private double[] inScale(int activation, int channels) {
        double[] sigma = bootstrapScales.get(activation), sign = signs.get(activation);
        if (sign.length != channels || sigma != null && sigma.length != channels) {
            throw new IllegalArgumentException("activation " + activation + ": " + sign.length + " signs and "
                    + (sigma == null ? "no" : Integer.toString(sigma.length)) + " bootstrap scales for " + channels
                    + " channels");
        }
        double[] s = new double[channels];
        for (int c = 0; c < channels; c++) {
            s[c] = sign[c] * (sigma == null ? 1 : sigma[c]);
        }
        return s;
    }

    @Override
    public NetworkPlan plan() {
        return plan;
    }

    /** The activations followed by a bootstrap, with their scales sigma per channel. */
    public SortedMap<Integer, double[]> bootstrapScales() {
        return new TreeMap<>(bootstrapScales);
    }

    @Override
    public List<String> activationNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < ResNet20Weights.ACTIVATIONS; i++) {
            names.add(ResNet20Weights.polyActivationName(i));
        }
        return names;
    }

    @Override
    public TensorLayout inputLayout() {
        return input;
    }

    @Override
    public ClassifierHead head() {
        return head;
    }

    @Override
    public <C> C logits(HeEvaluator<C> ev, NetworkHooks<C> hooks, List<C> image) {
        List<C> x = bootstrap(hooks, ev, 0, activate(ev, hooks, stem, stem.convolve(ev, image), List.of(), 0),
                stem.convolution().outputLayout());
        hooks.layerDone("stem");
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            int act1 = 1 + 2 * i;
            List<C> h = bootstrap(hooks, ev, act1, activate(ev, hooks, b.first(), b.first().convolve(ev, x),
                    List.of(), act1), b.first().convolution().outputLayout());
            hooks.layerDone(b.name() + ".conv1");
            List<List<C>> sets = b.second().convolve(ev, h);
            h.forEach(ev::release);
            List<List<C>> residuals = new ArrayList<>();
            for (double[] scale : b.shortcutScales()) {
                residuals.add(scale == null ? x : shortcut(ev, b, x, scale));
            }
            List<C> y = activate(ev, hooks, b.second(), sets, residuals, act1 + 1);
            for (List<C> r : residuals) {
                if (r != x) {
                    r.forEach(ev::release);
                }
            }
            x.forEach(ev::release);
            x = bootstrap(hooks, ev, act1 + 1, y, b.second().convolution().outputLayout());
            hooks.layerDone(b.name() + ".conv2");
        }
        C logits = head.apply(ev, x);
        x.forEach(ev::release);
        hooks.layerDone("head");
        return logits;
    }

    /** The layer's activation of its weight sets' outputs (released) with the residuals, reported to the hooks. */
    private static <C> List<C> activate(HeEvaluator<C> ev, NetworkHooks<C> hooks, FusedQuadratic layer,
            List<List<C>> sets, List<List<C>> residuals, int activation) {
        hooks.activationStarts(ResNet20Weights.polyActivationName(activation));
        return layer.activate(ev, sets, residuals);
    }

    /** The block's shortcut of its input x, times scale[o] per output channel. */
    private static <C> List<C> shortcut(HeEvaluator<C> ev, Block b, List<C> x, double[] scale) {
        if (b.downsample() != null) {
            return b.downsample().apply(ev, x, scale);
        }
        List<double[]> plain = b.second().convolution().outputLayout().packPerChannel(scale);
        List<C> out = new ArrayList<>(x.size());
        for (int k = 0; k < x.size(); k++) {
            C product = ev.multiplyPlain(x.get(k), plain.get(k));
            out.add(ev.rescale(product));
            ev.release(product);
        }
        return out;
    }

    /** The activation's output, bootstrapped if the plan says so (the ciphertexts given are released then). */
    private <C> List<C> bootstrap(NetworkHooks<C> hooks, HeEvaluator<C> ev, int activation, List<C> y,
            TensorLayout layout) {
        if (!bootstrapScales.containsKey(activation)) {
            return y;
        }
        List<C> out = new ArrayList<>(y.size());
        for (int k = 0; k < y.size(); k++) {
            C b = hooks.bootstrap(ResNet20Weights.polyActivationName(activation), k, y.get(k),
                    PlannedResNet20.bootstrapSlots(layout));
            if (b != y.get(k)) {
                ev.release(y.get(k));
            }
            out.add(b);
        }
        return out;
    }
}
