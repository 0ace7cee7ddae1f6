package dev.hyphenj.hcnn.npy;

import static dev.hyphenj.hcnn.npy.NpyBytes.floats;
import static dev.hyphenj.hcnn.npy.NpyBytes.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @Test
    void readsTheTypesTheDataUses() throws IOException {
        NpyArray f4 = Npy.parse(npy("<f4", "(2, 3)", floats(1, 2, 3, 4, 5, -6.5f)), "t");
        assertArrayEquals(new int[] {2, 3}, f4.shape());
        assertArrayEquals(new double[] {4, 5, -6.5}, f4.as2d()[1]);
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(Math.PI).putDouble(-1e-300);
        assertArrayEquals(new double[] {Math.PI, -1e-300}, Npy.parse(npy("<f8", "(2,)", d.array()), "t").data());
        NpyArray u1 = Npy.parse(npy("|u1", "(1, 1, 1, 3)", new byte[] {0, (byte) 200, (byte) 255}), "t");
        assertArrayEquals(new double[] {0, 200, 255}, u1.as4d()[0][0][0]);
        ByteBuffer l = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-3);
        assertArrayEquals(new double[] {-3}, Npy.parse(npy("<i8", "()", l.array()), "t").data());
        assertEquals("(2,)", Npy.parse(npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
                floats(1, 2)), "t").shapeString());
    }

    @Test
    void malformedInputGivesAClearError() {
        assertError("not a NumPy .npy file", "hello world, not numpy".getBytes(StandardCharsets.US_ASCII));
        assertError("needs 24 data bytes, found 20", npy("<f4", "(2, 3)", floats(1, 2, 3, 4, 5)));
        assertError("needs 8 data bytes, found 12", npy("<f4", "(2,)", floats(1, 2, 3)));
        assertError("unsupported dtype '>f4'", npy(">f4", "(1,)", floats(1)));
        assertError("unsupported dtype '<c16'", npy("<c16", "(1,)", floats(1)));
        assertError("Fortran-order", npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", floats(1)));
        assertError("no valid 'shape'", npy(1, "{'descr': '<f4', 'fortran_order': False, }", floats(1)));
        assertError("malformed shape", npy("<f4", "(2, x)", floats(1, 2)));
        assertError("unsupported .npy format version 7", npy(7, "{}", new byte[0]));
        byte[] ok = npy("<f4", "(2,)", floats(1, 2));
        assertError("truncated header", Arrays.copyOf(ok, 40));
    }

    private static void assertError(String expected, byte[] bytes) {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.parse(bytes, "bad.npy"));
        assertTrue(e.getMessage().startsWith("bad.npy: ") && e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void readsNpzArchives(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("w.npz");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("b.weight.npy"));
            zip.write(npy("<f4", "(3,)", floats(1, 2, 3)));
            zip.putNextEntry(new ZipEntry("a.npy"));
            zip.write(npy("<f4", "(1,)", floats(7)));
        }
        Map<String, NpyArray> arrays = Npz.read(file);
        assertEquals(List.of("b.weight", "a"), List.copyOf(arrays.keySet()));
        assertArrayEquals(new double[] {1, 2, 3}, arrays.get("b.weight").data());

        Path notZip = dir.resolve("bad.npz");
        Files.write(notZip, "not a zip".getBytes(StandardCharsets.US_ASCII));
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(notZip));
        assertTrue(e.getMessage().contains("not a valid .npz"), e.getMessage());

        Path badEntry = dir.resolve("entry.npz");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write("garbage".getBytes(StandardCharsets.US_ASCII));
        }
        Files.write(badEntry, bytes.toByteArray());
        e = assertThrows(NpyFormatException.class, () -> Npz.read(badEntry));
        assertTrue(e.getMessage().contains("entry.npz:x.npy: not a NumPy .npy file"), e.getMessage());
    }
}
