package dev.hyphenj.hcnn.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.hcnn.TestTensors;
import dev.hyphenj.hcnn.act.FusedQuadratic;
import dev.hyphenj.hcnn.conv.RAConv;
import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.layout.TensorLayout;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import dev.hyphenj.hcnn.plan.CostMeter;
import dev.hyphenj.hcnn.plan.CostModel;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The degree-2 network's layer on RNS-CKKS, keyed as the leveled demo keys it: a {@link FusedQuadratic} (an RAConv
 * 8 -> 8 and a per-channel quadratic, in the square form (a positive, or negative with negated outputs) and in the
 * product form, with a residual added, scaled, to each weight set's output as in a block's second layer) on a small
 * INSECURE set (N = 2^12, 2048 slots, 3 one-prime levels) matches the slot simulator within the CKKS precision. The keys are {@link NetworkKeys#plan} of a {@link CostMeter} run: the rotation keys cut to their levels,
 * the relinearization key at the level the product runs at (one below the image's), no bootstrap key; the hooks of a
 * leveled run have no bootstrap service and refuse a bootstrap.
 */
class CkksFusedQuadraticTest {
    private static final Frame FRAME = new Frame(8, 8, 1 << 11);
    private static final int LEVELS = 3;
    private static final int CHANNELS = 8;

    /** The layer of input x with residual r (scaled per weight set, as a block adds its shortcut). Releases all but y. */
    private static <C> List<C> layer(HeEvaluator<C> ev, FusedQuadratic f, List<C> x, List<C> r) {
        List<List<C>> residuals = new ArrayList<>();
        for (double[] scale : f.residualScales()) {
            List<double[]> plain = f.convolution().outputLayout().packPerChannel(scale);
            List<C> scaled = new ArrayList<>();
            for (int k = 0; k < r.size(); k++) {
                C product = ev.multiplyPlain(r.get(k), plain.get(k));
                scaled.add(ev.rescale(product));
                ev.release(product);
            }
            residuals.add(scaled);
        }
        List<C> y = f.activate(ev, f.convolve(ev, x), residuals);
        residuals.forEach(list -> list.forEach(ev::release));
        x.forEach(ev::release);
        r.forEach(ev::release);
        return y;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"positive", "signed", "product"})
    void layerOnCkksMatchesTheSimulatorWithTheLeveledKeys(String form) {
        boolean square = !form.equals("product");
        Random rnd = new Random(2026);
        double[] a = new double[CHANNELS], b = new double[CHANNELS], c = new double[CHANNELS];
        double[] outScale = new double[CHANNELS];
        for (int o = 0; o < CHANNELS; o++) {
            a[o] = rnd.nextDouble(0.2, 2) * (form.equals("positive") || o % 2 == 0 ? 1 : -1);
            b[o] = rnd.nextDouble(-1, 1);
            c[o] = rnd.nextDouble(-1, 1);
            outScale[o] = rnd.nextDouble(0.5, 1) * (form.equals("signed") ? Math.signum(a[o]) : 1);
        }
        RAConv conv = new RAConv(TestTensors.convolution(rnd, CHANNELS, CHANNELS, 3, 1),
                TensorLayout.replicated(FRAME, CHANNELS, 8, 8, 1, 8));
        FusedQuadratic f = new FusedQuadratic(conv, new ResNet20Weights.Quadratic("test.act", a, b, c), outScale);
        assertEquals(square, f.square());
        TensorLayout in = conv.inputLayout(), out = conv.outputLayout();
        List<double[]> x = in.pack(TestTensors.tensor(rnd, CHANNELS, 8, 8));
        List<double[]> r = out.pack(TestTensors.tensor(rnd, CHANNELS, 8, 8));

        try (CkksTestKit kit = new CkksTestKit(LEVELS)) {
            SlotSimulator sim = new SlotSimulator(FRAME.slots());
            CostMeter<SimCiphertext> meter = new CostMeter<>(sim, kit.params, CostModel.defaults(), LEVELS);
            List<SimCiphertext> simY = layer(meter, f, x.stream().map(v -> meter.enter(sim.encrypt(v), LEVELS))
                    .toList(), r.stream().map(v -> meter.enter(sim.encrypt(v), LEVELS)).toList());
            List<double[]> want = simY.stream().map(sim::decrypt).toList();
            simY.forEach(y -> assertEquals(1, meter.level(y), "two levels: the convolution's, the product's"));

            NetworkKeys.KeyPlan plan = NetworkKeys.plan(kit.params, meter.keyLevels(), meter.productTopLevel(), null,
                    List.of());
            assertEquals(LEVELS - 1, plan.relinearizationLevel());
            assertEquals(0, plan.bootstrapRotations());
            assertTrue(!plan.conjugation() && plan.galoisKeys() == plan.cnnRotations() && plan.galoisKeys() > 0);
            try (EvaluationKeys keys = NetworkKeys.generate(kit.keyGenerator, kit.sk, plan)) {
                CkksHeEvaluator ev = new CkksHeEvaluator(kit.params, keys, new PlaintextCache(0));
                CkksNetworkHooks hooks = new CkksNetworkHooks(ev, null, Map.of());
                List<CkksCiphertext> y = layer(ev, f, x.stream().map(v -> ev.wrap(kit.encrypt(v, LEVELS))).toList(),
                        r.stream().map(v -> ev.wrap(kit.encrypt(v, LEVELS))).toList());
                assertThrows(IllegalStateException.class, () -> hooks.bootstrap(y.getFirst(), FRAME.slots()));
                List<double[]> got = y.stream().map(ct -> kit.decrypt(ev.ciphertext(ct))).toList();
                CkksTestKit.Bits bits = CkksTestKit.Bits.of(got, want);
                // within the CKKS precision at scale 2^30: every slot within 2^-16 of the values' range
                assertTrue(bits.worst() >= 16 - Math.log(bits.largestValue()) / Math.log(2), bits.toString());
                y.forEach(ct -> assertEquals(1, ct.level()));
                y.forEach(ev::release);
                assertEquals(0, ev.counts().liveCiphertexts(), "leaked ciphertexts");
            }
        }
    }
}
