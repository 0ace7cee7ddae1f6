package dev.hyphenj.hcnn.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.io.Profiles;
import dev.hyphenj.hcnn.TestTensors;
import dev.hyphenj.hcnn.conv.CAConv;
import dev.hyphenj.hcnn.conv.Convolution;
import dev.hyphenj.hcnn.conv.PolyphaseStem;
import dev.hyphenj.hcnn.conv.RAConv;
import dev.hyphenj.hcnn.layout.TensorLayout;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ResNet-18 plan's counting formulas against the layers: the stem, the pool and one block per stage (with its
 * projection shortcut) run on the slot simulator under a {@link CostMeter} with random weights, with the plan's
 * choices (m, refills, baby steps, levels). Each output is checked against the direct double-precision computation,
 * and each plan row's rotations, hoisted rotations, plaintext multiplies, plaintext bytes, activated ciphertexts and
 * rotation keys (with their levels) against the run's. Stages 3 and 4 run on their geometry (plane side, gap,
 * stride, refill sets) with a quarter of the channels: the full 256 and 512 channels take minutes on the simulator,
 * and the formulas see channels only through ciphertext counts.
 */
class ResNet18PlannerTest {
    private static final double TOLERANCE = 1e-9;
    private static Parameters params;
    private static ResNet18Planner planner;
    private static ResNet18Planner.Plan plan;

    @BeforeAll
    static void plan() {
        params = Profiles.parameters("resnet18-imagenet");
        planner = new ResNet18Planner(params, CostModel.defaults(), 16, Integer.MAX_VALUE);
        plan = planner.plan();
        System.out.println("ResNet-18 plan: stem m=" + plan.stemM() + " n1=" + plan.babySteps() + " input level "
                + plan.levels().inputLevel() + ", blocks " + plan.blocks());
        for (ResNet18Planner.Layer l : plan.layers()) {
            System.out.printf("%-18s %-58s rot %5d hoist %5d pmul %7d boot %3d %s keys %2d %9.1f ms%n", l.name(),
                    l.algorithm(), l.rotations(), l.hoisted(), l.plaintextMultiplies(), l.bootstraps(),
                    l.bootstrapSlots(), l.keys().size(), l.ms());
        }
        System.out.println("keys " + plan.keyLevels());
    }

    @Test
    void planIsComplete() {
        // stem, pool, 8 x (conv1, conv2), 3 projection shortcuts, head
        assertEquals(2 + 16 + 3 + 1, plan.layers().size());
        // the convolutions, shortcuts, refills and the pool need few keys; the generic diagonal FC of the head most
        java.util.SortedSet<Integer> layers = new java.util.TreeSet<>();
        plan.layers().stream().filter(l -> !l.name().equals("head")).forEach(l -> layers.addAll(l.keys().keySet()));
        System.out.println("keys: " + plan.keyLevels().size() + ", without the head " + layers.size());
        assertTrue(layers.size() <= 64, "keys " + layers);
        long activations = plan.layers().stream().mapToLong(ResNet18Planner.Layer::activations).sum();
        long bootstraps = plan.layers().stream().mapToLong(ResNet18Planner.Layer::bootstraps).sum();
        // every activation but the stem's follows a bootstrap (chain B': 16 network levels, AppReLU 14)
        long stem = plan.layers().getFirst().activations();
        assertEquals(activations - stem, bootstraps);
        assertEquals(32, stem, "the stem's 256 phase-major channels are 32 CA ciphertexts");
    }

