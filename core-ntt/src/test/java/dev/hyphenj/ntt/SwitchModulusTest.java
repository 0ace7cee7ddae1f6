package dev.hyphenj.ntt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Moving a limb to another prime, centered, against plain long arithmetic, in both kernel implementations. */
class SwitchModulusTest {
    @Test
    void centeredResidueMovesToTheOtherPrime() {
        int n = 1 << 10;
        long[] big = Primes.below(30, n, 2);
        long[] small = Primes.below(20, n, 1);
        long[][] pairs = {{big[0], big[1]}, {big[1], big[0]}, {big[0], small[0]}, {small[0], big[0]}};
        SplittableRandom rnd = new SplittableRandom(5);
        for (long[] pair : pairs) {
            long p = pair[0], q = pair[1];
            int[] x = new int[n];
            for (int i = 0; i < n; i++) {
                x[i] = (int) rnd.nextLong(p);
            }
            x[0] = 0;
            x[1] = (int) (p - 1) / 2;      // largest value taken as non-negative
            x[2] = (int) (p + 1) / 2;      // smallest value taken as negative
            x[3] = (int) p - 1;            // -1
            int[] expected = new int[n];
            for (int i = 0; i < n; i++) {
                long centered = x[i] > (p - 1) / 2 ? x[i] - p : x[i];
                expected[i] = (int) Math.floorMod(centered, q);
            }
            for (Kernels k : new Kernels[] {Kernels.vector(), Kernels.scalar()}) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment a = arena.allocate(4L * n, 64), out = arena.allocate(4L * n, 64);
                    MemorySegment.copy(x, 0, a, ValueLayout.JAVA_INT, 0, n);
                    k.switchModulus(a, Modulus.of(p), out, Modulus.of(q));
                    assertArrayEquals(expected, out.toArray(ValueLayout.JAVA_INT), k.name() + " " + p + " -> " + q);
                }
            }
        }
    }
}
