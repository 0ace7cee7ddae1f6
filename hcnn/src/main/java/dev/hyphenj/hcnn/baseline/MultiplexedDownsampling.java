package dev.hyphenj.hcnn.baseline;

import dev.hyphenj.hcnn.eval.HeEvaluator;

/**
 * The option-A shortcut of a downsampling block in FHE-MP-CNN ({@code multiplexed_parallel_downsampling_seal}):
 * from ci channels at gap ki (ti planes, ti a multiple of 8) to 2 ci channels of half the size at gap ko = 2 ki, the
 * input's channels moving up by (co - ci)/2 = ko^2 ti/8 places (the zero channels of option A on both sides). For each
 * of the ki ti (row interleave, plane) pairs: one plaintext multiply by a mask of the even rows and columns, one
 * rotation to the output places; one rescale; then po - 1 rotations fill the output copies. Rotations: ki ti + po - 1
 * (fewer for zero steps, more for split ones); plaintext multiplies: ki ti; one level.
 */
public final class MultiplexedDownsampling {
    private final MultiplexedLayout in;
    private final MultiplexedLayout out;

    /** The shortcut from {@code in} to twice its channels at half its size. */
    public MultiplexedDownsampling(MultiplexedLayout in) {
        if (in.t() % 8 != 0 || in.h() % 2 != 0 || in.w() % 2 != 0) {
            throw new IllegalArgumentException("downsampling needs t a multiple of 8 and even sizes, got " + in);
        }
        this.in = in;
        this.out = MultiplexedLayout.of(in.slots(), 2 * in.k(), in.h() / 2, in.w() / 2, 2 * in.c());
        if (out.t() != in.t() / 2) {
            throw new IllegalStateException("unexpected output planes " + out);
        }
    }

    public MultiplexedLayout inputLayout() {
        return in;
    }

    public MultiplexedLayout outputLayout() {
        return out;
    }

    /** The shortcut of the packed input; a new handle in {@link #outputLayout()}. */
    public <C> C apply(HeEvaluator<C> ev, C x) {
        int ki = in.k(), ti = in.t(), ko = out.k(), n = in.slots();
        C sum = null;
        for (int w1 = 0; w1 < ki; w1++) {
            for (int w2 = 0; w2 < ti; w2++) {
                C masked = ev.multiplyPlain(x, mask(w1, w2));
                int idx = ki * w2 + w1;
                int w3 = (idx % (2 * ko)) / 2, w4 = idx % 2, w5 = idx / (2 * ko);
                int step = ki * ki * in.h() * in.w() * w2 + ki * in.w() * w1 - ko * ko * out.h() * out.w() * w5
                        - ko * out.w() * w3 - ki * w4 - ko * ko * out.h() * out.w() * (ti / 8);
                C moved = MpRotation.rotate(ev, masked, step);
                if (moved != masked) {
                    ev.release(masked);
                }
                sum = ev.accumulate(sum, moved);
            }
        }
        C ct = ev.rescale(sum);
        ev.release(sum);
        C acc = null;
        for (int u = 1; u < out.p(); u++) {
            acc = ev.accumulate(acc, MpRotation.rotate(ev, ct, -(n / out.p()) * u));
        }
        return acc == null ? ct : ev.accumulate(acc, ct);
    }

    /** Ones at the even rows and columns of interleave row w1 of plane w2, in copy 0. */
    private double[] mask(int w1, int w2) {
        int ki = in.k();
        double[] v = new double[in.slots()];
        int plane = ki * ki * in.h() * in.w();
        for (int j = 0; j < plane * in.t(); j++) {
            int row = (j % plane) / (ki * in.w()), col = j % (ki * in.w()), u = j / plane;
            if ((row / ki) % 2 == 0 && (col / ki) % 2 == 0 && row % ki == w1 && u == w2) {
                v[j] = 1;
            }
        }
        return v;
    }
}
