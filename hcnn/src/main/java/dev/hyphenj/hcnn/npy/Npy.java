package dev.hyphenj.hcnn.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the NumPy {@code .npy} format: the magic {@code \x93NUMPY}, a version (1.0 with a 2-byte header length;
 * 2.0 and 3.0 with 4 bytes), a Python dict literal header with {@code descr}, {@code fortran_order} and
 * {@code shape}, then the raw data. Supported: little-endian {@code f4 f8 i1 u1 i2 u2 i4 u4 i8}, C order.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** Reads a {@code .npy} file. */
    public static NpyArray read(Path file) throws IOException {
        return parse(Files.readAllBytes(file), file.toString());
    }

    /** Parses the bytes of a {@code .npy} file; {@code source} names it in error messages. */
    public static NpyArray parse(byte[] bytes, String source) throws NpyFormatException {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new NpyFormatException(source, "not a NumPy .npy file (no \\x93NUMPY magic)");
        }
        int major = bytes[6];
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).position(8);
        long headerLength;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(buf.getShort());
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new NpyFormatException(source, "truncated header");
            }
            headerLength = Integer.toUnsignedLong(buf.getInt());
        } else {
            throw new NpyFormatException(source, "unsupported .npy format version " + major + "." + bytes[7]);
        }
        int dataStart = buf.position();
        if (dataStart + headerLength > bytes.length) {
            throw new NpyFormatException(source, "truncated header: " + headerLength + " bytes announced, "
                    + (bytes.length - dataStart) + " present");
        }
        String header = new String(bytes, dataStart, (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = find(DESCR, header, "descr", source);
        if (find(FORTRAN, header, "fortran_order", source).equals("True")) {
            throw new NpyFormatException(source, "Fortran-order arrays are not supported");
        }
        int[] shape = parseShape(find(SHAPE, header, "shape", source), source);
        long count = 1;
        for (int d : shape) {
            count = Math.multiplyExact(count, d);
        }
        ElementType type = elementType(descr, source);
        buf.position(dataStart + (int) headerLength);
        long expected = count * type.size;
        if (buf.remaining() != expected) {
            throw new NpyFormatException(source, "shape " + shapeString(shape) + " of " + descr + " needs " + expected
                    + " data bytes, found " + buf.remaining());
        }
        double[] data = new double[(int) count];
        for (int i = 0; i < data.length; i++) {
            data[i] = type.reader.applyAsDouble(buf);
        }
        return new NpyArray(descr, shape, data);
    }

    /** A shape as NumPy prints it: (), (10,), (16, 3, 3, 3). */
    static String shapeString(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", ", "(", ")"));
    }

    private static ElementType elementType(String descr, String source) throws NpyFormatException {
        if (descr.length() == 3 && (descr.charAt(0) == '<' || descr.charAt(0) == '|')) {
            for (ElementType t : ElementType.values()) {
                if (t.name().equalsIgnoreCase(descr.substring(1))) {
                    return t;
                }
            }
        }
        throw new NpyFormatException(source, "unsupported dtype '" + descr
                + "' (little-endian f4, f8, i1, u1, i2, u2, i4, u4, i8 are supported)");
    }

    /** The element types read, by their NumPy code without the byte-order character. */
    private enum ElementType {
        F4(4, ByteBuffer::getFloat),
        F8(8, ByteBuffer::getDouble),
        I1(1, ByteBuffer::get),
        U1(1, b -> Byte.toUnsignedInt(b.get())),
        I2(2, ByteBuffer::getShort),
        U2(2, b -> Short.toUnsignedInt(b.getShort())),
        I4(4, ByteBuffer::getInt),
        U4(4, b -> Integer.toUnsignedLong(b.getInt())),
        I8(8, ByteBuffer::getLong);

        final int size;
        final ToDoubleFunction<ByteBuffer> reader;

        ElementType(int size, ToDoubleFunction<ByteBuffer> reader) {
            this.size = size;
            this.reader = reader;
        }
    }

    private static String find(Pattern p, String header, String key, String source) throws NpyFormatException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new NpyFormatException(source, "header has no valid '" + key + "' entry: " + header.strip());
        }
        return m.group(1);
    }

    private static int[] parseShape(String text, String source) throws NpyFormatException {
        String[] parts = text.split(",");
        int n = parts.length;
        if (n > 0 && parts[n - 1].isBlank()) {
            n--;
        }
        int[] shape = new int[n];
        for (int i = 0; i < n; i++) {
            try {
                shape[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new NpyFormatException(source, "malformed shape (" + text + ")");
            }
            if (shape[i] < 0) {
                throw new NpyFormatException(source, "negative dimension in shape (" + text + ")");
            }
        }
        return shape;
    }
}
