package dev.hyphenj.hcnn.plan;

import dev.hyphenj.hcnn.conv.CAConv;
import dev.hyphenj.hcnn.conv.RAConv;
import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.eval.NetworkHooks;
import dev.hyphenj.hcnn.head.ClassifierHead;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.layout.TensorLayout;
import dev.hyphenj.hcnn.act.Activation;
import dev.hyphenj.hcnn.act.ActivationProfile;
import dev.hyphenj.hcnn.model.HeResNet20;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import dev.hyphenj.hcnn.residual.OptionAShortcut;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ResNet-20 as a {@link NetworkPlan} lays it out, end to end (logits included), written once against
 * {@link HeEvaluator}: the image in PR(stemM), the stem an RAConv to CA; in each block conv1 a CAConv to PR(m), conv2 an
 * RAConv back to CA, the identity or option-A shortcut on the CA block input, gap refilling where planned, bootstraps
 * where planned, the activation on every ciphertext; then the project's {@link ClassifierHead} (pooling and the
 * linear layer) on the last block's CA ciphertexts (expanded first if refilled). An identity shortcut of a refilled
 * block input is added to the refilled output, never to expanded copies (their other sets would be added twice), so
 * such a block must refill its output the same way.
 */
public final class PlannedResNet20 implements PackedNetwork {
    private final NetworkPlan plan;
    private final TensorLayout input;
    private final RAConv stem;
    private final List<Block> blocks = new ArrayList<>();
    private final ClassifierHead head;
    private final List<String> activationNames = new ArrayList<>();

    private record Block(String name, CAConv conv1, RAConv conv2, OptionAShortcut shortcut, int[] midOffsets,
            int[] outOffsets) {}

    /** A tensor: its ciphertexts, or one refilled ciphertext holding them at the given offsets. */
    private record Tensor<C>(List<C> cts, int[] offsets) {
        boolean refilled() {
            return offsets.length > 1;
        }
    }

    private static final int[] NO_REFILL = {0};

    /** The network for weights {@code w} in ciphertexts cut into {@code frame}s (32 x 32 and 2^15 slots). */
    public PlannedResNet20(ResNet20Weights w, Frame frame, NetworkPlan plan) {
        if (plan.blocks().size() != w.blocks().size()) {
            throw new IllegalArgumentException(plan.blocks().size() + " block plans for " + w.blocks().size()
                    + " blocks");
        }
        this.plan = plan;
        input = TensorLayout.replicated(frame, w.stem().inChannels(), frame.height(), frame.width(), 1, plan.stemM());
        stem = new RAConv(w.stem(), input, plan.stemBabySteps());
        TensorLayout x = stem.outputLayout();
        for (int i = 0; i < w.blocks().size(); i++) {
            ResNet20Weights.Block b = w.blocks().get(i);
            NetworkPlan.BlockPlan p = plan.blocks().get(i);
            CAConv c1 = new CAConv(b.conv1(), x, p.m(), p.caBabySteps());
            RAConv c2 = new RAConv(b.conv2(), c1.outputLayout(), p.raBabySteps());
            OptionAShortcut sc = b.downsamples() ? new OptionAShortcut(x, b.conv2().outChannels()) : null;
            TensorLayout mid = c1.outputLayout(), out = c2.outputLayout();
            int[] midOff = p.refillMid() ? GapRefill.offsets(mid.ciphertexts(), mid.gap(), frame.width()) : NO_REFILL;
            int[] outOff = p.refillOut() ? GapRefill.offsets(out.ciphertexts(), out.gap(), frame.width()) : NO_REFILL;
            boolean inRefilled = !blocks.isEmpty() && blocks.getLast().outOffsets().length > 1;
            if (sc == null && inRefilled && !java.util.Arrays.equals(outOff, blocks.getLast().outOffsets())) {
                throw new IllegalArgumentException(b.name() + ": a refilled input with an identity shortcut needs"
                        + " the output refilled the same way");
            }
            blocks.add(new Block(b.name(), c1, c2, sc, midOff, outOff));
            x = out;
        }
        head = new ClassifierHead(x, w.fcWeight(), w.fcBias());
        activationNames.add(HeResNet20.STEM_ACTIVATION);
        for (Block b : blocks) {
            activationNames.add(b.name() + ".relu1");
            activationNames.add(b.name() + ".relu2");
        }
    }

    @Override
    public NetworkPlan plan() {
        return plan;
    }

    /**
     * The 19 activation layers in order of evaluation, named as in the profiles ({@code relu_stem}, then
     * {@code layerS.B.relu1} and {@code layerS.B.relu2} of each block); {@link NetworkHooks#activate(String, int,
     * Object)} hears these names.
     */
    @Override
    public List<String> activationNames() {
        return List.copyOf(activationNames);
    }

    /** AppReLU for every activation layer with the layer's bound B from the profile (as {@link HeResNet20}). */
    public Map<String, Activation> appRelu(ActivationProfile profile) {
        return HeResNet20.appRelu(profile, activationNames);
    }

