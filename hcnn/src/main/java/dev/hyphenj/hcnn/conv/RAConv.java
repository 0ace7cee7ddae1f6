package dev.hyphenj.hcnn.conv;

import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.layout.TensorLayout;

/**
 * RAConv (DESIGN 5): PR(m) input, channel-aligned output. Block b of Y_d pairs input channel j*m + (b mod m) with
 * output channel k*B + ((b - d) mod B); after the m - 1 block rotations, output block b holds, for every input
 * ciphertext, the contributions of its m channels, which is all of them. Rotations per output ciphertext: m - 1
 * (none for m = 1).
 */
public final class RAConv extends HeConvolution {
    /** RAConv of {@code conv} on input in {@code in} (PR(m), m taken from it), with a channel-aligned output. */
    public RAConv(Convolution conv, TensorLayout in) {
        this(conv, in, 1);
    }

    /** As {@link #RAConv(Convolution, TensorLayout)}, with the block rotations in baby steps of n1 blocks. */
    public RAConv(Convolution conv, TensorLayout in, int babySteps) {
        super(conv, in, outputLayout(conv, in, in.frame().blocks()), in.m(), babySteps);
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
        int blocks = inputLayout().frame().blocks();
        return k * blocks + Math.floorMod(b - d, blocks);
    }

    @Override
    <C> C gather(HeEvaluator<C> ev, C z) {
        return z;
    }
}
