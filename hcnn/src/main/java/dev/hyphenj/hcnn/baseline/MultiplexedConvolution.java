package dev.hyphenj.hcnn.baseline;

import dev.hyphenj.hcnn.conv.Convolution;
import dev.hyphenj.hcnn.eval.HeEvaluator;

/**
 * MPConv, the multiplexed parallel convolution of Lee et al. (ICML 2022), step for step as FHE-MP-CNN's
 * {@code multiplexed_parallel_convolution_seal} performs it (written again from its description; BatchNorm folded into
 * the weights, its shift added as a plaintext). Input and output are one ciphertext each in
 * {@link MultiplexedLayout}s; with input gap ki, planes ti and copies pi, output gap ko = ki * stride, and
 * q = ceil(co / pi) groups of output channels:
 * <ol>
 *   <li>the input rotated for each of the fh*fw - 1 off-centre taps, one rotation each, not hoisted (step
 *       ki^2 wi dy + ki dx);</li>
 *   <li>per group: fh*fw plaintext multiplies and a rescale (copy i of the input computes output channel
 *       i + pi * group at every input position and input channel);</li>
 *   <li>rotate-and-sum over the input channels: log2(ki) rotations by 2^x and log2(ki) by 2^x ki wi inside the
 *       interleave, then log2(ti) by 2^x ki^2 hi wi over the planes (ti - 1 rotations when ti is not a power of
 *       two);</li>
 *   <li>collection: per output channel one rotation that moves its sums to the channel's multiplexed place (none
 *       for a zero step) and one plaintext multiply by a mask that keeps the valid (strided) positions;</li>
 *   <li>one rescale, then po - 1 rotations by -u n/po that fill the po copies of the output (skipped when
 *       {@code replicate} is false, as the code's {@code end} flag does).</li>
 * </ol>
 * Rotations: (fh fw - 1) + q (2 log2 ki + log2 ti) + (co - zero steps) + (po - 1), each step in 34..55 or 57..61
 * counting twice ({@link MpRotation}). Plaintext multiplies: q fh fw + co. Levels: two.
 */
public final class MultiplexedConvolution {
    private final Convolution conv;
    private final MultiplexedLayout in;
    private final MultiplexedLayout out;
    private final boolean replicate;

    /** MPConv of {@code conv} (stride 1 or 2, odd square kernel) on input packed in {@code in}. */
    public MultiplexedConvolution(Convolution conv, MultiplexedLayout in, boolean replicate) {
        if (conv.inChannels() != in.c()) {
            throw new IllegalArgumentException("a convolution of " + conv.inChannels() + " input channels given "
                    + in);
        }
        if (conv.stride() != 1 && conv.stride() != 2) {
            throw new IllegalArgumentException("MPConv supports stride 1 or 2, got " + conv.stride());
        }
        if (conv.stride() == 2 && (in.h() % 2 != 0 || in.w() % 2 != 0)) {
            throw new IllegalArgumentException("stride 2 needs an even input size, got " + in);
        }
        this.conv = conv;
        this.in = in;
        this.replicate = replicate;
        this.out = MultiplexedLayout.of(in.slots(), in.k() * conv.stride(), in.h() / conv.stride(),
                in.w() / conv.stride(), conv.outChannels());
    }

    public Convolution convolution() {
        return conv;
    }

    public MultiplexedLayout inputLayout() {
        return in;
    }

    /** The output layout: gap ko = ki * stride, to = ceil(co / ko^2) planes, po copies. */
    public MultiplexedLayout outputLayout() {
        return out;
    }

    /** Output-channel groups: q = ceil(co / pi). */
    public int groups() {
        return (conv.outChannels() + in.p() - 1) / in.p();
    }

