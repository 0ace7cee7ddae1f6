package dev.hyphenj.hcnn.baseline;

import dev.hyphenj.hcnn.eval.HeEvaluator;

/**
 * Average pooling and the linear layer of FHE-MP-CNN ({@code averagepooling_seal_scale} and
 * {@code matrix_multiplication_seal}). Pooling: log2(wi) rotations by 2^x ki and log2(hi) by 2^x ki^2 wi sum each
 * channel's plane into its first place; then for each of the ki ti (interleave row, plane) pairs one rotation brings
 * its ki channel sums to slots (ki u + s) ki .. + ki - 1 and one plaintext multiply by 1/(hi wi) keeps them: channel c's
 * average lands in slot c. One level. Linear layer (q outputs, r inputs): for s = 0 .. q + r - 2 one rotation by
 * r - 1 - s and one multiply by the s-th generalized diagonal; one level; logits in slots 0 .. q-1.
 */
public final class MultiplexedHead {
    private final MultiplexedLayout in;
    private final double[][] fcWeight;
    private final double[] fcBias;

    /** The head on features in {@code in}, with the linear layer's weights [q][r] and bias [q]. */
    public MultiplexedHead(MultiplexedLayout in, double[][] fcWeight, double[] fcBias) {
        if (Integer.bitCount(in.h()) != 1 || Integer.bitCount(in.w()) != 1) {
            throw new IllegalArgumentException("pooling needs power-of-two plane sizes, got " + in);
        }
        if (fcWeight[0].length != in.c() || fcBias.length != fcWeight.length) {
            throw new IllegalArgumentException("a linear layer " + fcWeight.length + "x" + fcWeight[0].length
                    + " for " + in.c() + " channels");
        }
        this.in = in;
        this.fcWeight = fcWeight;
        this.fcBias = fcBias;
    }

    /** The pooled averages: channel c in slot c, zero elsewhere; a new handle. */
    public <C> C pool(HeEvaluator<C> ev, C x) {
        int ki = in.k();
        C ct = x;
        for (int s = 1; s < in.w(); s *= 2) {
            C next = MpRotation.plusRotated(ev, ct, s * ki);
            if (ct != x) {
                ev.release(ct);
            }
            ct = next;
        }
        for (int s = 1; s < in.h(); s *= 2) {
            C next = MpRotation.plusRotated(ev, ct, s * ki * ki * in.w());
            if (ct != x) {
                ev.release(ct);
            }
            ct = next;
        }
        C sum = null;
        for (int s = 0; s < ki; s++) {
            for (int u = 0; u < in.t(); u++) {
                int p = ki * u + s;
                C moved = MpRotation.rotate(ev, ct, -p * ki + ki * ki * in.h() * in.w() * u + ki * in.w() * s);
                double[] select = new double[in.slots()];
                for (int i = 0; i < ki; i++) {
                    select[p * ki + i] = 1.0 / (in.h() * in.w());
                }
                C term = ev.multiplyPlain(moved, select);
                if (moved != ct) {
                    ev.release(moved);
                }
                sum = ev.accumulate(sum, term);
            }
        }
        if (ct != x) {
            ev.release(ct);
        }
        C pooled = ev.rescale(sum);
        ev.release(sum);
        return pooled;
    }

    /** The logits of the pooled averages: class i in slot i; a new handle. */
    public <C> C linear(HeEvaluator<C> ev, C pooled) {
        int q = fcWeight.length, r = fcWeight[0].length, n = in.slots();
        C sum = null;
        for (int s = 0; s < q + r - 1; s++) {
            double[] diag = new double[n];
            for (int i = 0; i < q; i++) {
                int j = i + r - 1 - s;
                if (j >= 0 && j < r) {
                    diag[i] = fcWeight[i][j];
                }
            }
            C moved = MpRotation.rotate(ev, pooled, r - 1 - s);
            C term = ev.multiplyPlain(moved, diag);
            if (moved != pooled) {
                ev.release(moved);
            }
            sum = ev.accumulate(sum, term);
        }
        C logits = ev.rescale(sum);
        ev.release(sum);
        double[] bias = new double[n];
        System.arraycopy(fcBias, 0, bias, 0, q);
        C out = ev.addPlain(logits, bias);
        ev.release(logits);
        return out;
    }
}
