package dev.hyphenj.hcnn.npy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds .npy file contents for tests. */
public final class NpyBytes {
    private NpyBytes() {}

    /** A .npy file as NumPy writes it: version 1.0, header padded with spaces to a multiple of 64 bytes. */
    public static byte[] npy(String descr, String shape, byte[] data) {
        return npy(1, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }", data);
    }

    public static byte[] npy(int major, String dict, byte[] data) {
        int lengthBytes = major == 1 ? 2 : 4;
        StringBuilder header = new StringBuilder(dict);
        while ((10 + lengthBytes - 2 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] h = header.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(8 + lengthBytes + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) h.length);
        } else {
            b.putInt(h.length);
        }
        return b.put(h).put(data).array();
    }

    public static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }
}