    /** The convolution of the packed input; the result (a new handle) is in {@link #outputLayout()}. */
    public <C> C apply(HeEvaluator<C> ev, C x) {
        if (ev.slots() != in.slots()) {
            throw new IllegalArgumentException("evaluator of " + ev.slots() + " slots for " + in);
        }
        int f = conv.kernel(), centre = f / 2;
        // 1. tap rotations, one by one
        @SuppressWarnings("unchecked")
        C[] rotated = (C[]) new Object[f * f];
        for (int i1 = 0; i1 < f; i1++) {
            for (int i2 = 0; i2 < f; i2++) {
                rotated[i1 * f + i2] = MpRotation.rotate(ev, x, tapStep(i1 - centre, i2 - centre));
            }
        }
        int ki = in.k(), n = in.slots();
        C total = null;
        for (int group = 0; group < groups(); group++) {
            // 2. weight multiplies
            C sum = null;
            for (int t = 0; t < f * f; t++) {
                sum = ev.accumulate(sum, ev.multiplyPlain(rotated[t], weights(t / f, t % f, group)));
            }
            C var = ev.rescale(sum);
            ev.release(sum);
            // 3. rotate-and-sum over the input channels
            for (int s = 1; s < ki; s *= 2) {
                var = MpRotation.rotateAndSum(ev, var, s);
            }
            for (int s = 1; s < ki; s *= 2) {
                var = MpRotation.rotateAndSum(ev, var, s * ki * in.w());
            }
            int plane = ki * ki * in.h() * in.w();
            if (Integer.bitCount(in.t()) == 1) {
                for (int s = 1; s < in.t(); s *= 2) {
                    var = MpRotation.rotateAndSum(ev, var, s * plane);
                }
            } else {
                C acc = null;
                for (int u = 1; u < in.t(); u++) {
                    acc = ev.accumulate(acc, MpRotation.rotate(ev, var, u * plane));
                }
                if (acc != null) {
                    var = ev.accumulate(acc, var);
                }
            }
            // 4. collection into the multiplexed output
            for (int i8 = 0; i8 < in.p() && in.p() * group + i8 < conv.outChannels(); i8++) {
                int j4 = in.p() * group + i8;
                C moved = MpRotation.rotate(ev, var, collectionStep(j4));
                C masked = ev.multiplyPlain(moved, selectOne(j4));
                if (moved != var) {
                    ev.release(moved);
                }
                total = ev.accumulate(total, masked);
            }
            ev.release(var);
        }
        for (int t = 0; t < f * f; t++) {
            if (rotated[t] != x) {
                ev.release(rotated[t]);
            }
        }
        C var = ev.rescale(total);
        ev.release(total);
        // 5. copies
        if (replicate && out.p() > 1) {
            C sum = null;
            for (int u = 1; u < out.p(); u++) {
                sum = ev.accumulate(sum, MpRotation.rotate(ev, var, -u * (n / out.p())));
            }
            C s = ev.add(sum, var);
            ev.release(sum);
            ev.release(var);
            var = s;
        }
        // BatchNorm shift (folded into the convolution's bias), in every copy
        C result = ev.addPlain(var, biasVector());
        ev.release(var);
        return result;
    }

    /** The rotation of tap (dy, dx): ki^2 wi dy + ki dx. */
    int tapStep(int dy, int dx) {
        return in.k() * in.k() * in.w() * dy + in.k() * dx;
    }

    /**
     * The collection rotation of output channel j4 (= ko^2 u + ko i + j): from copy j4 mod pi, where its sums lie at
     * the input-grid places of its outputs, to its multiplexed place: (n/pi)(j4 mod pi) - ko^2 ho wo u - ko wo i - j.
     */
    int collectionStep(int j4) {
        int ko = out.k(), r = j4 % (ko * ko);
        return in.period() * (j4 % in.p()) - ko * ko * out.h() * out.w() * (j4 / (ko * ko)) - ko * out.w() * (r / ko)
                - r % ko;
    }

    /**
     * The compact shifted weights of tap (i1, i2) and output group {@code group}: slot j of copy i (j inside the
     * copy) holds weight[o][c][i1][i2] for output channel o = i + pi group and the input channel c and position (y,
     * x) that j holds, or 0 where the tap reads outside the plane, c or o does not exist, or j is past the planes.
     */
    private double[] weights(int i1, int i2, int group) {
        int n = in.slots(), ki = in.k(), f = conv.kernel(), pad = f / 2;
        double[] v = new double[n];
        for (int j = 0; j < n; j++) {
            int copy = j / in.period(), r = j % in.period();
            int o = copy + in.p() * group;
            if (r >= in.blockSize() || o >= conv.outChannels()) {
                continue;
            }
            int u = r / (ki * ki * in.h() * in.w()), r2 = r % (ki * ki * in.h() * in.w());
            int row = r2 / (ki * in.w()), col = r2 % (ki * in.w());
            int c = ki * ki * u + ki * (row % ki) + col % ki;
            int y = row / ki + i1 - pad, x = col / ki + i2 - pad;
            if (c >= in.c() || y < 0 || y >= in.h() || x < 0 || x >= in.w()) {
                continue;
            }
            v[j] = conv.weights()[o][c][i1][i2];
        }
        return v;
    }

    /** Ones at the output places of channel j4 in copy 0 (the code folds the BatchNorm scale in here). */
    private double[] selectOne(int j4) {
        double[] v = new double[in.slots()];
        for (int y = 0; y < out.h(); y++) {
            for (int x = 0; x < out.w(); x++) {
                v[out.slot(0, j4, y, x)] = 1;
            }
        }
        return v;
    }

    private double[] biasVector() {
        if (replicate) {
            return out.packPerChannel(conv.bias());
        }
        double[] all = out.packPerChannel(conv.bias());
        double[] first = new double[all.length];
        System.arraycopy(all, 0, first, 0, out.period());
        return first;
    }
}
