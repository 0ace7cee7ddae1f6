package dev.hyphenj.hcnn.baseline;

import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.eval.NetworkHooks;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import java.util.ArrayList;
import java.util.List;

/**
 * ResNet-20 with MPConv, in the order of FHE-MP-CNN's {@code ResNet_cifar10_seal_sparse}: the image packed with gap
 * 1 in 8 copies; the stem convolution (BatchNorm folded) and its activation without a bootstrap; in every basic block
 * conv1, bootstrap, activation, conv2, the downsampling shortcut where the block downsamples, the residual add,
 * bootstrap, activation; then average pooling and the linear layer. Bootstraps use the sparse slot count of the
 * tensor's copies (2^14, 2^13, 2^12 for the three stages at n = 2^15), as the code's three bootstrappers do. Layers
 * report as {@code stem}, {@code layer1.0.conv1}, {@code layer1.0.conv2} (with the shortcut and add), ..., {@code head}.
 */
public final class MpResNet20 {
    private final MultiplexedLayout input;
    private final MultiplexedConvolution stem;
    private final List<Block> blocks = new ArrayList<>();
    private final MultiplexedHead head;

    private record Block(String name, MultiplexedConvolution conv1, MultiplexedConvolution conv2,
            MultiplexedDownsampling shortcut) {}

    /** The network for weights {@code w} in ciphertexts of {@code slots} slots (2^15 for N = 2^16). */
    public MpResNet20(ResNet20Weights w, int slots) {
        input = MultiplexedLayout.of(slots, 1, 32, 32, w.stem().inChannels());
        stem = new MultiplexedConvolution(w.stem(), input, true);
        MultiplexedLayout x = stem.outputLayout();
        for (ResNet20Weights.Block b : w.blocks()) {
            MultiplexedConvolution c1 = new MultiplexedConvolution(b.conv1(), x, true);
            MultiplexedConvolution c2 = new MultiplexedConvolution(b.conv2(), c1.outputLayout(), true);
            MultiplexedDownsampling ds = b.downsamples() ? new MultiplexedDownsampling(x) : null;
            if (ds != null && !ds.outputLayout().equals(c2.outputLayout())) {
                throw new IllegalStateException(b.name() + ": shortcut " + ds.outputLayout() + " vs "
                        + c2.outputLayout());
            }
            blocks.add(new Block(b.name(), c1, c2, ds));
            x = c2.outputLayout();
        }
        head = new MultiplexedHead(x, w.fcWeight(), w.fcBias());
    }

    /** The layout the client packs the normalized image in: gap 1, 3 planes, 8 copies. */
    public MultiplexedLayout inputLayout() {
        return input;
    }

    /** One line per convolution: its name and its input and output layouts. */
    public List<String> describe() {
        List<String> d = new ArrayList<>();
        d.add("stem " + input + " -> " + stem.outputLayout());
        for (Block b : blocks) {
            d.add(b.name() + ".conv1 " + b.conv1().inputLayout() + " -> " + b.conv1().outputLayout());
            d.add(b.name() + ".conv2 " + b.conv2().inputLayout() + " -> " + b.conv2().outputLayout()
                    + (b.shortcut() != null ? " (downsampling shortcut)" : ""));
        }
        return d;
    }

    /** The logits (class i in slot i) of the packed normalized image; the image handle stays the caller's. */
    public <C> C logits(HeEvaluator<C> ev, NetworkHooks<C> hooks, C image) {
        C x = activate(ev, hooks, stem.apply(ev, image));
        hooks.layerDone("stem");
        for (Block b : blocks) {
            C y = b.conv1().apply(ev, x);
            y = bootstrapAndActivate(ev, hooks, y, b.conv1().outputLayout());
            hooks.layerDone(b.name() + ".conv1");
            C z = b.conv2().apply(ev, y);
            ev.release(y);
            C shortcut = b.shortcut() != null ? b.shortcut().apply(ev, x) : x;
            C sum = ev.add(z, shortcut);
            ev.release(z);
            if (shortcut != x) {
                ev.release(shortcut);
            }
            ev.release(x);
            x = bootstrapAndActivate(ev, hooks, sum, b.conv2().outputLayout());
            hooks.layerDone(b.name() + ".conv2");
        }
        C pooled = head.pool(ev, x);
        ev.release(x);
        C logits = head.linear(ev, pooled);
        ev.release(pooled);
        hooks.layerDone("head");
        return logits;
    }

    private static <C> C activate(HeEvaluator<C> ev, NetworkHooks<C> hooks, C x) {
        C y = hooks.activate(x);
        ev.release(x);
        return y;
    }

    private static <C> C bootstrapAndActivate(HeEvaluator<C> ev, NetworkHooks<C> hooks, C x, MultiplexedLayout l) {
        C b = hooks.bootstrap(x, l.period());
        ev.release(x);
        return activate(ev, hooks, b);
    }
}
