package dev.hyphenj.hcnn.conv;

import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.layout.TensorLayout;

/**
 * CAConv (DESIGN 5): channel-aligned input, PR(m) output. Block b of Y_d pairs input channel j*B + b with output
 * channel k*m + ((b - d) mod m); after the m - 1 block rotations, output block b holds the contributions of input
 * blocks b .. b+m-1, and log2(r) rotate-and-sum steps (by m, 2m, .. blocks) add the other r - 1 groups of m, which
 * leaves output channel k*m + (b mod m) replicated r = B/m times. Rotations per output ciphertext: (m - 1) + log2(r).
 * An aligned input of fewer channels than blocks ({@link TensorLayout#isAligned()}: a tensor RAConv replicated) is
 * read as CA: the copies past the first are left out of the weight plaintexts.
 */
public final class CAConv extends HeConvolution {
    private final int m;

    /** CAConv of {@code conv} on input in {@code in} (CA), with output PR(m). */
    public CAConv(Convolution conv, TensorLayout in, int m) {
        this(conv, in, m, 1);
    }

    /** As {@link #CAConv(Convolution, TensorLayout, int)}, with the block rotations in baby steps of n1 blocks. */
    public CAConv(Convolution conv, TensorLayout in, int m, int babySteps) {
        super(conv, in, outputLayout(conv, in, m), m, babySteps);
        if (!in.isAligned()) {
            throw new IllegalArgumentException("CAConv needs a channel-aligned input, got " + in);
        }
        if (Integer.bitCount(in.frame().blocks() / m) != 1) {
            throw new IllegalArgumentException("CAConv's rotate-and-sum needs B/m a power of two, got B = "
                    + in.frame().blocks() + ", m = " + m);
        }
        this.m = m;
    }

    @Override
    int diagonals() {
        return m;
    }

    @Override
    int inputChannel(int j, int b) {
        return j * inputLayout().frame().blocks() + b;
    }

    @Override
    int outputChannel(int k, int d, int b) {
        return k * m + Math.floorMod(b - d, m);
    }

    @Override
    <C> C gather(HeEvaluator<C> ev, C z) {
        int blocks = inputLayout().frame().blocks(), p = inputLayout().frame().blockSize();
        for (int i = 1; i < blocks / m; i *= 2) {
            C r = ev.rotate(z, i * m * p);
            z = ev.accumulate(z, r);
        }
        return z;
    }
}
