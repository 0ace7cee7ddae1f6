package dev.hyphenj.hcnn.layout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where the values of a tensor of {@code channels} planes of {@code height x width} lie in ciphertext slots.
 *
 * <ul>
 *   <li><b>Channels (PR(m), DESIGN 5):</b> ciphertext j holds channels j*m .. j*m + m - 1; block b holds channel
 *       j*m + (b mod m), so each channel is replicated r = B/m times. PR(B) is the channel-aligned layout CA (block b
 *       of ciphertext j holds channel j*B + b); PR(1) replicates one channel over the whole ciphertext. Blocks whose
 *       channel is past the last one are zero.</li>
 *   <li><b>Plane (2D gap g):</b> value (y, x) lies at offset g*y*W + g*x of its block (W the frame width), so a
 *       stride-2 convolution leaves its outputs in place and doubles the gap. All other slots are zero.</li>
 * </ul>
 *
 * @param frame the block geometry
 * @param channels channels of the tensor
 * @param height rows of a channel plane
 * @param width columns of a channel plane
 * @param gap the 2D gap g
 * @param m distinct channels per ciphertext; divides the frame's block count
 */
public record TensorLayout(Frame frame, int channels, int height, int width, int gap, int m) {
    public TensorLayout {
        if (channels <= 0 || height <= 0 || width <= 0 || gap <= 0) {
            throw new IllegalArgumentException("channels, height, width and gap must be positive");
        }
        if ((height - 1) * gap >= frame.height() || (width - 1) * gap >= frame.width()) {
            throw new IllegalArgumentException("a " + height + "x" + width + " plane at gap " + gap
                    + " does not fit a " + frame.height() + "x" + frame.width() + " frame");
        }
        if (m <= 0 || frame.blocks() % m != 0) {
            throw new IllegalArgumentException("m = " + m + " must divide the " + frame.blocks() + " blocks");
        }
    }

    /** The channel-aligned (dense) layout CA = PR(B). */
    public static TensorLayout channelAligned(Frame frame, int channels, int height, int width, int gap) {
        return new TensorLayout(frame, channels, height, width, gap, frame.blocks());
    }

    /** The partially replicated layout PR(m). */
    public static TensorLayout replicated(Frame frame, int channels, int height, int width, int gap, int m) {
        return new TensorLayout(frame, channels, height, width, gap, m);
    }

    /** Whether this is CA, that is PR(B). */
    public boolean isChannelAligned() {
        return m == frame.blocks();
    }

    /**
     * Whether channel c lies in block c mod B of ciphertext c / B, as in CA: true for CA, and for a PR(m) tensor of at
     * most m channels in one ciphertext (its channels replicated B/m times, the first copy where CA has it).
     */
    public boolean isAligned() {
        return isChannelAligned() || ciphertexts() == 1 && m >= channels;
    }

    /** Copies of each channel per ciphertext: r = B/m. */
    public int replication() {
        return frame.blocks() / m;
    }

    /** Ciphertexts holding the tensor: ceil(channels / m). */
    public int ciphertexts() {
        return (channels + m - 1) / m;
    }

    /** The channel in block {@code block} of ciphertext {@code ct}, or -1 if that block is empty. */
    public int channelAt(int ct, int block) {
        int c = ct * m + block % m;
        return c < channels ? c : -1;
    }

    /** The offset of value (y, x) inside its block. */
    public int positionOffset(int y, int x) {
        return gap * (y * frame.width() + x);
    }

    /** Packs a tensor [channels][height][width] into {@link #ciphertexts()} slot vectors. */
    public List<double[]> pack(double[][][] tensor) {
        if (tensor.length != channels || tensor[0].length != height || tensor[0][0].length != width) {
            throw new IllegalArgumentException("tensor of shape " + tensor.length + "x" + tensor[0].length + "x"
                    + tensor[0][0].length + " given to " + this);
        }
        int p = frame.blockSize();
        List<double[]> out = new ArrayList<>(ciphertexts());
        for (int ct = 0; ct < ciphertexts(); ct++) {
            double[] v = new double[frame.slots()];
            for (int b = 0; b < frame.blocks(); b++) {
                int c = channelAt(ct, b);
                if (c < 0) {
                    continue;
                }
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        v[b * p + positionOffset(y, x)] = tensor[c][y][x];
                    }
                }
            }
            out.add(v);
        }
        return out;
    }

    /** Packs the tensor whose channel c is the constant {@code values[c]} on the plane (a per-channel bias). */
    public List<double[]> packPerChannel(double[] values) {
        if (values.length != channels) {
            throw new IllegalArgumentException(values.length + " values for " + channels + " channels");
        }
        double[][][] t = new double[channels][height][width];
        for (int c = 0; c < channels; c++) {
            for (double[] row : t[c]) {
                Arrays.fill(row, values[c]);
            }
        }
        return pack(t);
    }

    /** Reads the tensor back from slot vectors, each channel from its first copy. */
    public double[][][] unpack(List<double[]> slots) {
        if (slots.size() != ciphertexts()) {
            throw new IllegalArgumentException(slots.size() + " slot vectors given to " + this);
        }
        int p = frame.blockSize();
        double[][][] t = new double[channels][height][width];
        for (int c = 0; c < channels; c++) {
            double[] v = slots.get(c / m);
            int base = (c % m) * p;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    t[c][y][x] = v[base + positionOffset(y, x)];
                }
            }
        }
        return t;
    }

    @Override
    public String toString() {
        return (isChannelAligned() ? "CA" : "PR(" + m + ")") + " " + channels + "ch " + height + "x" + width
                + " gap " + gap + " in " + ciphertexts() + " ct";
    }
}
