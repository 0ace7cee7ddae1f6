package dev.hyphenj.ntt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The block-shuffle automorphism of the vector kernels against the index map applied element by element. */
class VectorAutomorphismTest {
    @ParameterizedTest
    @ValueSource(ints = {4, 6, 10, 16})
    void blockShuffleEqualsIndexMap(int logN) {
        int n = 1 << logN;
        SplittableRandom rnd = new SplittableRandom(logN);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextInt(1 << 30);
        }
        for (int k : new int[] {1, 3, 5, 25, 2 * n - 1, 2 * n - 5}) {
            int[] index = Automorphism.nttIndex(n, k);
            int[] expected = new int[n];
            for (int i = 0; i < n; i++) {
                expected[i] = a[index[i]];
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment in = arena.allocate(4L * n, 64), out = arena.allocate(4L * n, 64);
                MemorySegment.copy(a, 0, in, ValueLayout.JAVA_INT, 0, n);
                for (Kernels kernels : new Kernels[] {Kernels.vector(), Kernels.scalar()}) {
                    kernels.automorphismNtt(in, k, out);
                    assertArrayEquals(expected, out.toArray(ValueLayout.JAVA_INT), kernels.name() + ", k = " + k);
                }
                Kernels.vector().automorphismNtt(in, k, in); // in place
                assertArrayEquals(expected, in.toArray(ValueLayout.JAVA_INT), "in place, k = " + k);
            }
        }
    }
}
