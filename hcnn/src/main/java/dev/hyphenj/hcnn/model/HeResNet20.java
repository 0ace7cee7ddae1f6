package dev.hyphenj.hcnn.model;

import dev.hyphenj.hcnn.conv.CAConv;
import dev.hyphenj.hcnn.conv.RAConv;
import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.layout.TensorLayout;
import dev.hyphenj.hcnn.residual.OptionAShortcut;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * ResNet-20 up to the last basic block on packed ciphertexts, written once against {@link HeEvaluator}. The image
 * fills the frame and is packed PR(4) (3 channels, each replicated B/4 times), so the stem is an RAConv with a
 * channel-aligned output; in every basic block conv1 is a CAConv (CA -> PR(m) of its stage) and conv2 an RAConv
 * (PR(m) -> CA), so block inputs and outputs are channel-aligned, identity shortcuts need nothing and the option-A
 * shortcut works on CA. Strided convolutions keep their outputs in place: stage s runs at gap 2^s in the same
 * frames. Average pooling and the linear layer are not done here yet: the caller reads the features
 * ({@link #outputLayout()}).
 */
public final class HeResNet20 {
    private final TensorLayout input;
    private final RAConv stem;
    private final List<Block> blocks = new ArrayList<>();

    private record Block(String name, CAConv conv1, RAConv conv2, OptionAShortcut shortcut) {}

    /**
     * The network for weights {@code w} in ciphertexts cut into {@code frame}s (32 x 32 for CIFAR-10), with
     * {@code stageM[s]} the m of the PR(m) layout between the two convolutions of stage s's blocks.
     */
    public HeResNet20(ResNet20Weights w, Frame frame, int[] stageM) {
        if (stageM.length != ResNet20Weights.STAGE_CHANNELS.length) {
            throw new IllegalArgumentException("one m per stage: " + ResNet20Weights.STAGE_CHANNELS.length);
        }
        int m = 1;
        while (m < w.stem().inChannels()) {
            m *= 2;
        }
        input = TensorLayout.replicated(frame, w.stem().inChannels(), frame.height(), frame.width(), 1, m);
        stem = new RAConv(w.stem(), input);
        TensorLayout x = stem.outputLayout();
        for (ResNet20Weights.Block b : w.blocks()) {
            CAConv conv1 = new CAConv(b.conv1(), x, stageM[b.stage()]);
            RAConv conv2 = new RAConv(b.conv2(), conv1.outputLayout());
            OptionAShortcut shortcut = b.downsamples() ? new OptionAShortcut(x, b.conv2().outChannels()) : null;
            TensorLayout out = conv2.outputLayout();
            if (!out.equals(shortcut != null ? shortcut.outputLayout() : x)) {
                throw new IllegalStateException(b.name() + ": the shortcut's layout differs from " + out);
            }
            blocks.add(new Block(b.name(), conv1, conv2, shortcut));
            x = out;
        }
    }

    /** The layout the client packs the normalized image in. */
    public TensorLayout inputLayout() {
        return input;
    }

    /** The layout of the features, the last block's output: CA, 64 channels of 8 x 8 at gap 4. */
    public TensorLayout outputLayout() {
        return blocks.getLast().conv2().outputLayout();
    }

    /**
     * Runs the network on the packed normalized image; {@code relu} evaluates the activation (returning a new
     * handle), and {@code layerDone} hears the name of each layer as it completes ({@code stem}, then
     * {@code layer1.0.conv1}, {@code layer1.0.conv2} (with the shortcut, the add and the ReLU), ...). The input
     * handles stay the caller's; the returned ones are the caller's too.
     */
    public <C> List<C> features(HeEvaluator<C> ev, UnaryOperator<C> relu, List<C> image, Consumer<String> layerDone) {
        List<C> x = activate(ev, relu, stem.apply(ev, image));
        layerDone.accept("stem");
        for (Block b : blocks) {
            List<C> y = activate(ev, relu, b.conv1().apply(ev, x));
            layerDone.accept(b.name() + ".conv1");
            List<C> z = b.conv2().apply(ev, y);
            y.forEach(ev::release);
            List<C> shortcut = b.shortcut() != null ? b.shortcut().apply(ev, x) : x;
            List<C> sum = new ArrayList<>(z.size());
            for (int k = 0; k < z.size(); k++) {
                sum.add(ev.add(z.get(k), shortcut.get(k)));
            }
            z.forEach(ev::release);
            if (shortcut != x) {
                shortcut.forEach(ev::release);
            }
            x.forEach(ev::release);
            x = activate(ev, relu, sum);
            layerDone.accept(b.name() + ".conv2");
        }
        return x;
    }

    /** relu of each handle, releasing the inputs. */
    private static <C> List<C> activate(HeEvaluator<C> ev, UnaryOperator<C> relu, List<C> in) {
        List<C> out = new ArrayList<>(in.size());
        for (C c : in) {
            out.add(relu.apply(c));
            ev.release(c);
        }
        return out;
    }
}