    /** The polyphase stem (RAConv from PR(m0)) and the pool against the direct 7x7/2 convolution and 3x3/2 pool. */
    @Test
    void stemAndPoolMatchTheDirectComputationAndTheFormulas() {
        Random rnd = new Random(18);
        int side = ResNet18Planner.IMAGE_SIDE, cout = ResNet18Planner.STAGE_CHANNELS[0];
        double[][][] image = TestTensors.tensor(rnd, ResNet18Planner.IMAGE_CHANNELS, side, side);
        Convolution stem7 = TestTensors.convolution(rnd, ResNet18Planner.IMAGE_CHANNELS, cout, 7, 2);
        double[][][] direct = stem7.applyPlain(image);
        // the divisor 9 of the pool folded into the stem (ReLU(s)/9 = ReLU(s/9))
        double[] ninth = new double[cout], zero = new double[cout];
        java.util.Arrays.fill(ninth, 1.0 / 9);
        Convolution phases = PolyphaseStem.convolution(stem7.affineOutputs(ninth, zero));
        TensorLayout in = TensorLayout.replicated(planner.frame(), ResNet18Planner.stemInputChannels(), 56, 56, 1,
                plan.stemM());
        Run run = new Run(plan.levels().inputLevel());
        List<SimCiphertext> x = run.encrypt(in.pack(PolyphaseStem.splitInput(image)));
        RAConv conv = new RAConv(phases, in, plan.babySteps());
        List<SimCiphertext> s = conv.apply(run.meter, x);
        double[][][] got = PolyphaseStem.mergePhases(conv.outputLayout().unpack(run.decrypt(s)));
        for (int o = 0; o < cout; o++) {
            for (int y = 0; y < got[o].length; y++) {
                for (int xx = 0; xx < got[o][y].length; xx++) {
                    assertEquals(direct[o][y][xx] / 9, got[o][y][xx], TOLERANCE, "stem " + o + " " + y + " " + xx);
                }
            }
        }
        run.check(plan.layers().get(0), s.size());
        // ReLU, then the pool on the phase groups
        List<SimCiphertext> relu = run.relu(s, plan.levels().conv1Level()[0]);
        TensorLayout pooled = TensorLayout.channelAligned(planner.frame(), cout, 56, 56, 1);
        List<SimCiphertext> p = PolyphaseStem.averagePool(run.meter, relu, pooled);
        assertEquals(0, TestTensors.maxAbsDiff(avgPool(relu(direct)), pooled.unpack(run.decrypt(p))), TOLERANCE);
        run.check(plan.layers().get(1), 0);
    }

    /**
     * One block per stage with the plan's choices: block 0 (stage 1), 2, 4, 6 (the downsampling ones, with their
     * projection), then choices the plan does not make (m below B, so CAConv's rotate-and-sum, refilled inputs of
     * identity blocks, refills on one side only).
     */
    static Stream<Arguments> blocks() {
        return Stream.of(Arguments.of(0, 0, false, false, false), Arguments.of(2, 0, false, false, false),
                Arguments.of(4, 0, false, false, false), Arguments.of(6, 0, false, false, false),
                Arguments.of(1, 2, false, false, false), Arguments.of(3, 4, true, false, true),
                Arguments.of(4, 2, true, true, false), Arguments.of(7, 1, true, true, true));
    }

    /**
     * Block i with the plan's choice ({@code m} = 0) or PR(m) with the given refills and input; stages 3 and 4 with
     * a quarter of their channels.
     */
    @ParameterizedTest
    @MethodSource("blocks")
    void blockMatchesTheDirectComputationAndTheFormulas(int i, int m, boolean inputRefilled, boolean refillMid,
            boolean refillOut) {
        ResNet18Planner.Geometry full = ResNet18Planner.geometry(i);
        int shrink = i >= 4 ? 4 : 1;
        ResNet18Planner.Geometry g = new ResNet18Planner.Geometry(full.cin() / shrink, full.cout() / shrink,
                full.gin(), full.gout(), full.side(), full.downsample());
        NetworkPlan.BlockPlan c = m == 0 ? plan.blocks().get(i)
                : new NetworkPlan.BlockPlan(ResNet18Planner.name(i), m, 1, 1, refillMid, refillOut);
        boolean inRefilled = m == 0 ? i > 0 && plan.blocks().get(i - 1).refillOut() : inputRefilled;
        List<ResNet18Planner.Layer> rows = planner.block(i, g, inRefilled, c, plan.levels());
        ResNet20Planner.Levels lv = plan.levels();
        Random rnd = new Random(100 + i);
        int stride = g.downsample() ? 2 : 1, sideIn = g.side() * stride;
        double[][][] input = TestTensors.tensor(rnd, g.cin(), sideIn, sideIn);
        Convolution conv1 = TestTensors.convolution(rnd, g.cin(), g.cout(), 3, stride);
        Convolution conv2 = TestTensors.convolution(rnd, g.cout(), g.cout(), 3, 1);
        Convolution projection = TestTensors.convolution(rnd, g.cin(), g.cout(), 1, 2);
        TensorLayout inLayout = TensorLayout.channelAligned(planner.frame(), g.cin(), sideIn, sideIn, g.gin());
        int blocks = planner.frame().blocks(), w = ResNet18Planner.FRAME_SIDE;

        Run run = new Run(lv.conv1Level()[i]);
        List<SimCiphertext> x = run.encrypt(inLayout.pack(input));
        int setsX = inRefilled ? ResNet18Planner.refillSets(x.size(), g.gin()) : 1;
        List<SimCiphertext> xs = inRefilled ? run.expand(run.refilled(x, setsX, g.gin()), setsX, g.gin()) : x;
        CAConv ca = new CAConv(conv1, inLayout, c.m(), c.caBabySteps());
        List<SimCiphertext> h = ca.apply(run.meter, xs);
        double[][][] hDirect = conv1.applyPlain(input);
        assertEquals(0, TestTensors.maxAbsDiff(hDirect, ca.outputLayout().unpack(run.decrypt(h))), TOLERANCE);
        int setsMid = c.refillMid() ? ResNet18Planner.refillSets(h.size(), g.gout()) : 1;
        List<SimCiphertext> mid = run.refill(h, setsMid, g.gout(), w);
        run.check(rows.get(0), mid.size());

        List<SimCiphertext> shortcut = x;
        double[][][] shortcutDirect = input;
        if (g.downsample()) {
            CAConv proj = new CAConv(projection, inLayout, blocks, Math.min(c.caBabySteps(), blocks));
            shortcut = proj.apply(run.meter, xs);
            shortcutDirect = projection.applyPlain(input);
            assertEquals(0, TestTensors.maxAbsDiff(shortcutDirect, proj.outputLayout().unpack(run.decrypt(shortcut))),
                    TOLERANCE);
            run.check(rows.get(1), 0);
        }

        List<SimCiphertext> a = run.relu(mid, lv.conv2Level()[i]);
        List<SimCiphertext> as = run.expand(a, setsMid, g.gout());
        RAConv ra = new RAConv(conv2, ca.outputLayout(), c.raBabySteps());
        List<SimCiphertext> y = ra.apply(run.meter, as);
        List<SimCiphertext> sum = new ArrayList<>();
        for (int k = 0; k < y.size(); k++) {
            sum.add(run.meter.add(y.get(k), shortcut.get(k)));
        }
        double[][][] yDirect = conv2.applyPlain(relu(hDirect));
        for (int ch = 0; ch < yDirect.length; ch++) {
            for (int r = 0; r < yDirect[ch].length; r++) {
                for (int q = 0; q < yDirect[ch][r].length; q++) {
                    yDirect[ch][r][q] += shortcutDirect[ch][r][q];
                }
            }
        }
        assertEquals(0, TestTensors.maxAbsDiff(yDirect, ra.outputLayout().unpack(run.decrypt(sum))), TOLERANCE);
        int setsOut = c.refillOut() ? ResNet18Planner.refillSets(sum.size(), g.gout()) : 1;
        List<SimCiphertext> out = run.refill(sum, setsOut, g.gout(), w);
        run.check(rows.getLast(), out.size());
    }

