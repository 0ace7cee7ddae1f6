package dev.hyphenj.hcnn.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.hcnn.TestTensors;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TensorLayoutTest {
    private static final Frame CIFAR = new Frame(32, 32, 1 << 15);

    @Test
    void frameGeometry() {
        assertEquals(1024, CIFAR.blockSize());
        assertEquals(32, CIFAR.blocks());
        assertThrows(IllegalArgumentException.class, () -> new Frame(30, 30, 1 << 15));
    }

    @Test
    void roundTripsEveryLayoutAndGap() {
        Random rnd = new Random(1);
        int[][] shapes = {{3, 32, 32, 1}, {16, 32, 32, 1}, {32, 16, 16, 2}, {64, 8, 8, 4}, {5, 10, 7, 3}};
        for (int[] s : shapes) {
            double[][][] t = TestTensors.tensor(rnd, s[0], s[1], s[2]);
            for (int m = 1; m <= CIFAR.blocks(); m *= 2) {
                TensorLayout layout = TensorLayout.replicated(CIFAR, s[0], s[1], s[2], s[3], m);
                List<double[]> packed = layout.pack(t);
                assertEquals((s[0] + m - 1) / m, packed.size(), layout.toString());
                double[][][] back = layout.unpack(packed);
                for (int c = 0; c < s[0]; c++) {
                    for (int y = 0; y < s[1]; y++) {
                        assertArrayEquals(t[c][y], back[c][y], layout.toString());
                    }
                }
            }
        }
    }

    @Test
    void placesChannelsAndPositionsAsDesignSays() {
        // PR(4) of 6 channels 8x8 at gap 2: ciphertext 1, block b holds channel 4 + b mod 4 (channels 6, 7 absent)
        TensorLayout layout = TensorLayout.replicated(CIFAR, 6, 8, 8, 2, 4);
        assertEquals(8, layout.replication());
        assertEquals(2, layout.ciphertexts());
        double[][][] t = new double[6][8][8];
        for (int c = 0; c < 6; c++) {
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    t[c][y][x] = 1000 * (c + 1) + 10 * y + x;
                }
            }
        }
        List<double[]> packed = layout.pack(t);
        for (int j = 0; j < 2; j++) {
            double[] v = packed.get(j);
            for (int b = 0; b < 32; b++) {
                int c = j * 4 + b % 4;
                for (int off = 0; off < 1024; off++) {
                    int y = off / 32, x = off % 32;
                    boolean valid = c < 6 && y % 2 == 0 && x % 2 == 0 && y < 16 && x < 16;
                    double expected = valid ? 1000 * (c + 1) + 10 * (y / 2) + x / 2 : 0;
                    assertEquals(expected, v[b * 1024 + off], "ct " + j + " block " + b + " offset " + off);
                }
            }
        }
        assertEquals(-1, layout.channelAt(1, 2));
        assertTrue(TensorLayout.channelAligned(CIFAR, 16, 32, 32, 1).isChannelAligned());
    }

    @Test
    void rejectsLayoutsThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> TensorLayout.replicated(CIFAR, 16, 32, 32, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> TensorLayout.replicated(CIFAR, 16, 16, 16, 3, 4));
        assertThrows(IllegalArgumentException.class, () -> TensorLayout.channelAligned(CIFAR, 0, 8, 8, 1));
        TensorLayout l = TensorLayout.channelAligned(CIFAR, 16, 8, 8, 1);
        assertThrows(IllegalArgumentException.class, () -> l.pack(new double[15][8][8]));
        assertThrows(IllegalArgumentException.class, () -> l.unpack(List.of()));
    }
}
