package dev.hyphenj.hcnn.model;

import dev.hyphenj.hcnn.act.Activation;
import dev.hyphenj.hcnn.act.ActivationProfile;
import dev.hyphenj.hcnn.act.AppRelu;
import dev.hyphenj.hcnn.conv.CAConv;
import dev.hyphenj.hcnn.conv.RAConv;
import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.layout.TensorLayout;
import dev.hyphenj.hcnn.residual.OptionAShortcut;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>The 19 activation layers are named as in the profiles and {@code resnet20/ranges.json}: {@code relu_stem}, then
 * {@code layerS.B.relu1} (after conv1) and {@code layerS.B.relu2} (after the residual add) of each block. They run
 * either as {@link Activation}s through the evaluator (AppReLU from a profile's bounds, see {@link
 * #appRelu(ActivationProfile)}) or as an arbitrary function of a handle (the simulator's exact ReLU).
 */
public final class HeResNet20 {
    /** The name of the stem's activation layer. */
    public static final String STEM_ACTIVATION = "relu_stem";
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

    /** The activation layers in order of evaluation, with the layout of the tensor each one sees. */
    public Map<String, TensorLayout> activationLayouts() {
        Map<String, TensorLayout> out = new LinkedHashMap<>();
        out.put(STEM_ACTIVATION, stem.outputLayout());
        for (Block b : blocks) {
            out.put(b.name() + ".relu1", b.conv1().outputLayout());
            out.put(b.name() + ".relu2", b.conv2().outputLayout());
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * AppReLU for every activation layer with the layer's bound B from the profile; the profile's activation must
     * be {@code appRelu}.
     */
    public Map<String, Activation> appRelu(ActivationProfile profile) {
        return appRelu(profile, activationLayouts().keySet());
    }

    /**
     * AppReLU for each of the named activation layers (named as in the profiles: {@value #STEM_ACTIVATION},
     * {@code layerS.B.relu1}, {@code layerS.B.relu2}) with the layer's bound B from the profile, in the given order;
     * the profile's activation must be {@code appRelu}. Any network with these layer names can use it.
     */
    public static Map<String, Activation> appRelu(ActivationProfile profile, java.util.Collection<String> names) {
        if (!ActivationProfile.APP_RELU.equals(profile.activation())) {
            throw new IllegalArgumentException(profile.source() + ": activation '" + profile.activation()
                    + "', expected '" + ActivationProfile.APP_RELU + "'");
        }
        Map<String, Activation> out = new LinkedHashMap<>();
        for (String name : names) {
            out.put(name, new AppRelu(profile.bound(name)));
        }
        return Collections.unmodifiableMap(out);
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
        return run(ev, (name, k, x) -> relu.apply(x), image, layerDone);
    }

    /**
     * Runs the network with {@code activations.get(name)} for each activation layer (all 19 must be there, see
     * {@link #activationLayouts()}); otherwise as {@link #features(HeEvaluator, UnaryOperator, List, Consumer)}.
     */
    public <C> List<C> features(HeEvaluator<C> ev, Map<String, ? extends Activation> activations, List<C> image,
            Consumer<String> layerDone) {
        for (String name : activationLayouts().keySet()) {
            if (activations.get(name) == null) {
                throw new IllegalArgumentException("no activation given for layer " + name);
            }
        }
        return run(ev, (name, k, x) -> activations.get(name).apply(ev, x, k), image, layerDone);
    }

    /** The activation of ciphertext k of the tensor entering layer {@code name}, as a new handle. */
    private interface Act<C> {
        C apply(String name, int k, C x);
    }

    private <C> List<C> run(HeEvaluator<C> ev, Act<C> relu, List<C> image, Consumer<String> layerDone) {
        List<C> x = activate(ev, relu, STEM_ACTIVATION, stem.apply(ev, image));
        layerDone.accept("stem");
        for (Block b : blocks) {
            List<C> y = activate(ev, relu, b.name() + ".relu1", b.conv1().apply(ev, x));
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
            x = activate(ev, relu, b.name() + ".relu2", sum);
            layerDone.accept(b.name() + ".conv2");
        }
        return x;
    }

    /** The activation of each handle, releasing the inputs. */
    private static <C> List<C> activate(HeEvaluator<C> ev, Act<C> relu, String name, List<C> in) {
        List<C> out = new ArrayList<>(in.size());
        for (int k = 0; k < in.size(); k++) {
            out.add(relu.apply(name, k, in.get(k)));
            ev.release(in.get(k));
        }
        return out;
    }
}