    /** The head (pool and FC 512 -> 1000 on the last block's 64 ciphertexts, refilled as planned). */
    @Test
    void headMatchesTheDirectComputationAndTheFormulas() {
        Random rnd = new Random(1000);
        ResNet18Planner.Geometry g = ResNet18Planner.geometry(ResNet18Planner.BLOCKS - 1);
        boolean refilled = plan.blocks().getLast().refillOut();
        double[][][] features = TestTensors.tensor(rnd, g.cout(), g.side(), g.side());
        double[][] w = new double[ResNet18Planner.CLASSES][g.cout()];
        double[] bias = new double[ResNet18Planner.CLASSES];
        for (int o = 0; o < w.length; o++) {
            for (int c = 0; c < g.cout(); c++) {
                w[o][c] = 2 * rnd.nextDouble() - 1;
            }
            bias[o] = rnd.nextDouble();
        }
        TensorLayout layout = TensorLayout.channelAligned(planner.frame(), g.cout(), g.side(), g.side(), g.gout());
        dev.hyphenj.hcnn.head.ClassifierHead head = new dev.hyphenj.hcnn.head.ClassifierHead(layout, w, bias);
        Run run = new Run(plan.levels().headLevel());
        List<SimCiphertext> x = run.encrypt(layout.pack(features));
        int sets = refilled ? ResNet18Planner.refillSets(x.size(), g.gout()) : 1;
        List<SimCiphertext> xs = refilled ? run.expand(run.refilled(x, sets, g.gout()), sets, g.gout()) : x;
        double[] logits = head.decode(run.sim.decrypt(head.apply(run.meter, xs)));
        double[] direct = head.applyPlain(features);
        for (int o = 0; o < direct.length; o++) {
            assertEquals(direct[o], logits[o], TOLERANCE, "logit " + o);
        }
        run.check(plan.layers().getLast(), 0);
    }

    /** A simulator run under a meter, with per-row checks of the counts against a formula row. */
    private final class Run {
        final SlotSimulator sim = new SlotSimulator(params.slots());
        final CostMeter<SimCiphertext> meter = new CostMeter<>(sim, params, CostModel.defaults(), 16);
        final int level;
        private dev.hyphenj.hcnn.eval.OpCounts counts;
        private CostMeter.Snapshot snap;

