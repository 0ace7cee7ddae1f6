package dev.hyphenj.hcnn.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.ChebyshevEvaluator;
import dev.hyphenj.ckks.ChebyshevPolynomial;
import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.SwitchingKey;
import dev.hyphenj.ckks.boot.BootstrapParameters;
import dev.hyphenj.ckks.boot.Bootstrapper;
import dev.hyphenj.hcnn.TestTensors;
import dev.hyphenj.hcnn.act.Activation;
import dev.hyphenj.hcnn.act.AppRelu;
import dev.hyphenj.hcnn.conv.CAConv;
import dev.hyphenj.hcnn.conv.RAConv;
import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.eval.NetworkHooks;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.layout.TensorLayout;
import dev.hyphenj.hcnn.plan.CostMeter;
import dev.hyphenj.hcnn.plan.CostModel;
import dev.hyphenj.hcnn.plan.PlannedResNet20;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bootstrapping in the network (issue 9's bridge), on an INSECURE N = 2^12 chain shaped like the ResNet profile
 * (ckks's BootstrapperTest's design, with 5 network levels so that a degree-7 activation and a convolution fit after a
 * bootstrap): the service bootstraps the evaluator's full-slot handles, sparse ones through the relabelling and
 * SubSum, back to the top network level at exactly 2^30; a small pipeline CAConv -> bootstrap (PR(8): 512 slots) ->
 * activation -> RAConv on CKKS matches the slot simulator; the keys of the run come from one {@link NetworkKeys} plan
 * (CNN steps cut to their levels from a {@link CostMeter} run, both bootstrap key sets, conjugation,
 * relinearization); missing keys fail naming the slot count.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CkksBootstrapServiceTest {
    private static final BootstrapParameters BOOT = new BootstrapParameters(3, 3, 24, 31, 4, 12);
    private static final int USER_LEVELS = 5;
    private static final Frame FRAME = new Frame(8, 8, 1 << 11);
    private static final int FULL = 1 << 11;
    /** PR(8) of 8 x 8 planes: period 8 x 64. */
    private static final int SPARSE = 1 << 9;
    private static final String LAYER = "layer.relu1";

    private CkksTestKit kit;
    private Parameters params;
    private EvaluationKeys keys;
    private NetworkKeys.KeyPlan keyPlan;
    private SortedMap<Integer, Integer> cnnLevels;
    private CkksHeEvaluator ev;
    private CkksBootstrapService boot;
    private final SplittableRandom rnd = new SplittableRandom(314159);

    // the pipeline
    private TensorLayout in;
    private CAConv ca;
    private RAConv ra;
    private Activation act;
    private double bound;
    private List<double[][][]> images;

    /** A degree-7 Chebyshev interpolant of ReLU on [-b, b], as an activation layer (4 levels). */
    private record PolynomialRelu(List<ChebyshevPolynomial> stages) implements Activation {
        @Override
        public <C> C apply(HeEvaluator<C> ev, C x, int ciphertext) {
            return ev.evaluatePolynomial(x, stages);
        }

        @Override
        public int levels() {
            return ChebyshevEvaluator.depth(stages);
        }

        @Override
        public String kind() {
            return "relu7";
        }
    }

    @BeforeAll
    void setUp() {
        params = CkksTestKit.bootstrappable(USER_LEVELS, BOOT);
        kit = new CkksTestKit(params);
        int top = BOOT.outputLevel(params);
        assertEquals(USER_LEVELS, top);

        Random r = new Random(99);
        in = TensorLayout.channelAligned(FRAME, 8, 8, 8, 1);
        ca = new CAConv(TestTensors.convolution(r, 8, 8, 3, 1), in, 8);
        ra = new RAConv(TestTensors.convolution(r, 8, 8, 3, 1), ca.outputLayout());
        assertEquals(SPARSE, PlannedResNet20.bootstrapSlots(ca.outputLayout()));
        images = List.of(TestTensors.tensor(r, 8, 8, 8), TestTensors.tensor(r, 8, 8, 8));
        double largest = 0;
        for (double[][][] x : images) {
            SlotSimulator probe = new SlotSimulator(FRAME.slots());
            for (SimCiphertext c : ca.apply(probe, in.pack(x).stream().map(probe::encrypt).toList())) {
                for (double v : probe.decrypt(c)) {
                    largest = Math.max(largest, Math.abs(v));
                }
            }
        }
        bound = Math.ceil(1.5 * largest);
        act = new PolynomialRelu(List.of(CkksLayerTest.reluInterpolant(bound, 7)));

        // the CNN keys with their levels: the pipeline under a cost meter, the image entering at the top level
        SlotSimulator sim = new SlotSimulator(FRAME.slots());
        CostMeter<SimCiphertext> meter = new CostMeter<>(sim, params, CostModel.defaults(), top);
        NetworkHooks<SimCiphertext> meterHooks = new NetworkHooks<>() {
            @Override
            public SimCiphertext activate(SimCiphertext x) {
                return act.apply(meter, x, 0);
            }

            @Override
            public SimCiphertext bootstrap(SimCiphertext x, int slots) {
                return meter.bootstrap(x, slots);
            }
        };
        List<SimCiphertext> input = in.pack(images.getFirst()).stream().map(v -> meter.enter(sim.encrypt(v), top))
                .toList();
        pipeline(meter, meterHooks, input);
        cnnLevels = meter.keyLevels();
        System.out.printf("CNN rotation steps and levels: %s; bootstraps %s%n", cnnLevels,
                meter.snapshot().bootstrapSlots());

        keyPlan = NetworkKeys.plan(params, cnnLevels, top, BOOT, List.of(FULL, SPARSE));
        long t0 = System.nanoTime();
        keys = NetworkKeys.generate(kit.keyGenerator, kit.sk, keyPlan);
        System.out.printf("keys (%s): %s, generated in %.0f ms%n", params.name(), keyPlan.summary(params),
                (System.nanoTime() - t0) / 1e6);
        ev = new CkksHeEvaluator(params, keys, new PlaintextCache(16L << 20));
        boot = new CkksBootstrapService(ev, BOOT, List.of(FULL, SPARSE));
    }

    @AfterAll
    void tearDown() {
        if (boot != null) {
            System.out.print(boot.summary());
            boot.close();
        }
        keys.close();
        kit.close();
    }

    /** The stages' outputs: CAConv, bootstrap, activation, RAConv (one ciphertext each). */
    private static <C> List<List<C>> pipeline(HeEvaluator<C> ev, NetworkHooks<C> hooks, List<C> x,
            CAConv ca, RAConv ra) {
        List<C> y1 = ca.apply(ev, x);
        List<C> y2 = new ArrayList<>(), y3 = new ArrayList<>();
        for (int k = 0; k < y1.size(); k++) {
            y2.add(hooks.bootstrap(LAYER, k, y1.get(k), PlannedResNet20.bootstrapSlots(ca.outputLayout())));
            y3.add(hooks.activate(LAYER, k, y2.get(k)));
        }
        List<C> y4 = ra.apply(ev, y3);
        return List.of(y1, y2, y3, y4);
    }

    private <C> List<List<C>> pipeline(HeEvaluator<C> ev, NetworkHooks<C> hooks, List<C> x) {
        return pipeline(ev, hooks, x, ca, ra);
    }

    /** A vector of the evaluator's slots, periodic with period {@code period}, uniform in [-b, b]. */
    private double[] periodic(int period, double b) {
        double[] v = new double[params.slots()];
        for (int i = 0; i < period; i++) {
            v[i] = rnd.nextDouble(-b, b);
        }
        for (int i = period; i < v.length; i++) {
            v[i] = v[i - period];
        }
        return v;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** (a) A full-slot ciphertext with s-periodic slots, bootstrapped as s slots, reads back as the input. */
    @ParameterizedTest
    @ValueSource(ints = {FULL, SPARSE})
    void bootstrapsPeriodicFullSlotCiphertexts(int slots) {
        double[] want = periodic(slots, 1);
        CkksCiphertext x = ev.wrap(kit.encrypt(want, 1));
        long before = boot.stats().containsKey(slots) ? boot.stats().get(slots).bootstraps() : 0;
        long live = ev.counts().liveCiphertexts();
        CkksCiphertext y = boot.bootstrap(x, slots);
        assertEquals(boot.outputLevel(), y.level());
        assertEquals(USER_LEVELS, y.level());
        assertEquals(ev.nominalScale(), y.scale(), 0, "exactly the nominal scale");
        assertEquals(0, y.pendingRescales());
        assertEquals(x.levelsUsed(), y.levelsUsed());
        assertEquals(params.logSlots(), ev.ciphertext(y).logSlots(), "all slots again");
        assertEquals(live + 1, ev.counts().liveCiphertexts(), "one new handle");
        double[] got = kit.decrypt(ev.ciphertext(y));
        CkksTestKit.Bits bits = CkksTestKit.Bits.of(List.of(got), List.of(want));
        CkksBootstrapService.Stats st = boot.stats().get(slots);
        System.out.printf("bootstrap of a full-slot ciphertext, %d-periodic, as %d slots: %s; %.0f ms, %d key switches"
                + " (all %d so far)%n", slots, slots, bits, st.millis() / st.bootstraps(),
                st.keySwitches() / st.bootstraps(), st.bootstraps());
        assertTrue(bits.worst() >= 15, bits.toString());
        assertEquals(before + 1, st.bootstraps());
        // the input is untouched
        CkksTestKit.Bits input = CkksTestKit.Bits.of(List.of(kit.decrypt(ev.ciphertext(x))), List.of(want));
        assertTrue(input.worst() >= 20, input.toString());
        ev.release(x);
        ev.release(y);
    }

    /**
     * The bound. EvalMod's sine is linear near 0 only: what it sees are the message's coefficients (at ratio 2^12 to
     * q0), and an s-slot message's coefficients are averages of its slots with unit twiddles, so random slots give
     * coefficients of about their magnitude over sqrt(s), but the slots' mean is a coefficient itself. Slots of mean 6
     * (6 + uniform [-2, 2]) bootstrapped with bound 1 lose about (2 pi 6 / 2^12)^2 / 6 of 6 (2^-13.5) to the sine's
     * curvature; with bound 8 the coefficient the sine sees is 6/8 and the error stays at the bootstrap's precision
     * relative to 8. Both measured.
     */
    @Test
    void theBoundKeepsSlotsWithALargeMeanPrecise() {
        double[] want = periodic(SPARSE, 2);
        for (int i = 0; i < want.length; i++) {
            want[i] += 6;
        }
        CkksCiphertext x = ev.wrap(kit.encrypt(want, 2));
        CkksCiphertext bounded = boot.bootstrap(x, SPARSE, 8);
        CkksCiphertext unbounded = boot.bootstrap(x, SPARSE, 1);
        CkksTestKit.Bits b8 = CkksTestKit.Bits.of(List.of(kit.decrypt(ev.ciphertext(bounded))), List.of(want));
        CkksTestKit.Bits b1 = CkksTestKit.Bits.of(List.of(kit.decrypt(ev.ciphertext(unbounded))), List.of(want));
        System.out.printf("slots 6 +- 2, 512-slot bootstrap: bound 8: %s; bound 1: %s%n", b8, b1);
        assertEquals(ev.nominalScale(), bounded.scale(), 0);
        assertTrue(b8.worst() >= 15 - 3, "within 2^-15 of the bound 8: " + b8);
        assertTrue(b1.worst() < 15 - 1, "bound 1 loses to the sine's curvature: " + b1);
        assertTrue(b8.worst() >= b1.worst() + 2, "the bound gains at least 2 bits: " + b8 + " vs " + b1);
        ev.release(x);
        ev.release(bounded);
        ev.release(unbounded);
    }

    /**
     * The output factor is free: the hooks bootstrap before a normalized AppReLU to x / B, at the level and nominal
     * scale of a plain bootstrap and as precise relative to its values.
     */
    @Test
    void hooksBootstrapToTheNormalizedInputOfTheirActivation() {
        double b = 8;
        double[] want = periodic(SPARSE, 6);
        CkksNetworkHooks hooks = new CkksNetworkHooks(ev, boot, Map.of("n", new AppRelu(b).normalizedInput()));
        CkksCiphertext x = ev.wrap(kit.encrypt(want, 2));
        CkksCiphertext y = hooks.bootstrap("n", 0, x, SPARSE);
        double[] scaled = want.clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] /= b;
        }
        CkksTestKit.Bits bits = CkksTestKit.Bits.of(List.of(kit.decrypt(ev.ciphertext(y))), List.of(scaled));
        System.out.printf("bootstrap to x / %.0f: %s%n", b, bits);
        assertEquals(boot.outputLevel(), y.level());
        assertEquals(ev.nominalScale(), y.scale(), 0);
        assertTrue(bits.worst() >= 15, bits.toString());
        assertThrows(IllegalArgumentException.class, () -> boot.bootstrap(x, SPARSE, b, 0));
        assertThrows(IllegalArgumentException.class, () -> boot.bootstrap(x, SPARSE, b, Double.NaN));
        ev.release(x);
        ev.release(y);
    }

    /** A slot count is a promise: a ciphertext that is not s-periodic comes back as its mean over the s-cosets. */
    @Test
    void nonPeriodicInputComesBackAsItsPeriodicMean() {
        double[] v = periodic(params.slots(), 1); // not periodic below the full slot count
        double[] mean = new double[v.length];
        int copies = params.slots() / SPARSE;
        for (int i = 0; i < v.length; i++) {
            for (int k = 0; k < copies; k++) {
                mean[i] += v[(i % SPARSE) + k * SPARSE] / copies;
            }
        }
        CkksCiphertext x = ev.wrap(kit.encrypt(v, 1));
        CkksCiphertext y = boot.bootstrap(x, SPARSE);
        double[] got = kit.decrypt(ev.ciphertext(y));
        CkksTestKit.Bits toMean = CkksTestKit.Bits.of(List.of(got), List.of(mean));
        double fromInput = TestTensors.maxAbsDiff(List.of(got), List.of(v));
        System.out.printf("non-periodic input, 512-slot bootstrap: %s from the coset means, %.3f from the input%n",
                toMean, fromInput);
        assertTrue(toMean.worst() >= 15, toMean.toString());
        assertTrue(fromInput > 0.5, "the projection is not the input");
        ev.release(x);
        ev.release(y);
    }

    /** (b) CAConv -> bootstrap (512 slots) -> activation -> RAConv on CKKS against the slot simulator. */
    @Test
    void pipelineOnCkksMatchesTheSimulator() {
        CkksNetworkHooks hooks = new CkksNetworkHooks(ev, boot, Map.of(LAYER, act), Map.of(LAYER, bound));
        assertEquals(bound, hooks.bootstrapBound(LAYER));
        String[] names = {"CAConv 8->8 m=8", "bootstrap 512", "activation deg 7", "RAConv 8->8"};
        long bootstrapsBefore = boot.bootstraps();
        for (double[][][] image : images) {
            SlotSimulator sim = new SlotSimulator(FRAME.slots());
            NetworkHooks<SimCiphertext> simHooks = new NetworkHooks<>() {
                @Override
                public SimCiphertext activate(SimCiphertext x) {
                    throw new AssertionError("activations are by layer");
                }

                @Override
                public SimCiphertext activate(String layer, int ciphertext, SimCiphertext x) {
                    return act.apply(sim, x, ciphertext);
                }

                @Override
                public SimCiphertext bootstrap(SimCiphertext x, int slots) {
                    return x; // as SimulatedResNet20's hooks
                }
            };
            List<List<double[]>> want = new ArrayList<>();
            for (List<SimCiphertext> stage : pipeline(sim, simHooks, in.pack(image).stream().map(sim::encrypt)
                    .toList())) {
                want.add(stage.stream().map(sim::decrypt).toList());
            }
            long live = ev.counts().liveCiphertexts();
            List<CkksCiphertext> input = in.pack(image).stream().map(v -> ev.wrap(kit.encrypt(v, USER_LEVELS)))
                    .toList();
            long t = System.nanoTime();
            List<List<CkksCiphertext>> stages = pipeline(ev, hooks, input);
            double ms = (System.nanoTime() - t) / 1e6;
            System.out.printf("pipeline on CKKS (%.0f ms; activation bound and bootstrap bound %.0f):%n", ms, bound);
            List<List<double[]>> got = new ArrayList<>();
            for (int s = 0; s < stages.size(); s++) {
                got.add(stages.get(s).stream().map(c -> kit.decrypt(ev.ciphertext(c))).toList());
                CkksTestKit.Bits bits = CkksTestKit.Bits.of(got.get(s), want.get(s));
                System.out.printf("  %-18s level %2d  vs simulator: %s, max error %.2e%n", names[s],
                        stages.get(s).getFirst().level(), bits, TestTensors.maxAbsDiff(got.get(s), want.get(s)));
                // every stage within 2^-16 of its values' range
                assertTrue(bits.worst() >= 16 - log2(Math.max(1, bits.largestValue())), names[s] + ": " + bits);
            }
            // what the bootstrap itself adds (its output against its decrypted input): within 2^-18 of its bound
            double added = TestTensors.maxAbsDiff(got.get(1), got.get(0));
            double last = TestTensors.maxAbsDiff(got.get(3), want.get(3));
            System.out.printf("  bootstrap adds %.2e (2^%.1f of its bound %.0f); final max error %.2e (2^%.1f)%n",
                    added, log2(added / bound), bound, last, log2(last));
            assertTrue(added < bound * 0x1p-18, "bootstrap error " + added);
            assertTrue(last < 0x1p-12, "final max error " + last);
            assertEquals(boot.outputLevel(), stages.get(1).getFirst().level());
            assertEquals(boot.outputLevel() - act.levels(), stages.get(2).getFirst().level());
            assertEquals(0, stages.get(3).getFirst().level(), "every level used");
            for (List<CkksCiphertext> stage : stages) {
                stage.forEach(ev::release);
            }
            input.forEach(ev::release);
            assertEquals(live, ev.counts().liveCiphertexts(), "no handle leaked");
        }
        assertEquals(bootstrapsBefore + images.size(), boot.bootstraps());
        hooks.layerDone("pipeline");
        CkksNetworkHooks.Layer layer = hooks.layers().getFirst();
        assertEquals(images.size(), layer.bootstraps());
        assertTrue(layer.bootstrapNanos() > 0 && layer.activationNanos() > 0 && layer.nanos() >= layer.bootstrapNanos());
    }

    /** (c) A bootstrap whose keys are missing or cut too low fails naming the slot count and the keys. */
    @Test
    void missingBootstrapKeysNameTheSlotCount() {
        Map<Long, SwitchingKey> galois = new HashMap<>(keys.galoisKeys());
        // the rotations of the 512-slot bootstrap for which the full-slot one has no congruent key (SubSum's among
        // them): every key that could serve them removed
        Bootstrapper full = boot.bootstrapper(FULL), sparse = boot.bootstrapper(SPARSE);
        java.util.Set<Long> fullElements = new java.util.HashSet<>();
        full.rotationKeyLevels().keySet().forEach(step -> fullElements.add(Encoder.galoisElement(step, params.n())));
        List<Integer> subSum = new ArrayList<>();
        for (Bootstrapper.RotationKeyUse use : sparse.rotationKeyUses()) {
            long[] candidates = Encoder.galoisElements(use.step(), Integer.numberOfTrailingZeros(use.period()),
                    params.n());
            if (java.util.Arrays.stream(candidates).noneMatch(fullElements::contains)) {
                subSum.add(use.step());
                java.util.Arrays.stream(candidates).forEach(galois::remove);
            }
        }
        assertFalse(subSum.isEmpty());
        EvaluationKeys partial = new EvaluationKeys(keys.relinearization(), galois); // shares the keys: not closed
        CkksHeEvaluator pev = new CkksHeEvaluator(params, partial, null);
        CkksBootstrapService pboot = new CkksBootstrapService(pev, BOOT, List.of(FULL, SPARSE));
        CkksCiphertext x = pev.wrap(kit.encrypt(periodic(SPARSE, 1), 1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pboot.bootstrap(x, SPARSE));
        System.out.println("missing keys: " + e.getMessage());
        assertTrue(e.getMessage().contains("bootstrapping at 512 slots"), e.getMessage());
        for (int step : subSum) {
            assertTrue(e.getMessage().contains(Integer.toString(step)), e.getMessage());
        }
        assertEquals(1, pev.counts().liveCiphertexts(), "nothing was created");
        pboot.requireKeys(FULL); // the full-slot bootstrap has all its keys

        // no conjugation key, and a rotation key cut below the level it is used at
        Map<Long, SwitchingKey> noConj = new HashMap<>(keys.galoisKeys());
        noConj.remove(Encoder.conjugationElement(params.n()));
        int step = full.rotationKeyLevels().firstKey();
        int level = full.rotationKeyLevels().get(step);
        try (SwitchingKey low = kit.keyGenerator.galoisKey(kit.sk, Encoder.galoisElement(step, params.n()), level - 1)) {
            noConj.put(Encoder.galoisElement(step, params.n()), low);
            CkksHeEvaluator cev = new CkksHeEvaluator(params, new EvaluationKeys(keys.relinearization(), noConj), null);
            CkksBootstrapService cboot = new CkksBootstrapService(cev, BOOT, List.of(FULL));
            IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> cboot.requireKeys(FULL));
            System.out.println("short keys: " + e2.getMessage());
            assertTrue(e2.getMessage().contains("bootstrapping at 2048 slots"), e2.getMessage());
            assertTrue(e2.getMessage().contains("no conjugation key"), e2.getMessage());
            assertTrue(e2.getMessage().contains("rotation by " + step + " (cut to level " + (level - 1) + ", used at "
                    + level + ")"), e2.getMessage());
        }
        // no keys at all
        CkksBootstrapService nokeys = new CkksBootstrapService(new CkksHeEvaluator(params, null, null), BOOT,
                List.of(FULL));
        IllegalStateException e3 = assertThrows(IllegalStateException.class, () -> nokeys.requireKeys(FULL));
        assertTrue(e3.getMessage().contains("2048 slots") && e3.getMessage().contains("no evaluation keys"));
        pev.release(x);
    }

    /** Refusals: a pending rescale, a slot count the plan does not have, impossible slot counts, a bad bound. */
    @Test
    void refusesWhatItCannotBootstrap() {
        CkksCiphertext x = ev.wrap(kit.encrypt(periodic(SPARSE, 1), 2));
        CkksCiphertext pending = ev.multiplyConstant(x, 0.5);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> boot.bootstrap(pending, SPARSE));
        assertTrue(e.getMessage().contains("pending rescale"), e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> boot.bootstrap(x, 256));
        assertTrue(e2.getMessage().contains("256") && e2.getMessage().contains("[512, 2048]"), e2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> boot.bootstrap(x, SPARSE, 0));
        assertThrows(IllegalArgumentException.class, () -> new CkksBootstrapService(ev, BOOT, List.of(768)));
        assertThrows(IllegalArgumentException.class, () -> new CkksBootstrapService(ev, BOOT, List.of(4096)));
        assertThrows(IllegalArgumentException.class, () -> new CkksBootstrapService(ev, BOOT, List.of()));
        ev.release(pending);
        ev.release(x);
        assertThrows(IllegalStateException.class, () -> boot.bootstrap(x, SPARSE));
    }

    /** The hooks: AppReLU's B is the default bootstrap bound, activations are by layer, one evaluator throughout. */
    @Test
    void hooksTakeTheirBoundsAndActivationsByLayer() {
        Map<String, Activation> acts = Map.of("a", new AppRelu(12.5), LAYER, act);
        assertEquals(Map.of("a", 12.5), CkksNetworkHooks.bootstrapBounds(acts));
        CkksNetworkHooks hooks = new CkksNetworkHooks(ev, boot, acts);
        assertEquals(12.5, hooks.bootstrapBound("a"));
        assertEquals(1, hooks.bootstrapBound(LAYER));
        CkksCiphertext x = ev.wrap(kit.encrypt(periodic(SPARSE, 1), 2));
        assertThrows(UnsupportedOperationException.class, () -> hooks.activate(x));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> hooks.activate("b", 0, x));
        assertTrue(e.getMessage().contains("layer b"), e.getMessage());
        ev.release(x);
        CkksHeEvaluator other = new CkksHeEvaluator(params, keys, null);
        assertThrows(IllegalArgumentException.class, () -> new CkksNetworkHooks(other, boot, acts));
    }

    /**
     * The key plan: every Galois element at the highest level any user needs (CNN steps from the meter, each
     * bootstrapper's levels), shared steps once, conjugation and relinearization at the bootstrap's levels; the
     * generated keys are exactly the plan, cut as planned, and take the bytes the plan predicts.
     */
    @Test
    void keyPlanTakesEachKeyOnceAtItsHighestLevel() {
        int n = params.n();
        Map<Long, Integer> want = new TreeMap<>();
        Map<Long, Integer> cnn = new TreeMap<>(), bootSteps = new TreeMap<>();
        cnnLevels.forEach((step, level) -> cnn.merge(Encoder.galoisElement(step, n), level, Math::max));
        int conj = -1, relin = USER_LEVELS;
        for (int s : List.of(FULL, SPARSE)) { // widest first: a congruent key already planned serves
            Bootstrapper b = boot.bootstrapper(s);
            for (Bootstrapper.RotationKeyUse use : b.rotationKeyUses()) {
                long[] candidates = Encoder.galoisElements(use.step(), Integer.numberOfTrailingZeros(use.period()), n);
                long k = java.util.Arrays.stream(candidates)
                        .filter(c -> cnn.containsKey(c) || bootSteps.containsKey(c)).findFirst().orElse(candidates[0]);
                bootSteps.merge(k, use.level(), Math::max);
            }
            conj = Math.max(conj, b.conjugationLevel());
            relin = Math.max(relin, b.relinearizationLevel());
        }
        want.putAll(cnn);
        bootSteps.forEach((k, l) -> want.merge(k, l, Math::max));
        int shared = (int) cnn.keySet().stream().filter(bootSteps::containsKey).count();
        want.put(Encoder.conjugationElement(n), conj);
        assertEquals(want, keyPlan.galoisLevels());
        assertEquals(relin, keyPlan.relinearizationLevel());
        assertEquals(cnn.size(), keyPlan.cnnRotations());
        assertEquals(bootSteps.size(), keyPlan.bootstrapRotations());
        assertEquals(shared, keyPlan.sharedRotations());
        assertTrue(keyPlan.conjugation());
        // the two slot counts share steps used at different levels: each is generated at the higher one
        Map<Integer, Integer> fullLevels = boot.bootstrapper(FULL).rotationKeyLevels();
        Map<Integer, Integer> sparseLevels = boot.bootstrapper(SPARSE).rotationKeyLevels();
        int sharedBoot = 0;
        for (Map.Entry<Integer, Integer> e : sparseLevels.entrySet()) {
            Integer other = fullLevels.get(e.getKey());
            if (other != null) {
                sharedBoot++;
                assertEquals(Math.max(other, e.getValue()),
                        keyPlan.galoisLevels().get(Encoder.galoisElement(e.getKey(), n)));
            }
        }
        System.out.printf("key plan: %d CNN, %d (2048) + %d (512) bootstrap rotations, %d shared between the slot"
                + " counts, %d between CNN and bootstrap%n", cnn.size(), fullLevels.size(), sparseLevels.size(),
                sharedBoot, shared);
        assertTrue(sharedBoot > 0, "the slot counts share steps");
        // the CNN keys are cut to the top network level, where the CAConv runs (the RAConv after the activation, at
        // level 1, uses a subset of its steps), far below the chain's top
        assertTrue(cnnLevels.values().stream().allMatch(l -> l == USER_LEVELS), cnnLevels.toString());
        assertTrue(USER_LEVELS < params.maxLevel());

        assertEquals(keyPlan.galoisKeys(), keys.galoisKeys().size());
        keys.galoisKeys().forEach((k, key) -> assertEquals(keyPlan.galoisLevels().get(k), key.level(), "key " + k));
        assertEquals(relin, keys.relinearization().level());
        assertEquals(keyPlan.bytes(params), keys.memoryBytes());
        assertTrue(keyPlan.uncut(params).bytes(params) > keyPlan.bytes(params));
        assertSame(keys, ev.keys());
    }
}
