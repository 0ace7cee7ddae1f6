package dev.hyphenj.hcnn.plan;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.hcnn.conv.PolyphaseStem;
import dev.hyphenj.hcnn.head.ClassifierHead;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.layout.TensorLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Chooses an execution plan for ResNet-18 on ImageNet (224 x 224 x 3, 1000 classes) at N = 2^16: plan only, by the
 * counting formulas of the layers ({@link LayerFormulas}); there are no ImageNet weights or images here to run it.
 *
 * <p><b>Layouts.</b> Every tensor lies in 64 x 64 frames (8 channel planes per ciphertext of 2^15 slots): stage 1's
 * 56 x 56 planes at gap 1, and after each stride-2 convolution (which leaves its outputs in place and doubles the
 * gap) 28 x 28 at gap 2, 14 x 14 at gap 4, 7 x 7 at gap 8. The image does not fit: the client splits each 224 x 224
 * plane into its 16 polyphase components of 56 x 56 ({@link PolyphaseStem}), 48 input planes, and the stem (7 x 7,
 * stride 2, 64 channels) becomes a 3 x 3 stride-1 RAConv to 256 phase-major channels (the 4 output phases of each of
 * the 64 channels of 112 x 112), so the stem and the pool produce stage 1's layout without any repacking. The max
 * pool is planned as a 3 x 3 average pool of stride 2 (a change of the network that needs retraining): 3 rotations
 * per ciphertext on the phase groups, no level.
 *
 * <p><b>Blocks.</b> As in {@link ResNet20Planner}: conv1 a CAConv CA -> PR(m), conv2 an RAConv PR(m) -> CA, block
 * inputs and outputs CA; the projection shortcut of stages 2-4 (1 x 1, stride 2, BN folded) a CAConv CA -> CA
 * (m = B) beside conv1 from the block input. Gap refilling puts up to 4 ciphertexts into one ({@link #refillSets}:
 * offsets that are tap steps, so no key of its own), in groups when there are more (stage 2: 16 CA ciphertexts into
 * 4, stage 4: 64 into 16). m and the refills are chosen per block by dynamic programming over the predicted time,
 * then the stem's m, then one baby-step size for the block rotations, the one with the fewest rotation keys.
 *
 * <p><b>Levels.</b> As ResNet-20's ({@link LayerFormulas#levels}): each convolution 1 level, the projection 1 beside
 * conv1, the pool none, AppReLU {@link CostModel#activationLevels()}, the head 1; a bootstrap before an activation
 * when the levels run out.
 */
public final class ResNet18Planner {
    /** Channels of the four stages. */
    public static final int[] STAGE_CHANNELS = {64, 128, 256, 512};
    /** Plane side of the four stages. */
    public static final int[] SIDES = {56, 28, 14, 7};
    /** 2D gap of the four stages in the 64 x 64 frames. */
    public static final int[] GAPS = {1, 2, 4, 8};
    /** Basic blocks per stage. */
    public static final int BLOCKS_PER_STAGE = 2;
    public static final int BLOCKS = 4 * BLOCKS_PER_STAGE;
    public static final int CLASSES = 1000;
    public static final int IMAGE_SIDE = 224;
    public static final int IMAGE_CHANNELS = 3;
    /** The frame side: 64 x 64 planes. */
    public static final int FRAME_SIDE = 64;
    /** The most ciphertexts refilled into one ({@link #refillSets}). */
    public static final int MAX_REFILL_SETS = 4;
    /** Taps of the 3 x 3 convolutions (the block convolutions and the polyphase stem). */
    private static final int TAPS = 9;

    private final Parameters params;
    private final CostModel model;
    private final int maxKeys;
    private final Frame frame;
    private final int blocksPerCt;
    private final LayerFormulas formulas;
    private final ClassifierHead head;

    /** The geometry of block i: channels in and out, gaps in and out, output side, whether it downsamples. */
    public record Geometry(int cin, int cout, int gin, int gout, int side, boolean downsample) {}

    /**
     * One layer of the plan with its predicted figures.
     *
     * @param name {@code stem}, {@code pool}, {@code layer2.0.conv1}, {@code layer2.0.shortcut}, {@code head}
     * @param algorithm what runs, with its layouts
     * @param rotations key-switched rotations, ordinary and hoisted outputs together
     * @param hoisted of which hoisted
     * @param plaintextMultiplies ciphertext-plaintext products
     * @param bootstraps bootstrapped ciphertexts
     * @param bootstrapSlots bootstraps by sparse slot count
     * @param activations activated ciphertexts
     * @param plaintextBytes weight and bias plaintexts at their levels
     * @param ms predicted time, one thread
     * @param linearMs the part of ms outside bootstraps and activations
     * @param keys rotation steps used, each with the highest level it is used at
     */
    public record Layer(String name, String algorithm, long rotations, long hoisted, long plaintextMultiplies,
            long bootstraps, SortedMap<Integer, Long> bootstrapSlots, long activations, long plaintextBytes,
            double ms, double linearMs, SortedMap<Integer, Integer> keys) {}

    /**
     * The chosen plan.
     *
     * @param stemM m of the PR(m) layout the client packs the 48 polyphase input planes in
     * @param babySteps baby steps n1 of the block rotations (every layer)
     * @param blocks the eight basic blocks
     * @param levels input level, bootstrap places, convolution levels
     * @param layers the layers' figures, in order
     */
    public record Plan(int stemM, int babySteps, List<NetworkPlan.BlockPlan> blocks, ResNet20Planner.Levels levels,
            List<Layer> layers) {
        /** Every rotation step of the plan with the highest level it is used at. */
        public SortedMap<Integer, Integer> keyLevels() {
            SortedMap<Integer, Integer> all = new TreeMap<>();
            layers.forEach(l -> l.keys().forEach((s, lv) -> all.merge(s, lv, Math::max)));
            return all;
        }
    }

    /**
     * A planner for the chain of {@code params} (2^15 slots in 64 x 64 frames), bootstraps returning to
     * {@code topLevel}, at most {@code maxKeys} rotation keys for the network's layers.
     */
    public ResNet18Planner(Parameters params, CostModel model, int topLevel, int maxKeys) {
        this.params = params;
        this.model = model;
        this.maxKeys = maxKeys;
        if (params.slots() != 1 << 15) {
            throw new IllegalArgumentException("the ResNet-18 plan is laid out for 2^15 slots (N = 2^16), the chain "
                    + params.name() + " has " + params.slots());
        }
        this.frame = new Frame(FRAME_SIDE, FRAME_SIDE, params.slots());
        this.blocksPerCt = frame.blocks();
        this.formulas = new LayerFormulas(params, model, topLevel, blocksPerCt, frame.blockSize());
        double[][] w = new double[CLASSES][STAGE_CHANNELS[3]];
        for (double[] row : w) {
            Arrays.fill(row, 1);
        }
        this.head = new ClassifierHead(TensorLayout.channelAligned(frame, STAGE_CHANNELS[3], SIDES[3], SIDES[3],
                GAPS[3]), w, new double[CLASSES]);
    }

    public Frame frame() {
        return frame;
    }

    /** Levels and bootstrap places (see the class comment). */
    public ResNet20Planner.Levels levels() {
        return formulas.levels(BLOCKS, i -> geometry(i).downsample());
    }

    /** The geometry of block i (0 .. 7). */
    public static Geometry geometry(int i) {
        int s = i / BLOCKS_PER_STAGE;
        boolean down = i % BLOCKS_PER_STAGE == 0 && s > 0;
        int from = down ? s - 1 : s;
        return new Geometry(STAGE_CHANNELS[from], STAGE_CHANNELS[s], GAPS[from], GAPS[s], SIDES[s], down);
    }

    /** The name of block i: {@code layer1.0} .. {@code layer4.1}. */
    public static String name(int i) {
        return "layer" + (i / BLOCKS_PER_STAGE + 1) + "." + (i % BLOCKS_PER_STAGE);
    }

    /** The plan: levels, m and refills per block (DP on predicted time), the stem's m, then baby steps for keys. */
    public Plan plan() {
        ResNet20Planner.Levels lv = levels();
        List<NetworkPlan.BlockPlan> chosen = LayerFormulas.chooseBlocks(BLOCKS, this::options,
                i -> geometry(i).downsample(), (i, refilled, choice) -> ms(block(i, refilled, choice, lv)),
                refilled -> headLayer(refilled, lv.headLevel()).ms());
        int stemM = 1;
        for (int m0 = 2; m0 <= blocksPerCt; m0 *= 2) {
            if (stem(m0, 1, lv).ms() < stem(stemM, 1, lv).ms()) {
                stemM = m0;
            }
        }
        Plan bestPlan = null;
        int bestKeys = Integer.MAX_VALUE;
        for (int beta = 1; beta <= blocksPerCt; beta *= 2) {
            List<NetworkPlan.BlockPlan> blocks = LayerFormulas.withBabySteps(chosen, beta);
            Plan p = new Plan(stemM, beta, blocks, lv, layers(stemM, beta, blocks, lv));
            int keys = p.keyLevels().size();
            if (keys < bestKeys) {
                bestKeys = keys;
                bestPlan = p;
            }
        }
        if (bestKeys > maxKeys) {
            throw new IllegalStateException("the best ResNet-18 plan needs " + bestKeys + " rotation keys, more than"
                    + " the " + maxKeys + " allowed");
        }
        return bestPlan;
    }

    /** The choices for block i: every m, refills (in groups of up to g^2 ciphertexts) where the gap leaves room. */
    public List<NetworkPlan.BlockPlan> options(int i) {
        Geometry g = geometry(i);
        List<NetworkPlan.BlockPlan> out = new ArrayList<>();
        boolean room = g.gout() > 1;
        for (int m = 1; m <= blocksPerCt; m *= 2) {
            boolean mid = room && ceil(g.cout(), m) > 1, o = room && ceil(g.cout(), blocksPerCt) > 1;
            out.add(new NetworkPlan.BlockPlan(name(i), m, 1, 1, false, false));
            if (mid) {
                out.add(new NetworkPlan.BlockPlan(name(i), m, 1, 1, true, false));
            }
            if (o) {
                out.add(new NetworkPlan.BlockPlan(name(i), m, 1, 1, false, true));
            }
            if (mid && o) {
                out.add(new NetworkPlan.BlockPlan(name(i), m, 1, 1, true, true));
            }
        }
        return out;
    }

    /** The layers of a plan in order: stem, pool, each block's conv1, shortcut (if any) and conv2, head. */
    private List<Layer> layers(int stemM, int babySteps, List<NetworkPlan.BlockPlan> blocks,
            ResNet20Planner.Levels lv) {
        List<Layer> out = new ArrayList<>();
        out.add(stem(stemM, Math.min(babySteps, stemM), lv));
        out.add(pool(lv.conv1Level()[0]));
        for (int i = 0; i < BLOCKS; i++) {
            out.addAll(block(i, i > 0 && blocks.get(i - 1).refillOut(), blocks.get(i), lv));
        }
        out.add(headLayer(blocks.getLast().refillOut(), lv.headLevel()));
        return out;
    }

    /**
     * The stem: the client's 48 polyphase planes in PR(m0) at the input level, an RAConv to the 256 phase-major
     * channels (CA, 32 ciphertexts), their bootstraps (if the levels say) and activations.
     */
    public Layer stem(int m0, int babySteps, ResNet20Planner.Levels lv) {
        LayerFormulas.Tally t = new LayerFormulas.Tally();
        SortedMap<Integer, Integer> keys = new TreeMap<>();
        int l = lv.inputLevel(), nIn = ceil(stemInputChannels(), m0), nOut = ceil(stemOutputChannels(), blocksPerCt);
        formulas.convolution(t, l, nIn, nOut, m0, TAPS, 0);
        formulas.tapKeys(keys, 3, 1, FRAME_SIDE, l);
        formulas.blockKeys(keys, m0, babySteps, false, l);
        formulas.activate(t, lv.bootstrapBefore().getFirst(), l - 1, nOut, params.slots());
        return layer("stem", "polyphase 7x7/2 as RAConv PR(" + m0 + ")->CA n1=" + babySteps + ", 48->256 ch", t,
                keys);
    }

    /** Input planes of the polyphase stem: 16 per image channel. */
    public static int stemInputChannels() {
        return IMAGE_CHANNELS * PolyphaseStem.FACTOR * PolyphaseStem.FACTOR;
    }

    /** Output channels of the polyphase stem: 4 phases of each of the 64 channels. */
    public static int stemOutputChannels() {
        return 4 * STAGE_CHANNELS[0];
    }

    /** The average pool on the stem's phase groups at level l: 3 rotations per output ciphertext. */
    public Layer pool(int l) {
        LayerFormulas.Tally t = new LayerFormulas.Tally();
        int n = ceil(STAGE_CHANNELS[0], blocksPerCt);
        t.rotations += 3L * n;
        t.ms += 3 * n * model.rotation(params, l);
        SortedMap<Integer, Integer> keys = new TreeMap<>();
        formulas.key(keys, -GAPS[0], l);
        formulas.key(keys, -GAPS[0] * FRAME_SIDE, l);
        return layer("pool", "3x3/2 avg pool (replaces max pool) on phases", t, keys);
    }

    /**
     * Block i's layers with input refilled or not: conv1 (expansion, CAConv, refill, bootstraps and activations of
     * its output), the projection shortcut of a downsampling block, conv2 (expansion, RAConv, refill, bootstraps and
     * activations of the block output).
     */
    public List<Layer> block(int i, boolean inputRefilled, NetworkPlan.BlockPlan c, ResNet20Planner.Levels lv) {
        return block(i, geometry(i), inputRefilled, c, lv);
    }

    /**
     * As {@link #block(int, boolean, NetworkPlan.BlockPlan, ResNet20Planner.Levels)} on geometry g in block i's
     * place (its levels and bootstraps): the tests check the formulas on stage shapes with fewer channels.
     */
    public List<Layer> block(int i, Geometry g, boolean inputRefilled, NetworkPlan.BlockPlan c,
            ResNet20Planner.Levels lv) {
        int b = blocksPerCt, m = c.m(), w = FRAME_SIDE;
        int nX = ceil(g.cin(), b), nPr = ceil(g.cout(), m), nCa = ceil(g.cout(), b);
        int setsX = inputRefilled ? refillSets(nX, g.gin()) : 1;
        int setsMid = c.refillMid() ? refillSets(nPr, g.gout()) : 1;
        int setsOut = c.refillOut() ? refillSets(nCa, g.gout()) : 1;
        int l1 = lv.conv1Level()[i], l2 = lv.conv2Level()[i];
        List<Layer> out = new ArrayList<>();

        LayerFormulas.Tally t1 = new LayerFormulas.Tally();
        SortedMap<Integer, Integer> k1 = new TreeMap<>();
        formulas.expand(t1, l1, nX / setsX, setsX);
        for (int o : GapRefill.offsets(setsX, g.gin(), w)) {
            formulas.key(k1, o, l1);
        }
        formulas.convolution(t1, l1, nX, nPr, m, TAPS, formulas.caGatherSteps(m));
        formulas.tapKeys(k1, 3, g.gin(), w, l1);
        formulas.blockKeys(k1, m, c.caBabySteps(), true, l1);
        formulas.refill(t1, l1 - 1, nPr, nPr / setsMid);
        for (int o : GapRefill.offsets(setsMid, g.gout(), w)) {
            formulas.key(k1, -o, l1 - 1);
        }
        formulas.activate(t1, lv.bootstrapBefore().get(1 + 2 * i), l1 - 1, nPr / setsMid,
                formulas.bootstrapSlots(m));
        out.add(layer(name(i) + ".conv1", "CAConv CA->PR(" + m + ") n1=" + c.caBabySteps()
                + refilled(inputRefilled, "expand", nX, setsX) + refilled(c.refillMid(), "refill", nPr, setsMid), t1,
                k1));

        if (g.downsample()) {
            LayerFormulas.Tally ts = new LayerFormulas.Tally();
            SortedMap<Integer, Integer> ks = new TreeMap<>();
            formulas.convolution(ts, l1, nX, nCa, b, 1, 0);
            formulas.blockKeys(ks, b, Math.min(c.caBabySteps(), b), false, l1);
            out.add(layer(name(i) + ".shortcut", "1x1/2 projection CAConv CA->CA n1=" + c.caBabySteps(), ts, ks));
        }

        LayerFormulas.Tally t2 = new LayerFormulas.Tally();
        SortedMap<Integer, Integer> k2 = new TreeMap<>();
        formulas.expand(t2, l2, nPr / setsMid, setsMid);
        for (int o : GapRefill.offsets(setsMid, g.gout(), w)) {
            formulas.key(k2, o, l2);
        }
        formulas.convolution(t2, l2, nPr, nCa, m, TAPS, 0);
        formulas.tapKeys(k2, 3, g.gout(), w, l2);
        formulas.blockKeys(k2, m, c.raBabySteps(), false, l2);
        int outLevel = Math.min(l2 - 1, g.downsample() ? l1 - 1 : l1);
        formulas.refill(t2, outLevel, nCa, nCa / setsOut);
        for (int o : GapRefill.offsets(setsOut, g.gout(), w)) {
            formulas.key(k2, -o, outLevel);
        }
        formulas.activate(t2, lv.bootstrapBefore().get(2 + 2 * i), outLevel, nCa / setsOut, params.slots());
        out.add(layer(name(i) + ".conv2", "RAConv PR(" + m + ")->CA n1=" + c.raBabySteps()
                + refilled(c.refillMid(), "expand", nPr, setsMid) + refilled(c.refillOut(), "refill", nCa, setsOut),
                t2, k2));
        return out;
    }

    /**
     * Ciphertexts per refilled one for n ciphertexts at gap g (g >= 2): at most {@link #MAX_REFILL_SETS}, so that
     * the offsets (0, g/2, g/2 W, g/2 (W + 1)) are tap steps of the gap-g/2 convolutions and refilling needs no
     * rotation key of its own; 16 or 64 sets per ciphertext at gaps 4 and 8 would need one key per offset
     * (hundreds in all).
     */
    public static int refillSets(int n, int gap) {
        return Math.min(Math.min(n, gap * gap), MAX_REFILL_SETS);
    }

    private static String refilled(boolean on, String what, int n, int sets) {
        return on ? " " + what + " " + n + (what.equals("refill") ? "->" : "<-") + n / sets : "";
    }

    /**
     * The head at level l on the last block's output (512 channels of 7 x 7 at gap 8, CA, 64 ciphertexts; expanded
     * first if refilled): {@link ClassifierHead}'s pool per ciphertext and its linear layer to 1000 logits.
     */
    public Layer headLayer(boolean refilled, int l) {
        Geometry g = geometry(BLOCKS - 1);
        int n = ceil(g.cout(), blocksPerCt), sets = refilled ? refillSets(n, g.gout()) : 1;
        LayerFormulas.Tally t = new LayerFormulas.Tally();
        SortedMap<Integer, Integer> keys = new TreeMap<>();
        formulas.expand(t, l, n / sets, sets);
        for (int o : GapRefill.offsets(sets, g.gout(), FRAME_SIDE)) {
            formulas.key(keys, o, l);
        }
        var fc = head.fullyConnected().transform();
        long pool = (long) n * head.pool().rotationsPerCiphertext();
        t.rotations += pool + fc.giantRotations();
        t.hoisted += fc.hoistedRotations();
        t.plaintextMultiplies += fc.plaintextMultiplies();
        t.ms += pool * model.rotation(params, l);
        t.ms += n * model.hoistedBatch(params, l, fc.hoistedRotations() / n);
        t.ms += fc.giantRotations() * model.rotation(params, l);
        t.ms += fc.plaintextMultiplies() * model.plaintextMultiply(params, l);
        t.plaintextBytes += fc.plaintextMultiplies() * formulas.plaintextBytes(l) + formulas.plaintextBytes(l - 1);
        for (int s : head.rotationSteps()) {
            formulas.key(keys, s, l);
        }
        return layer("head", "avg pool + FC 512->1000 (ClassifierHead)" + refilled(refilled, "expand", n, sets), t,
                keys);
    }

    private Layer layer(String name, String algorithm, LayerFormulas.Tally t, SortedMap<Integer, Integer> keys) {
        return new Layer(name, algorithm, t.rotations + t.hoisted, t.hoisted, t.plaintextMultiplies, t.bootstraps,
                t.bootstrapSlots, t.activations, t.plaintextBytes, t.ms, t.ms - t.nonlinearMs, keys);
    }

    private static double ms(List<Layer> layers) {
        return layers.stream().mapToDouble(Layer::ms).sum();
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }
}
