package dev.hyphenj.ckks.io;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Little-endian writer onto a stream, with a running CRC32C of everything written since {@link #startChecksum()}.
 * Limbs go through one reusable chunk, so no object is ever held whole in a byte array: memory stays at the chunk
 * size whatever the object's size. Nothing is written ahead or buffered beyond a call: each call hands its bytes
 * to the stream before it returns.
 */
final class BinaryOut {
    /** Chunk size: 64 KiB, a multiple of 4. */
    static final int CHUNK = 1 << 16;
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final OutputStream out;
    private final byte[] chunk = new byte[CHUNK];
    private final MemorySegment chunkSegment = MemorySegment.ofArray(chunk);
    private final byte[] small = new byte[8];
    private final CRC32C crc = new CRC32C();
    private boolean checksumming;
    private long written;

    BinaryOut(OutputStream out) {
        this.out = out;
    }

    /** Bytes written so far. */
    long written() {
        return written;
    }

    void startChecksum() {
        crc.reset();
        checksumming = true;
    }

    /** The CRC32C of the bytes written since {@link #startChecksum()}. */
    int checksum() {
        return (int) crc.getValue();
    }

    void writeBytes(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        if (checksumming) {
            crc.update(b, off, len);
        }
        written += len;
    }

    void writeBytes(byte[] b) throws IOException {
        writeBytes(b, 0, b.length);
    }

    void writeByte(int v) throws IOException {
        small[0] = (byte) v;
        writeBytes(small, 0, 1);
    }

    void writeShort(int v) throws IOException {
        small[0] = (byte) v;
        small[1] = (byte) (v >>> 8);
        writeBytes(small, 0, 2);
    }

    void writeInt(int v) throws IOException {
        for (int i = 0; i < 4; i++) {
            small[i] = (byte) (v >>> (8 * i));
        }
        writeBytes(small, 0, 4);
    }

    void writeLong(long v) throws IOException {
        for (int i = 0; i < 8; i++) {
            small[i] = (byte) (v >>> (8 * i));
        }
        writeBytes(small, 0, 8);
    }

    void writeDouble(double v) throws IOException {
        writeLong(Double.doubleToRawLongBits(v));
    }

    /** Writes the ints of {@code segment} (native order, as limbs are held) little-endian, chunk by chunk. */
    void writeInts(MemorySegment segment) throws IOException {
        long ints = segment.byteSize() / Integer.BYTES;
        for (long done = 0; done < ints; ) {
            int count = (int) Math.min(ints - done, CHUNK / Integer.BYTES);
            MemorySegment.copy(segment, ValueLayout.JAVA_INT_UNALIGNED, done * Integer.BYTES, chunkSegment, LE_INT, 0,
                    count);
            writeBytes(chunk, 0, count * Integer.BYTES);
            done += count;
        }
    }

    /** Overwrites the chunk (after writing secret material through it). */
    void wipe() {
        Arrays.fill(chunk, (byte) 0);
    }

    void flush() throws IOException {
        out.flush();
    }
}