    /** The layout the client packs the normalized image in: PR(stemM), gap 1. */
    @Override
    public TensorLayout inputLayout() {
        return input;
    }

    /** The stem, for reports. */
    public RAConv stem() {
        return stem;
    }

    /** Block i's convolutions, for reports. */
    public CAConv conv1(int i) {
        return blocks.get(i).conv1();
    }

    public RAConv conv2(int i) {
        return blocks.get(i).conv2();
    }

    /** The head (pooling and the linear layer); its {@code decode} reads the logits ciphertext. */
    @Override
    public ClassifierHead head() {
        return head;
    }

    /**
     * The sparse slot count a bootstrap of a ciphertext in {@code layout} may use: m P for PR(m) with m < B (the
     * tensor repeats every m blocks), else all slots.
     */
    public static int bootstrapSlots(TensorLayout layout) {
        Frame f = layout.frame();
        return layout.m() < f.blocks() ? layout.m() * f.blockSize() : f.slots();
    }

    /** The logits of the packed normalized image (input handles stay the caller's). */
    @Override
    public <C> C logits(HeEvaluator<C> ev, NetworkHooks<C> hooks, List<C> image) {
        int act = 0;
        Tensor<C> x = activate(ev, hooks, new Tensor<>(stem.apply(ev, image), NO_REFILL), stem.outputLayout(), act++);
        hooks.layerDone("stem");
        for (Block b : blocks) {
            List<C> xs = expand(ev, x);
            Tensor<C> y = refill(ev, b.conv1().apply(ev, xs), b.midOffsets());
            y = activate(ev, hooks, y, b.conv1().outputLayout(), act++);
            hooks.layerDone(b.name() + ".conv1");
            List<C> ys = expand(ev, y);
            List<C> z = b.conv2().apply(ev, ys);
            release(ev, y, ys);
            Tensor<C> out;
            if (b.shortcut() == null && x.refilled()) {
                // x's copies hold the other sets between their places: add the refilled output to x itself
                Tensor<C> zt = refill(ev, z, b.outOffsets());
                out = new Tensor<>(List.of(ev.add(zt.cts().getFirst(), x.cts().getFirst())), b.outOffsets());
                zt.cts().forEach(ev::release);
            } else {
                List<C> shortcut = b.shortcut() != null ? b.shortcut().apply(ev, xs) : xs;
                List<C> sum = new ArrayList<>(z.size());
                for (int k = 0; k < z.size(); k++) {
                    sum.add(ev.add(z.get(k), shortcut.get(k)));
                }
                z.forEach(ev::release);
                if (shortcut != xs) {
                    shortcut.forEach(ev::release);
                }
                out = refill(ev, sum, b.outOffsets());
            }
            release(ev, x, xs);
            x = activate(ev, hooks, out, b.conv2().outputLayout(), act++);
            hooks.layerDone(b.name() + ".conv2");
        }
        List<C> features = expand(ev, x);
        C logits = head.apply(ev, features);
        release(ev, x, features);
        hooks.layerDone("head");
        return logits;
    }

    private <C> Tensor<C> activate(HeEvaluator<C> ev, NetworkHooks<C> hooks, Tensor<C> t, TensorLayout layout,
            int index) {
        boolean boot = plan.bootstrapBefore().get(index);
        String name = activationNames.get(index);
        List<C> out = new ArrayList<>(t.cts().size());
        for (int k = 0; k < t.cts().size(); k++) {
            C c = t.cts().get(k);
            C b = boot ? hooks.bootstrap(name, k, c, bootstrapSlots(layout)) : c;
            out.add(hooks.activate(name, k, b));
            if (b != c) {
                ev.release(b);
            }
            ev.release(c);
        }
        return new Tensor<>(out, t.offsets());
    }

    /** The tensor's ciphertexts; expanded copies are new handles, the first is the tensor's own. */
    private static <C> List<C> expand(HeEvaluator<C> ev, Tensor<C> t) {
        return t.refilled() ? GapRefill.expand(ev, t.cts().getFirst(), t.offsets()) : t.cts();
    }

    /** Releases a tensor and the copies {@link #expand} made of it. */
    private static <C> void release(HeEvaluator<C> ev, Tensor<C> t, List<C> expanded) {
        if (t.refilled()) {
            for (int j = 1; j < expanded.size(); j++) {
                ev.release(expanded.get(j));
            }
        }
        t.cts().forEach(ev::release);
    }

    /** The ciphertexts as a tensor, refilled into one if offsets has more than one entry (they are released then). */
    private static <C> Tensor<C> refill(HeEvaluator<C> ev, List<C> cts, int[] offsets) {
        if (offsets.length == 1) {
            return new Tensor<>(cts, offsets);
        }
        C packed = GapRefill.refill(ev, cts, offsets);
        cts.forEach(ev::release);
        return new Tensor<>(List.of(packed), offsets);
    }
}
