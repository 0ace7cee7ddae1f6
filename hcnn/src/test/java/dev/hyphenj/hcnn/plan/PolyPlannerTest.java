package dev.hyphenj.hcnn.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.io.Profiles;
import dev.hyphenj.hcnn.eval.NetworkHooks;
import dev.hyphenj.hcnn.layout.Frame;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The degree-2 planner on profiles/resnet20-cifar10-poly.json: both chains load (128-bit), every option's predicted
 * time is what a {@link CostMeter} run of {@link PolyResNet20} with those levels and bootstraps adds up, the levels
 * fit the chains, and the plan is the cheapest option.
 */
class PolyPlannerTest {
    private static final String PROFILE = "resnet20-cifar10-poly";
    private static Parameters leveled;
    private static Parameters bootstrapping;
    private static PolyPlanner.Plan plan;

    @BeforeAll
    static void plan() {
        bootstrapping = Profiles.parameters(PROFILE);
        @SuppressWarnings("unchecked")
        Map<String, Object> l = (Map<String, Object>) Profiles.read(PROFILE).get("leveledParameters");
        leveled = Profiles.parameters(l, PROFILE);
        plan = new PolyPlanner(leveled, bootstrapping, 16, CostModel.defaults(), 64).plan();
        for (PolyPlanner.Option o : plan.options()) {
            System.out.printf("%-12s input %2d after %s: %.1f + %.1f s%n", o.name(), o.inputLevel(),
                    o.bootstrapAfter(), o.linearMs() / 1000, o.bootstrapMs() / 1000);
        }
    }

    @Test
    void theChainsAreSecureAndLongEnough() {
        assertEquals(39, leveled.maxLevel());
        assertTrue(leveled.logQP() <= 1555 && bootstrapping.logQP() <= 1555, leveled.logQP() + " " + bootstrapping.logQP());
        assertEquals(128, leveled.security().bits());
        assertEquals("leveled", plan.options().getFirst().name());
        assertEquals(39, plan.options().getFirst().inputLevel());
    }

    @Test
    void theCheapestOptionIsChosen() {
        for (PolyPlanner.Option o : plan.options()) {
            assertTrue(plan.chosen().ms() <= o.ms());
        }
        assertEquals(plan.chosen().inputLevel(), plan.layout().inputLevel());
        assertTrue(plan.options().size() >= 3, "the leveled run and at least two bootstrap counts fit");
    }

    @Test
    void predictionsAreWhatTheMeterAddsUp() {
        for (PolyPlanner.Option o : plan.options()) {
            double metered = meter(o);
            // the head's additions and rescales (about 2 ms) are not in its formula (ResNet20Planner.headCost)
            assertEquals(o.ms(), metered, 1e-4 * metered, o.name());
        }
    }

    /** The option's run on the simulator under a meter with measured bootstraps: its predicted milliseconds. */
    private static double meter(PolyPlanner.Option o) {
        ResNet20Weights w = PlanReport.randomPolyWeights(11);
        Map<Integer, double[]> scales = new HashMap<>();
        for (int a : o.bootstrapAfter()) {
            int n = a == 0 ? 16 : w.blocks().get((a - 1) / 2).conv2().outChannels();
            double[] ones = new double[n];
            Arrays.fill(ones, 1);
            scales.put(a, ones);
        }
        Frame frame = new Frame(32, 32, o.params().slots());
        PolyResNet20 net = new PolyResNet20(w, frame, plan.layout(), scales);
        SlotSimulator sim = new SlotSimulator(o.params().slots());
        CostMeter<SimCiphertext> meter = new CostMeter<>(sim, o.params(), CostModel.defaults(),
                o.params() == leveled ? leveled.maxLevel() : 16, true);
        Random rnd = new Random(3);
        double[][][] image = new double[3][32][32];
        for (double[][] plane : image) {
            for (double[] row : plane) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = rnd.nextDouble() - 0.5;
                }
            }
        }
        List<SimCiphertext> input = net.inputLayout().pack(image).stream()
                .map(v -> meter.enter(sim.encrypt(v), o.inputLevel())).toList();
        NetworkHooks<SimCiphertext> hooks = new NetworkHooks<>() {
            @Override
            public SimCiphertext activate(SimCiphertext x) {
                throw new UnsupportedOperationException();
            }

            @Override
            public SimCiphertext bootstrap(SimCiphertext x, int slots) {
                return meter.bootstrap(x, slots);
            }
        };
        meter.release(net.logits(meter, hooks, input));
        assertEquals(o.bootstraps(), meter.snapshot().bootstraps(), o.name());
        return meter.snapshot().ms();
    }
}
