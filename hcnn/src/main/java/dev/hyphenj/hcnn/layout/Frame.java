package dev.hyphenj.hcnn.layout;

/**
 * The block geometry of a ciphertext: a block is one channel plane of {@code height x width} slots (row-major), and
 * a ciphertext of {@code slots} slots holds {@link #blocks()} = slots / (height x width) blocks, block b starting at
 * slot b x {@link #blockSize()}. For CIFAR-10 on N = 2^16: 32 x 32 frames, 2^15 slots, 32 blocks.
 *
 * @param height rows of a block
 * @param width columns of a block
 * @param slots slots per ciphertext, a multiple of height x width
 */
public record Frame(int height, int width, int slots) {
    public Frame {
        if (height <= 0 || width <= 0 || slots <= 0 || slots % (height * width) != 0) {
            throw new IllegalArgumentException("a frame of " + height + "x" + width + " must divide the " + slots
                    + " slots of a ciphertext");
        }
    }

    /** Slots per block: height x width (P in DESIGN). */
    public int blockSize() {
        return height * width;
    }

    /** Blocks per ciphertext (B in DESIGN). */
    public int blocks() {
        return slots / blockSize();
    }
}