        Run(int level) {
            this.level = level;
            snapshot();
        }

        void snapshot() {
            counts = sim.counts();
            snap = meter.snapshot();
        }

        List<SimCiphertext> encrypt(List<double[]> v) {
            return v.stream().map(s -> meter.enter(sim.encrypt(s), level)).toList();
        }

        List<double[]> decrypt(List<SimCiphertext> c) {
            return c.stream().map(sim::decrypt).toList();
        }

        /** The exact ReLU, the result entered at {@code next} (where the plan's next convolution runs). */
        List<SimCiphertext> relu(List<SimCiphertext> c, int next) {
            return c.stream().map(t -> meter.enter(sim.map(t, v -> Math.max(v, 0)), next)).toList();
        }

        /** Input refilled by the previous block (not counted: the previous row's). */
        List<SimCiphertext> refilled(List<SimCiphertext> c, int sets, int gap) {
            List<SimCiphertext> out = new ArrayList<>();
            int[] off = GapRefill.offsets(sets, gap, ResNet18Planner.FRAME_SIDE);
            for (int j = 0; j < c.size(); j += sets) {
                double[] v = new double[params.slots()];
                for (int s = 0; s < sets; s++) {
                    double[] d = sim.decrypt(c.get(j + s));
                    for (int q = 0; q < v.length; q++) {
                        v[Math.floorMod(q + off[s], v.length)] += d[q];
                    }
                }
                out.add(meter.enter(sim.encrypt(v), level));
            }
            snapshot();
            meter.takeRecentKeys();
            return out;
        }

        List<SimCiphertext> refill(List<SimCiphertext> c, int sets, int gap, int width) {
            if (sets == 1) {
                return c;
            }
            int[] off = GapRefill.offsets(sets, gap, width);
            List<SimCiphertext> out = new ArrayList<>();
            for (int j = 0; j < c.size(); j += sets) {
                out.add(GapRefill.refill(meter, c.subList(j, j + sets), off));
            }
            return out;
        }

        List<SimCiphertext> expand(List<SimCiphertext> c, int sets, int gap) {
            if (sets == 1) {
                return c;
            }
            int[] off = GapRefill.offsets(sets, gap, ResNet18Planner.FRAME_SIDE);
            List<SimCiphertext> out = new ArrayList<>();
            for (SimCiphertext packed : c) {
                out.addAll(GapRefill.expand(meter, packed, off));
            }
            return out;
        }

        /** The run since the last check against a plan row; {@code activated}: ciphertexts the row activates. */
        void check(ResNet18Planner.Layer row, int activated) {
            dev.hyphenj.hcnn.eval.OpCounts d = sim.counts().since(counts);
            CostMeter.Snapshot m = meter.snapshot().since(snap);
            SortedMap<Integer, Integer> keys = meter.takeRecentKeys();
            assertEquals(row.rotations(), d.rotations() + d.hoistedRotations(), row.name() + " rotations");
            assertEquals(row.hoisted(), d.hoistedRotations(), row.name() + " hoisted rotations");
            assertEquals(row.plaintextMultiplies(), d.plaintextMultiplies(), row.name() + " plaintext multiplies");
            assertEquals(row.plaintextBytes(), m.plaintextBytes(), row.name() + " plaintext bytes");
            assertEquals(row.activations(), activated, row.name() + " activated ciphertexts");
            assertEquals(row.keys(), keys, row.name() + " rotation keys and their levels");
            snapshot();
        }
    }

    private static double[][][] relu(double[][][] t) {
        double[][][] r = new double[t.length][t[0].length][t[0][0].length];
        for (int c = 0; c < t.length; c++) {
            for (int y = 0; y < t[c].length; y++) {
                for (int x = 0; x < t[c][y].length; x++) {
                    r[c][y][x] = Math.max(t[c][y][x], 0);
                }
            }
        }
        return r;
    }

    /** AvgPool2d(3, stride 2, padding 1), divisor 9 (PyTorch's count_include_pad). */
    private static double[][][] avgPool(double[][][] t) {
        int n = t[0].length, o = (n - 1) / 2 + 1;
        double[][][] r = new double[t.length][o][o];
        for (int c = 0; c < t.length; c++) {
            for (int y = 0; y < o; y++) {
                for (int x = 0; x < o; x++) {
                    double s = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int iy = 2 * y + dy, ix = 2 * x + dx;
                            if (iy >= 0 && iy < n && ix >= 0 && ix < n) {
                                s += t[c][iy][ix];
                            }
                        }
                    }
                    r[c][y][x] = s / 9;
                }
            }
        }
        return r;
    }
}
