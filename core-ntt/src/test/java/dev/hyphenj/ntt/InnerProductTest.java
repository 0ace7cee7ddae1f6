package dev.hyphenj.ntt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The key-switching inner product (key operands in Montgomery form) against plain long arithmetic, with digit counts
 * on both sides of the vector kernel's reduction group ({@code VectorKernels.IP_GROUP} = 8) and limbs shorter and
 * longer than its chunk.
 */
class InnerProductTest {
    @ParameterizedTest(name = "N = {0}, {1} digits")
    @CsvSource({"16, 3", "64, 7", "1024, 1", "1024, 3", "1024, 7", "4096, 2", "4096, 8", "2048, 9", "1024, 17"})
    void sumsOfProductsModQ(int n, int digits) {
        long q = Primes.below(30, n, 1)[0];
        Modulus m = Modulus.of(q);
        SplittableRandom rnd = new SplittableRandom(n * 31L + digits);
        int[][] x = new int[digits][n], w = new int[digits][n], wm = new int[digits][n], v = new int[digits][n],
                vm = new int[digits][n];
        for (int j = 0; j < digits; j++) {
            for (int c = 0; c < n; c++) {
                x[j][c] = c == 0 ? (int) q - 1 : (int) rnd.nextLong(q); // include the largest residue
                w[j][c] = c == 0 ? (int) q - 1 : (int) rnd.nextLong(q);
                v[j][c] = (int) rnd.nextLong(q);
                wm[j][c] = ModArith.toMontgomery(w[j][c], q); // the kernel takes the key operands so
                vm[j][c] = ModArith.toMontgomery(v[j][c], q);
            }
        }
        int[] want0 = new int[n], want1 = new int[n];
        for (int c = 0; c < n; c++) {
            long s0 = 0, s1 = 0;
            for (int j = 0; j < digits; j++) {
                s0 = (s0 + (long) x[j][c] * w[j][c]) % q;
                s1 = (s1 + (long) x[j][c] * v[j][c]) % q;
            }
            want0[c] = (int) s0;
            want1[c] = (int) s1;
        }
        for (Kernels k : new Kernels[] {Kernels.vector(), Kernels.scalar()}) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment acc0 = arena.allocate(4L * n, 64), acc1 = arena.allocate(4L * n, 64);
                k.innerProduct(segments(arena, x), segments(arena, wm), segments(arena, vm), acc0, acc1, m);
                assertArrayEquals(want0, acc0.toArray(ValueLayout.JAVA_INT), k.name() + " first sum");
                assertArrayEquals(want1, acc1.toArray(ValueLayout.JAVA_INT), k.name() + " second sum");
            }
        }
    }

    private static MemorySegment[] segments(Arena arena, int[][] rows) {
        MemorySegment[] s = new MemorySegment[rows.length];
        for (int j = 0; j < rows.length; j++) {
            s[j] = arena.allocate(4L * rows[j].length, 64);
            MemorySegment.copy(rows[j], 0, s[j], ValueLayout.JAVA_INT, 0, rows[j].length);
        }
        return s;
    }
}
