package dev.hyphenj.hcnn.residual;

import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.layout.TensorLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The option-A shortcut of CIFAR ResNets (He et al. 2016): x[:, :, ::2, ::2], then (out - in)/2 zero channels before
 * and after. On channel-aligned ciphertexts at gap g, the even rows and columns are exactly the positions of the
 * gap-2g output, so nothing moves inside a block: each input ciphertext is rotated right by pad mod B blocks (one
 * rotation, none when B divides pad), then each output ciphertext is the sum over input ciphertexts of the rotated
 * input times a mask that keeps the output's valid positions in the blocks whose channel comes from that input.
 */
public final class OptionAShortcut {
    private final TensorLayout in;
    private final TensorLayout out;
    private final int pad;

    /** The shortcut from {@code in} (channel-aligned) to {@code outChannels} channels. */
    public OptionAShortcut(TensorLayout in, int outChannels) {
        if (!in.isAligned()) {
            throw new IllegalArgumentException("the option-A shortcut works on channel-aligned input, got " + in);
        }
        if (outChannels < in.channels() || (outChannels - in.channels()) % 2 != 0) {
            throw new IllegalArgumentException("cannot pad " + in.channels() + " channels evenly to " + outChannels);
        }
        this.in = in;
        this.pad = (outChannels - in.channels()) / 2;
        this.out = TensorLayout.channelAligned(in.frame(), outChannels, (in.height() + 1) / 2, (in.width() + 1) / 2,
                2 * in.gap());
    }

    public TensorLayout inputLayout() {
        return in;
    }

    public TensorLayout outputLayout() {
        return out;
    }

    /** The shortcut of a plain tensor [in][h][w]: [out][ceil(h/2)][ceil(w/2)]. */
    public static double[][][] applyPlain(double[][][] x, int outChannels) {
        int p = (outChannels - x.length) / 2, h = (x[0].length + 1) / 2, w = (x[0][0].length + 1) / 2;
        double[][][] out = new double[outChannels][h][w];
        for (int c = 0; c < x.length; c++) {
            for (int y = 0; y < h; y++) {
                for (int i = 0; i < w; i++) {
                    out[c + p][y][i] = x[c][2 * y][2 * i];
                }
            }
        }
        return out;
    }

    /** The shortcut of the packed input (in {@link #inputLayout()}); the result is in {@link #outputLayout()}. */
    public <C> List<C> apply(HeEvaluator<C> ev, List<C> input) {
        double[] ones = new double[out.channels()];
        Arrays.fill(ones, 1);
        return apply(ev, input, ones);
    }

    /**
     * The shortcut times {@code scale[o]} on output channel o, at no extra cost: the scale is folded into the masks
     * (the degree-2 network's a (.) shortcut, and the unscaling of a bootstrapped input).
     */
    public <C> List<C> apply(HeEvaluator<C> ev, List<C> input, double[] scale) {
        if (scale.length != out.channels()) {
            throw new IllegalArgumentException(scale.length + " scales for " + out.channels() + " channels");
        }
        if (input.size() != in.ciphertexts()) {
            throw new IllegalArgumentException(input.size() + " ciphertexts given, " + in + " needs "
                    + in.ciphertexts());
        }
        Frame f = in.frame();
        int shift = Math.floorMod(pad, f.blocks()) * f.blockSize();
        List<C> rotated = new ArrayList<>(input.size());
        for (C x : input) {
            rotated.add(shift == 0 ? x : ev.rotate(x, -shift));
        }
        List<C> result = new ArrayList<>(out.ciphertexts());
        for (int k = 0; k < out.ciphertexts(); k++) {
            C sum = null;
            for (int j = 0; j < input.size(); j++) {
                C term = ev.multiplyPlain(rotated.get(j), mask(j, k, scale));
                if (sum == null) {
                    sum = term;
                } else {
                    C s = ev.add(sum, term);
                    ev.release(sum);
                    ev.release(term);
                    sum = s;
                }
            }
            result.add(ev.rescale(sum));
            ev.release(sum);
        }
        if (shift != 0) {
            rotated.forEach(ev::release);
        }
        return result;
    }

    /**
     * scale[o] at the valid output positions of the blocks of output ciphertext k (output channel o) filled from
     * input ciphertext j.
     */
    private double[] mask(int j, int k, double[] scale) {
        Frame f = in.frame();
        double[] v = new double[f.slots()];
        for (int b = 0; b < f.blocks(); b++) {
            int o = out.channelAt(k, b), c = o - pad;
            if (o < 0 || c < 0 || c >= in.channels() || c / f.blocks() != j) {
                continue;
            }
            for (int y = 0; y < out.height(); y++) {
                for (int x = 0; x < out.width(); x++) {
                    v[b * f.blockSize() + out.positionOffset(y, x)] = scale[o];
                }
            }
        }
        return v;
    }
}
