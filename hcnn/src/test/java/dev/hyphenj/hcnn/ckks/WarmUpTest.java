package dev.hyphenj.hcnn.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ntt.LimbAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server's warm-up on a small insecure set: it runs at every input level, gives back every limb, checks levels. */
class WarmUpTest {
    @Test
    void runsAtEveryInputLevelAndReturnsItsLimbs() {
        try (CkksTestKit kit = new CkksTestKit(6); EvaluationKeys keys = kit.keys(List.of(1, 2, 32, -1))) {
            for (int level : new int[] {1, 2, WarmUp.LOW_LEVEL, kit.params.maxLevel()}) {
                long live = LimbAllocator.shared().liveBlocks();
                assertTrue(WarmUp.run(kit.params, keys, level) > 0);
                assertEquals(live, LimbAllocator.shared().liveBlocks(), "limbs left live by the warm-up at level "
                        + level);
            }
        }
    }

    @Test
    void runsWithoutRotationKeys() {
        try (CkksTestKit kit = new CkksTestKit(3); EvaluationKeys keys = kit.keys(List.of())) {
            assertTrue(WarmUp.run(kit.params, keys, 3) > 0);
        }
    }

    @Test
    void refusesLevelsOutsideTheChain() {
        try (CkksTestKit kit = new CkksTestKit(3); EvaluationKeys keys = kit.keys(List.of(1))) {
            assertThrows(IllegalArgumentException.class, () -> WarmUp.run(kit.params, keys, 0));
            assertThrows(IllegalArgumentException.class, () -> WarmUp.run(kit.params, keys, 4));
        }
    }
}
