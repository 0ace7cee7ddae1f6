package dev.hyphenj.hcnn.baseline;

/**
 * The multiplexed packing of MPConv (Lee et al. ICML 2022): a tensor of {@code c} channels of {@code h x w} in one
 * ciphertext of {@code slots} slots. With gap k, k x k channels are interleaved into one plane of (k h) x (k w)
 * slots: channel u k^2 + k i + j, value (y, x) lies at row k y + i and column k x + j of plane u. The t = ceil(c/k^2)
 * planes follow each other, and the whole block of k^2 h w t slots is repeated p times at a period of slots / p.
 * Slot of (channel, y, x) in copy q: q (slots/p) + k^2 h w u + k w (k y + i) + k x + j.
 *
 * @param slots slots per ciphertext (n)
 * @param k the gap (a power of two)
 * @param h rows of a channel
 * @param w columns of a channel
 * @param c channels
 * @param t planes: ceil(c / k^2) (3 for the 3-channel input packed with k = 1)
 * @param p copies
 */
public record MultiplexedLayout(int slots, int k, int h, int w, int c, int t, int p) {
    public MultiplexedLayout {
        if (Integer.bitCount(k) != 1 || Integer.bitCount(p) != 1 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("k, p and the slot count must be powers of two: " + k + ", " + p
                    + ", " + slots);
        }
        if (t < (c + k * k - 1) / (k * k)) {
            throw new IllegalArgumentException(t + " planes cannot hold " + c + " channels at gap " + k);
        }
        if ((long) k * k * h * w * t * p > slots) {
            throw new IllegalArgumentException("k^2 h w t p = " + (long) k * k * h * w * t * p + " exceeds the "
                    + slots + " slots");
        }
    }

    /**
     * The layout MPConv gives c channels of h x w at gap k: t = ceil(c / k^2) planes, and as many copies p (a power
     * of two) as fit: p = 2^floor(log2(slots / (k^2 h w t))).
     */
    public static MultiplexedLayout of(int slots, int k, int h, int w, int c) {
        int t = (c + k * k - 1) / (k * k);
        long used = (long) k * k * h * w * t;
        int p = Integer.highestOneBit((int) (slots / used));
        return new MultiplexedLayout(slots, k, h, w, c, t, p);
    }

    /** Slots of one copy: k^2 h w t. */
    public int blockSize() {
        return k * k * h * w * t;
    }

    /** The period of the copies: slots / p; the packed vector is a sparse message of that many slots. */
    public int period() {
        return slots / p;
    }

    /** The slot of channel ch, value (y, x), in copy q. */
    public int slot(int q, int ch, int y, int x) {
        int u = ch / (k * k), r = ch % (k * k);
        return q * period() + k * k * h * w * u + k * w * (k * y + r / k) + k * x + r % k;
    }

    /** Packs a tensor [c][h][w] into one slot vector, in all p copies; every other slot is zero. */
    public double[] pack(double[][][] tensor) {
        if (tensor.length != c || tensor[0].length != h || tensor[0][0].length != w) {
            throw new IllegalArgumentException("tensor of shape " + tensor.length + "x" + tensor[0].length + "x"
                    + tensor[0][0].length + " given to " + this);
        }
        double[] v = new double[slots];
        for (int q = 0; q < p; q++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        v[slot(q, ch, y, x)] = tensor[ch][y][x];
                    }
                }
            }
        }
        return v;
    }

    /** The per-channel constants {@code values[ch]} at every position of every copy (a bias). */
    public double[] packPerChannel(double[] values) {
        double[][][] t3 = new double[c][h][w];
        for (int ch = 0; ch < c; ch++) {
            for (double[] row : t3[ch]) {
                java.util.Arrays.fill(row, values[ch]);
            }
        }
        return pack(t3);
    }

    /** Reads the tensor back from copy 0. */
    public double[][][] unpack(double[] v) {
        double[][][] t3 = new double[c][h][w];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    t3[ch][y][x] = v[slot(0, ch, y, x)];
                }
            }
        }
        return t3;
    }

    @Override
    public String toString() {
        return "MP(k=" + k + ", " + c + "ch " + h + "x" + w + ", t=" + t + ", p=" + p + ")";
    }
}
