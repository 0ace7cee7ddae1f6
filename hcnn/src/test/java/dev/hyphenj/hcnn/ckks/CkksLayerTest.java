package dev.hyphenj.hcnn.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.ChebyshevPolynomial;
import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.hcnn.TestTensors;
import dev.hyphenj.hcnn.conv.CAConv;
import dev.hyphenj.hcnn.conv.RAConv;
import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.head.ClassifierHead;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.layout.TensorLayout;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The CKKS check: one CAConv, one activation (a degree-7 polynomial through evaluatePolynomial), one RAConv
 * and the classifier head (pooling and FC) on RNS-CKKS (small insecure set: N = 2^12, 2048 slots, 7 one-prime levels
 * at 2^30) match the slot simulator on the same inputs within the CKKS precision, stage by stage and for every
 * slot. The Galois keys are exactly the steps the simulator's run lists. Three images run through one evaluator: the
 * later ones find all their plaintexts in the cache (the first two also warm the JIT up; the third shows the
 * steady-state time).
 *
 * <p>Shapes: 8 channels of 8 x 8 in 8 x 8 frames (32 blocks): CA in one ciphertext, CAConv to PR(8) (replicated
 * 4 times), ReLU approximation, RAConv back to 8 channels aligned as CA (replicated 4 times, so every slot of a plane
 * holds a value), then global average pooling and 8 -> 10 FC.
 */
class CkksLayerTest {
    private static final Frame FRAME = new Frame(8, 8, 1 << 11);
    private static final int LEVELS = 7;
    /** Images run through one evaluator: the first two warm the JIT up, the third shows the steady state. */
    private static final int IMAGES = 3;

    /** The stages' outputs, in order: CAConv, activation, RAConv, head. Releases everything else. */
    private static <C> List<List<C>> pipeline(HeEvaluator<C> ev, List<C> x, CAConv ca,
            List<ChebyshevPolynomial> act, RAConv ra, ClassifierHead head, long[] nanos) {
        List<List<C>> out = new ArrayList<>();
        long t = System.nanoTime();
        List<C> y1 = ca.apply(ev, x);
        nanos[0] += System.nanoTime() - t;
        t = System.nanoTime();
        List<C> y2 = y1.stream().map(c -> ev.evaluatePolynomial(c, act)).toList();
        nanos[1] += System.nanoTime() - t;
        t = System.nanoTime();
        List<C> y3 = ra.apply(ev, y2);
        nanos[2] += System.nanoTime() - t;
        t = System.nanoTime();
        C y4 = head.apply(ev, y3);
        nanos[3] += System.nanoTime() - t;
        out.add(y1);
        out.add(y2);
        out.add(y3);
        out.add(List.of(y4));
        return out;
    }

    /** The Chebyshev interpolant of degree d of ReLU on [-b, b] (d + 1 Chebyshev nodes). */
    static ChebyshevPolynomial reluInterpolant(double b, int d) {
        int n = d + 1;
        double[] c = new double[n];
        for (int k = 0; k < n; k++) {
            double sum = 0;
            for (int j = 0; j < n; j++) {
                double theta = Math.PI * (j + 0.5) / n;
                sum += Math.max(0, b * Math.cos(theta)) * Math.cos(k * theta);
            }
            c[k] = (k == 0 ? 1.0 : 2.0) * sum / n;
        }
        return new ChebyshevPolynomial(-b, b, c);
    }

    @Test
    void layersOnCkksMatchTheSimulator() {
        Random rnd = new Random(2025);
        TensorLayout in = TensorLayout.channelAligned(FRAME, 8, 8, 8, 1);
        CAConv ca = new CAConv(TestTensors.convolution(rnd, 8, 8, 3, 1), in, 8);
        RAConv ra = new RAConv(TestTensors.convolution(rnd, 8, 8, 3, 1), ca.outputLayout());
        double[][] fcW = new double[10][8];
        double[] fcB = new double[10];
        for (int o = 0; o < 10; o++) {
            for (int i = 0; i < 8; i++) {
                fcW[o][i] = rnd.nextDouble(-1, 1);
            }
            fcB[o] = rnd.nextDouble(-1, 1);
        }
        ClassifierHead head = new ClassifierHead(ra.outputLayout(), fcW, fcB);
        List<double[][][]> images = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            images.add(TestTensors.tensor(rnd, 8, 8, 8));
        }

        // the activation bound: 1.5 x the largest |x| the simulator sees before the activation
        double largest = 0;
        for (double[][][] x : images) {
            SlotSimulator probe = new SlotSimulator(FRAME.slots());
            List<SimCiphertext> y = ca.apply(probe, in.pack(x).stream().map(probe::encrypt).toList());
            for (SimCiphertext c : y) {
                for (double v : probe.decrypt(c)) {
                    largest = Math.max(largest, Math.abs(v));
                }
            }
        }
        List<ChebyshevPolynomial> act = List.of(reluInterpolant(Math.ceil(1.5 * largest), 7));

