package dev.hyphenj.hcnn.conv;

import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.layout.TensorLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * An ImageNet stem (k x k convolution of stride 2, then a 3 x 3 average pool of stride 2) on planes a quarter of the
 * image's side, so that a 224 x 224 image runs in the 64 x 64 frames of the first stage (2^15 slots hold 8 such
 * planes; one 224 x 224 plane, 50,176 values, fits no ciphertext).
 *
 * <p><b>Input split.</b> The client splits each input plane into its 16 polyphase components modulo 4
 * ({@link #splitInput}): component (py, px) of channel c is the 56 x 56 plane x[c][4u + py][4v + px], input channel
 * 16 c + 4 py + px. Every input value is encrypted once; no halo is duplicated.
 *
 * <p><b>Convolution.</b> Output value (2u + oy, 2v + ox) of the stride-2 convolution reads input rows
 * 4u + 2 oy + ky - pad, that is component (2 oy + ky - pad) mod 4 at row u + floor((2 oy + ky - pad) / 4), so each of
 * the 4 output phases (oy, ox) is a stride-1 convolution of the 16 C input components with a kernel of radius
 * max |floor((2 oy + ky - pad) / 4)| (3 x 3 for the 7 x 7 stem) ({@link #convolution}). Its 4 Cout output channels are
 * phase-major (channel q Cout + o is phase q = 2 oy + ox of channel o), so the stem's output is 4 groups of
 * ciphertexts in the layout of the pooled tensor: 56 x 56 planes at gap 1. Zero padding carries over: a component
 * row u + a is outside the plane exactly when the image row is.
 *
 * <p><b>Pool.</b> The 3 x 3 average pool of stride 2 (padding 1, divisor 9) reads stem rows 2u - 1, 2u, 2u + 1: phase
 * 1 at u - 1, phase 0 and phase 1 at u, and the same in x. {@link #averagePool} sums them separably in 3 rotations
 * per output ciphertext, no plaintext multiply and no level: the divisor 9 is folded into the stem's weights (the
 * ReLU between is positively homogeneous: ReLU(s)/9 = ReLU(s/9)). The rotations bring in the slot left of column 0
 * (the previous row's last frame column) and above row 0 (the previous block's last frame row): frame slots outside
 * the 56 x 56 plane, which are zero, the pool's padding.
 *
 * <p>ResNet-18 has a max pool here; a max pool is not a linear layer, so HE ResNets replace it by an average pool,
 * a change of the network that needs retraining.
 */
public final class PolyphaseStem {
    /** The split factor: planes of a quarter of the image's side. */
    public static final int FACTOR = 4;
    /** Output phases per axis of the stride-2 stem on the split planes. */
    private static final int PHASES = FACTOR / 2;

    private PolyphaseStem() {}

    /** The 16 C polyphase components [16 C][H/4][W/4] of an image [C][H][W] (H and W multiples of 4). */
    public static double[][][] splitInput(double[][][] image) {
        int h = image[0].length, w = image[0][0].length;
        if (h % FACTOR != 0 || w % FACTOR != 0) {
            throw new IllegalArgumentException("an image of " + h + "x" + w + " does not split into " + FACTOR + "x"
                    + FACTOR + " polyphase components");
        }
        double[][][] out = new double[image.length * FACTOR * FACTOR][h / FACTOR][w / FACTOR];
        for (int c = 0; c < image.length; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[c * FACTOR * FACTOR + (y % FACTOR) * FACTOR + x % FACTOR][y / FACTOR][x / FACTOR] = image[c][y][x];
                }
            }
        }
        return out;
    }

    /**
     * The stride-2 stem as a stride-1 convolution from the 16 C input components to the 4 Cout phase-major output
     * channels (see the class comment).
     */
    public static Convolution convolution(Convolution stem) {
        if (stem.stride() != 2) {
            throw new IllegalArgumentException("the polyphase stem takes a stride-2 convolution, got stride "
                    + stem.stride());
        }
        int k = stem.kernel(), pad = stem.padding(), cin = stem.inChannels(), cout = stem.outChannels();
        int radius = 0;
        for (int oy = 0; oy < PHASES; oy++) {
            for (int ky = 0; ky < k; ky++) {
                radius = Math.max(radius, Math.abs(Math.floorDiv(2 * oy + ky - pad, FACTOR)));
            }
        }
        int k2 = 2 * radius + 1;
        double[][][][] w = new double[PHASES * PHASES * cout][cin * FACTOR * FACTOR][k2][k2];
        double[] bias = new double[PHASES * PHASES * cout];
        for (int q = 0; q < PHASES * PHASES; q++) {
            int oy = q / PHASES, ox = q % PHASES;
            for (int o = 0; o < cout; o++) {
                bias[q * cout + o] = stem.bias()[o];
                for (int c = 0; c < cin; c++) {
                    for (int ky = 0; ky < k; ky++) {
                        int dy = 2 * oy + ky - pad;
                        for (int kx = 0; kx < k; kx++) {
                            int dx = 2 * ox + kx - pad;
                            int component = c * FACTOR * FACTOR + Math.floorMod(dy, FACTOR) * FACTOR
                                    + Math.floorMod(dx, FACTOR);
                            w[q * cout + o][component][Math.floorDiv(dy, FACTOR) + radius]
                                    [Math.floorDiv(dx, FACTOR) + radius] += stem.weights()[o][c][ky][kx];
                        }
                    }
                }
            }
        }
        return new Convolution(w, bias, 1);
    }

    /** The stem's output [Cout][H/2][W/2] from its phase-major channels [4 Cout][H/4][W/4] (for checks). */
    public static double[][][] mergePhases(double[][][] phases) {
        int cout = phases.length / (PHASES * PHASES), h = phases[0].length, w = phases[0][0].length;
        double[][][] out = new double[cout][PHASES * h][PHASES * w];
        for (int q = 0; q < PHASES * PHASES; q++) {
            for (int o = 0; o < cout; o++) {
                for (int u = 0; u < h; u++) {
                    for (int v = 0; v < w; v++) {
                        out[o][PHASES * u + q / PHASES][PHASES * v + q % PHASES] = phases[q * cout + o][u][v];
                    }
                }
            }
        }
        return out;
    }

    /**
     * 9 times the 3 x 3 average pool of stride 2 of the stem's output, from its 4 phase groups: {@code phases} holds
     * the ciphertexts of phase 0, then of phases 1, 2 and 3, each group in {@code layout} (that of the result, the
     * 4 Cout channels cut into groups of Cout). Phase (py, px) of the output's neighbourhood is summed in x as
     * P(py,0) + P(py,1) + P(py,1) shifted right by one column, then in y as H0 + H1 + H1 shifted down one row: 3
     * rotations per output ciphertext. The inputs are kept.
     */
    public static <C> List<C> averagePool(HeEvaluator<C> ev, List<C> phases, TensorLayout layout) {
        int n = layout.ciphertexts();
        if (phases.size() != PHASES * PHASES * n) {
            throw new IllegalArgumentException(phases.size() + " ciphertexts given, the 4 phases of " + layout
                    + " are " + PHASES * PHASES * n);
        }
        int column = layout.gap(), row = layout.gap() * layout.frame().width();
        List<C> out = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            C h0 = rowSum(ev, phases.get(j), phases.get(n + j), column);
            C h1 = rowSum(ev, phases.get(2 * n + j), phases.get(3 * n + j), column);
            C shifted = ev.rotate(h1, -row);
            out.add(ev.accumulate(ev.accumulate(h0, h1), shifted));
        }
        return out;
    }

    /** even + odd + odd shifted right by one column: the x part of the pool for one row phase. */
    private static <C> C rowSum(HeEvaluator<C> ev, C even, C odd, int column) {
        C shifted = ev.rotate(odd, -column);
        return ev.accumulate(ev.add(even, odd), shifted);
    }
}
