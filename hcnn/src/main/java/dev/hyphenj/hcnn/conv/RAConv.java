package dev.hyphenj.hcnn.conv;

import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.layout.TensorLayout;

/**
 * RAConv (DESIGN 5): PR(m) input, channel-aligned output. Block b of Y_d pairs input channel j*m + (b mod m) with
 * output channel k*B + ((b - d) mod B); after the m - 1 block rotations, output block b holds, for every input
 * ciphertext, the contributions of its m channels, which is all of them. Rotations per output ciphertext: m - 1
 * (none for m = 1).
 *
 * <p>An output of C < B channels (C dividing B) fills the blocks past C with copies: block b holds channel b mod C, a
 * PR(C) layout aligned as CA ({@link TensorLayout#isAligned()}), at no extra cost (the weight plaintexts that were zero
 * there hold the same weights). Its period is C blocks, so a bootstrap of it is a sparse one of C P slots.
 */
public final class RAConv extends HeConvolution {
    /** RAConv of {@code conv} on input in {@code in} (PR(m), m taken from it), with a channel-aligned output. */
    public RAConv(Convolution conv, TensorLayout in) {
        this(conv, in, 1);
    }

    /** As {@link #RAConv(Convolution, TensorLayout)}, with the block rotations in baby steps of n1 blocks. */
    public RAConv(Convolution conv, TensorLayout in, int babySteps) {
        super(conv, in, outputLayout(conv, in, outputM(conv, in)), in.m(), babySteps);
    }

    /** B, or the channel count below B when it divides B (the output replicated). */
    private static int outputM(Convolution conv, TensorLayout in) {
        int blocks = in.frame().blocks(), c = conv.outChannels();
        return c < blocks && blocks % c == 0 ? c : blocks;
    }

    @Override
    int diagonals() {
        return inputLayout().m();
    }

    @Override
    int inputChannel(int j, int b) {
        int m = inputLayout().m();
        return j * m + b % m;
    }

    @Override
    int outputChannel(int k, int d, int b) {
        int m = outputLayout().m();
        return k * m + Math.floorMod(b - d, m);
    }

    @Override
    <C> C gather(HeEvaluator<C> ev, C z) {
        return z;
    }
}
