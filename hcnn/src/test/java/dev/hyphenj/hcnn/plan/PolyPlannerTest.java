package dev.hyphenj.hcnn.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.io.Profiles;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The degree-2 planner on profiles/resnet20-cifar10-poly.json: both chains load (128-bit), every option's predicted
 * time is what a {@link CostMeter} run of {@link PolyResNet20} with those levels and bootstraps adds up
 * ({@link PolyPlanReport}), the levels fit the chains, the logits match, and the plan is the cheapest option.
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
        plan = planner().plan();
        for (PolyPlanner.Option o : plan.options()) {
            System.out.printf("%-12s input %2d after %s: %.1f + %.1f s%n", o.name(), o.inputLevel(),
                    o.bootstrapAfter(), o.linearMs() / 1000, o.bootstrapMs() / 1000);
        }
    }

    /**
     * The planner for random weights with both layer forms: the stem and act2 of stages 1 and 2 in the product form
     * (a zero a), every other layer a square (a of both signs).
     */
    private static PolyPlanner planner() {
        int[] forms = {2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1};
        return new PolyPlanner(leveled, bootstrapping, 16, CostModel.defaults(), 64,
                PlanReport.randomPolyWeights(5, forms).activations());
    }

    @Test
    void theChainsAreSecureAndLongEnough() {
        assertEquals(39, leveled.maxLevel());
        assertTrue(leveled.logQP() <= 1555 && bootstrapping.logQP() <= 1555,
                leveled.logQP() + " " + bootstrapping.logQP());
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
        PolyPlanReport report = new PolyPlanReport(PROFILE, planner(), CostModel.defaults(), 16);
        assertEquals(plan.options(), report.plan().options());
        for (PolyPlanReport.Figures f : report.figures()) {
            // the head's additions and rescales (about 2 ms) are not in its formula (ResNet20Planner.headCost)
            assertEquals(f.option().ms(), f.meteredMs(), 1e-4 * f.meteredMs(), f.option().name());
            assertTrue(f.maxLogitError() < 1e-9, f.option().name() + ": logit error " + f.maxLogitError());
            assertTrue(f.keyLevels().size() <= 64);
        }
        assertEquals(plan.chosen(), report.chosen().option());
    }
}