        // the simulator's run: the reference values and the rotation steps
        List<List<List<double[]>>> reference = new ArrayList<>();
        OpCounts simCounts = null;
        for (double[][][] x : images) {
            SlotSimulator sim = new SlotSimulator(FRAME.slots());
            List<List<SimCiphertext>> stages = pipeline(sim, in.pack(x).stream().map(sim::encrypt).toList(), ca, act,
                    ra, head, new long[4]);
            reference.add(decryptAll(stages, sim::decrypt));
            simCounts = sim.counts();
            assertEquals(LEVELS, stages.get(3).getFirst().levelsUsed());
        }
        System.out.printf("simulator, one image: %s%n  steps %s%n", simCounts.summary(),
                simCounts.rotationSteps().keySet());

        try (CkksTestKit kit = new CkksTestKit(LEVELS)) {
            long t0 = System.nanoTime();
            EvaluationKeys keys = kit.keys(simCounts.rotationSteps().keySet());
            long keyNanos = System.nanoTime() - t0;
            System.out.printf("CKKS %s: %d Galois keys + relinearization, %.1f MiB, generated in %.0f ms%n",
                    kit.params.name(), keys.galoisKeys().size(), keys.memoryBytes() / 1048576.0, keyNanos / 1e6);
            PlaintextCache cache = new PlaintextCache(64L << 20);
            CkksHeEvaluator ev = new CkksHeEvaluator(kit.params, keys, cache);
            String[] names = {"CAConv 8->8 m=8", "activation deg 7", "RAConv 8->8", "pool + FC 8->10"};
            OpCounts before = ev.counts();
            PlaintextCache.Stats afterFirst = null;
            for (int img = 0; img < images.size(); img++) {
                long[] nanos = new long[4];
                List<CkksCiphertext> input = in.pack(images.get(img)).stream().map(v -> ev.wrap(kit.encrypt(v)))
                        .toList();
                List<List<CkksCiphertext>> stages = pipeline(ev, input, ca, act, ra, head, nanos);
                List<List<double[]>> got = decryptAll(stages, c -> kit.decrypt(ev.ciphertext(c)));
                System.out.printf("image %d on CKKS (%.0f ms):%n", img,
                        (nanos[0] + nanos[1] + nanos[2] + nanos[3]) / 1e6);
                for (int s = 0; s < 4; s++) {
                    CkksTestKit.Bits bits = CkksTestKit.Bits.of(got.get(s), reference.get(img).get(s));
                    System.out.printf("  %-18s %7.1f ms  vs simulator: %s%n", names[s], nanos[s] / 1e6, bits);
                    // within the CKKS precision at scale 2^30: every slot within 2^-16 of the values' range,
                    // 2^-18 on average
                    double range = Math.log(bits.largestValue()) / Math.log(2);
                    assertTrue(bits.worst() >= 16 - range, names[s] + ": " + bits);
                    assertTrue(bits.mean() >= 18 - range, names[s] + ": " + bits);
                }
                double[] logits = head.decode(got.get(3).getFirst());
                double[] want = head.decode(reference.get(img).get(3).getFirst());
                for (int o = 0; o < logits.length; o++) {
                    assertEquals(want[o], logits[o], 1e-3, "image " + img + " logit " + o);
                }
                CkksCiphertext result = stages.get(3).getFirst();
                assertEquals(0, result.level(), "all " + LEVELS + " levels used");
                assertEquals(LEVELS, result.levelsUsed());
                assertEquals(kit.params.scale(), result.scale(), kit.params.scale() * 0x1p-30, "scale back at 2^30");
                stages.forEach(l -> l.forEach(ev::release));
                input.forEach(ev::release);
                if (img == 0) {
                    afterFirst = cache.stats();
                    System.out.println("  " + afterFirst.summary());
                }
            }
            PlaintextCache.Stats stats = cache.stats();
            System.out.println("after " + IMAGES + " images: " + stats.summary());
            assertEquals(afterFirst.misses(), stats.misses(), "later images encode nothing");
            assertEquals(0, stats.evictions());
            assertTrue(stats.hits() >= afterFirst.hits() + (IMAGES - 1) * afterFirst.misses());
            OpCounts c = ev.counts().since(before);
            assertEquals(0, c.liveCiphertexts(), "leaked ciphertexts");
            // the CKKS run counts exactly what the simulator counted, per image
            assertEquals(IMAGES * simCounts.rotations(), c.rotations());
            assertEquals(IMAGES * simCounts.hoistedRotations(), c.hoistedRotations());
            assertEquals(IMAGES * simCounts.plaintextMultiplies(), c.plaintextMultiplies());
            assertEquals(IMAGES * simCounts.rescales(), c.rescales());
            assertEquals(simCounts.rotationSteps().keySet(), c.rotationSteps().keySet());
            System.out.println("CKKS counts, " + IMAGES + " images: " + c.summary());
            ev.timings().forEach((op, t) -> System.out.printf("  %-18s %5d calls %8.1f ms%n", op, t.calls(),
                    t.millis()));
            keys.close();
        }
    }

    private static <C> List<List<double[]>> decryptAll(List<List<C>> stages, Function<C, double[]> decrypt) {
        List<List<double[]>> out = new ArrayList<>();
        for (List<C> s : stages) {
            out.add(s.stream().map(decrypt).toList());
        }
        return out;
    }
}
