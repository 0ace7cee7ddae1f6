package dev.hyphenj.ckks.io;

import dev.hyphenj.ckks.io.SerializationException.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Little-endian reader from a stream, the counterpart of {@link BinaryOut}: a running CRC32C since
 * {@link #startChecksum()}, limbs through one reusable chunk, and a clear {@link SerializationException} when the
 * input ends early, naming the object and the field being read. It reads exactly the bytes it is asked for and no
 * more, so several objects can follow each other on one stream.
 */
final class BinaryIn {
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final InputStream in;
    private final byte[] chunk = new byte[BinaryOut.CHUNK];
    private final MemorySegment chunkSegment = MemorySegment.ofArray(chunk);
    private final byte[] small = new byte[8];
    private final CRC32C crc = new CRC32C();
    private boolean checksumming;
    private long read;
    /** The object being read, for messages ("ciphertext"). */
    private String label = "object";
    /** The field being read, for messages ("limb 3 of c1"). */
    private String field = "the header";

    BinaryIn(InputStream in) {
        this.in = in;
    }

    long bytesRead() {
        return read;
    }

    void label(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** Names the field about to be read, for the message if the input ends inside it. */
    void field(String field) {
        this.field = field;
    }

    void startChecksum() {
        crc.reset();
        checksumming = true;
    }

    int checksum() {
        return (int) crc.getValue();
    }

    /** Reads up to len bytes; returns how many (fewer only at the end of the input). */
    int readUpTo(byte[] b, int off, int len) throws IOException {
        int got = in.readNBytes(b, off, len);
        if (checksumming) {
            crc.update(b, off, got);
        }
        read += got;
        return got;
    }

    void readFully(byte[] b, int off, int len) throws IOException {
        if (readUpTo(b, off, len) < len) {
            throw truncated();
        }
    }

    SerializationException truncated() {
        return new SerializationException(Problem.TRUNCATED, "truncated " + label + ": the input ends after " + read
                + " bytes, inside " + field);
    }

    SerializationException corrupted(String what) {
        return new SerializationException(Problem.CORRUPTED, "corrupted " + label + ": " + what + " (at byte " + read
                + ")");
    }

    int readByte() throws IOException {
        readFully(small, 0, 1);
        return small[0] & 0xFF;
    }

    int readShort() throws IOException {
        readFully(small, 0, 2);
        return (small[0] & 0xFF) | (small[1] & 0xFF) << 8;
    }

    int readInt() throws IOException {
        readFully(small, 0, 4);
        int v = 0;
        for (int i = 3; i >= 0; i--) {
            v = v << 8 | (small[i] & 0xFF);
        }
        return v;
    }

    long readLong() throws IOException {
        readFully(small, 0, 8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (small[i] & 0xFF);
        }
        return v;
    }

    double readDouble() throws IOException {
        return Double.longBitsToDouble(readLong());
    }

    /** An int in [min, max], else the input is corrupted. */
    int readInt(String what, int min, int max) throws IOException {
        field(what);
        int v = readInt();
        if (v < min || v > max) {
            throw corrupted(what + " is " + v + ", outside " + min + ".." + max);
        }
        return v;
    }

    /** A byte in [min, max], else the input is corrupted. */
    int readInt8(String what, int min, int max) throws IOException {
        field(what);
        int v = readByte();
        if (v < min || v > max) {
            throw corrupted(what + " is " + v + ", outside " + min + ".." + max);
        }
        return v;
    }

    /**
     * Fills {@code segment} (native order, as limbs are held) with little-endian ints from the input, each of which
     * must be a residue in [0, prime).
     */
    void readResidues(MemorySegment segment, long prime) throws IOException {
        long ints = segment.byteSize() / Integer.BYTES;
        for (long done = 0; done < ints; ) {
            int count = (int) Math.min(ints - done, BinaryOut.CHUNK / Integer.BYTES);
            readFully(chunk, 0, count * Integer.BYTES);
            for (int i = 0; i < count; i++) {
                int v = chunkSegment.getAtIndex(LE_INT, i);
                if (Integer.toUnsignedLong(v) >= prime) {
                    throw corrupted(field + " holds " + Integer.toUnsignedLong(v) + ", not a residue modulo " + prime);
                }
            }
            MemorySegment.copy(chunkSegment, LE_INT, 0, segment, ValueLayout.JAVA_INT_UNALIGNED, done * Integer.BYTES,
                    count);
            done += count;
        }
    }

    /** Overwrites the chunk (after reading secret material through it). */
    void wipe() {
        Arrays.fill(chunk, (byte) 0);
    }
}
