package dev.hyphenj.ckks.io;

import dev.hyphenj.ckks.Ciphertext;
import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.Plaintext;
import dev.hyphenj.ckks.PublicKey;
import dev.hyphenj.ckks.SecretDistribution;
import dev.hyphenj.ckks.SecretKey;
import dev.hyphenj.ckks.Security;
import dev.hyphenj.ckks.SwitchingKey;
import dev.hyphenj.ckks.io.SerializationException.Problem;
import dev.hyphenj.ntt.RnsBasis;
import dev.hyphenj.ntt.RnsPoly;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Reads and writes parameters, ciphertexts, plaintexts and keys in a versioned, streamed binary format.
 *
 * <h2>Format, version 1</h2>
 * All integers are little-endian; doubles are their IEEE-754 bits as a little-endian u64.
 * <pre>
 * object   := magic header body trailer
 * magic    := "HYPHENJ\0"                       8 bytes
 * header   := version    u32                    = 1
 *             type       u8                     1 parameters, 2 ciphertext, 3 plaintext, 4 secret key,
 *                                               5 public key, 6 switching key, 7 evaluation keys,
 *                                               8 mapped key file (laid out for mapping, see {@link MappedKeys})
 *             paramHash  32 bytes               Parameters.hash(): SHA-256 of what makes sets incompatible
 *             nameLength u16, name UTF-8        the parameter set's name, for messages
 *             headerCrc  u32                    CRC32C of the header fields above
 * trailer  := crc        u32                    CRC32C of every byte after the magic, header included
 *
 * poly     := limbCount u32, then limbCount limbs of N residues u32 each (NTT domain), limb 0 first
 *
 * body of
 *   parameters      := logN u32, levelCount u32, per level (count u32, primes u64...),
 *                      specialCount u32, special primes u64..., digitPrimes u32, logScale f64, logSlots u32,
 *                      hammingWeight u32 (0: uniform ternary), insecure u8
 *   ciphertext      := level u32, logSlots u32, scale f64, c0 poly, c1 poly          (over Q_level)
 *   plaintext       := level u32, logSlots u32, scale f64, poly                      (over Q_level)
 *   secret key      := s poly                                                        (over Q_max and P)
 *   public key      := b poly, a poly                                                (over Q_max)
 *   switching key   := form u8 (0 plain, 1 seeded), galoisElement u64 (0: relinearization), level u32,
 *                      digits u32, seed 32 bytes, then per digit b_j poly, and a_j poly if plain
 *                                                        (over Q_level and P, Montgomery form)
 *   evaluation keys := hasRelinearization u8, galoisCount u32, then that many switching-key bodies,
 *                      the relinearization key first, Galois keys by increasing element
 * </pre>
 * A switching key's {@code level} is the level it was written at: a key cut to a lower level keeps only the limbs of
 * Q_level and of P and the digits of that level ({@code dnum(level)}). Its seeded form regenerates each a_j from the
 * seed exactly as key generation made it (see {@code SwitchingKey.regenerateA}): the stream of limb i is numbered by
 * its place in the full Q_max, P basis, so a cut key regenerates the same limbs.
 *
 * <h2>Streaming</h2>
 * Limbs are copied through one 64 KiB chunk from and to off-heap memory; no object is ever held whole in a byte
 * array, and sizes are counted in {@code long}, so objects of any size (several GB) stream through. A reader
 * consumes exactly the object's bytes, so objects can follow one another on one stream.
 *
 * <h2>Errors</h2>
 * Every malformed input gives a {@link SerializationException} with a one-line message and a
 * {@link SerializationException.Problem}: not a HyPHEN-J object (magic), an unsupported version, the wrong object
 * type, an object made with other parameters (named, with both hashes), truncation (with the byte count and the
 * field it ended in), corruption (checksum, residue out of range, impossible field) or parameters this build
 * refuses. Writing an object that does not fit its parameters is an {@link IllegalArgumentException}.
 *
 * <p>The secret key is written only to a file the caller names ({@link #saveSecretKey}), created owner-only where
 * the file system has POSIX permissions; nothing here logs it. Checking that keys belong to a secret key (where the
 * caller holds it) is {@link KeyCheck}'s job.
 */
public final class Serializer {
    /** The format version this build writes and reads. */
    public static final int FORMAT_VERSION = 1;

    static final byte[] MAGIC = {'H', 'Y', 'P', 'H', 'E', 'N', 'J', 0};
    static final int HASH_BYTES = 32;
    static final int SEED_BYTES = 32;
    private static final int MAX_NAME_BYTES = 0xFFFF;
    private static final int MAX_LEVELS = 1 << 12;
    private static final int MAX_PRIMES = 1 << 12;
    private static final int FILE_BUFFER = 1 << 16;

    private Serializer() {}

    // ============================================================================================ writing

    /** Writes a parameter set. */
    public static void write(OutputStream out, Parameters params) throws IOException {
        Security published = publishedSecurity(params);
        if (!params.security().insecure() && !params.security().equals(published)) {
            throw new IllegalArgumentException("parameters '" + params.name() + "' carry a custom security claim ("
                    + params.security() + "); the format records only the published bound or 'insecure'");
        }
        BinaryOut o = new BinaryOut(out);
        writeHeader(o, ObjectType.PARAMETERS, params);
        o.writeInt(params.logN());
        o.writeInt(params.maxLevel() + 1);
        for (int l = 0; l <= params.maxLevel(); l++) {
            long[] primes = params.levelPrimes(l);
            o.writeInt(primes.length);
            for (long p : primes) {
                o.writeLong(p);
            }
        }
        long[] special = params.pPrimes();
        o.writeInt(special.length);
        for (long p : special) {
            o.writeLong(p);
        }
        o.writeInt(params.digitPrimes());
        o.writeDouble(params.logScale());
        o.writeInt(params.logSlots());
        o.writeInt(params.secret().hammingWeight());
        o.writeByte(params.security().insecure() ? 1 : 0);
        writeTrailer(o);
    }

    /** Writes a ciphertext made with {@code params}. */
    public static void write(OutputStream out, Parameters params, Ciphertext ct) throws IOException {
        requireOver("ciphertext", params, ct.level(), params.basisQ(ct.level()), ct.c0(), ct.c1());
        BinaryOut o = new BinaryOut(out);
        writeHeader(o, ObjectType.CIPHERTEXT, params);
        o.writeInt(ct.level());
        o.writeInt(ct.logSlots());
        o.writeDouble(ct.scale());
        writePoly(o, ct.c0());
        writePoly(o, ct.c1());
        writeTrailer(o);
    }

    /** Writes a plaintext encoded with {@code params}. */
    public static void write(OutputStream out, Parameters params, Plaintext pt) throws IOException {
        requireOver("plaintext", params, pt.level(), params.basisQ(pt.level()), pt.poly());
        BinaryOut o = new BinaryOut(out);
        writeHeader(o, ObjectType.PLAINTEXT, params);
        o.writeInt(pt.level());
        o.writeInt(pt.logSlots());
        o.writeDouble(pt.scale());
        writePoly(o, pt.poly());
        writeTrailer(o);
    }

    /** Writes a public key. */
    public static void write(OutputStream out, PublicKey pk) throws IOException {
        Internals.Bridge br = Internals.bridge();
        Parameters params = pk.parameters();
        BinaryOut o = new BinaryOut(out);
        writeHeader(o, ObjectType.PUBLIC_KEY, params);
        writePoly(o, br.publicB(pk));
        writePoly(o, br.publicA(pk));
        writeTrailer(o);
    }

    /** Writes a key-switching key seeded, at its own level. */
    public static void write(OutputStream out, SwitchingKey key) throws IOException {
        write(out, key, KeyForm.SEEDED, key.level());
    }

    /**
     * Writes a key-switching key in the given form, cut to {@code level} (at most the key's own level): only the
     * limbs of Q_level and P and the digits of that level are written, and the key read back switches ciphertexts
     * at levels up to {@code level}.
     */
    public static void write(OutputStream out, SwitchingKey key, KeyForm form, int level) throws IOException {
        checkCut(key, level);
        BinaryOut o = new BinaryOut(out);
        writeHeader(o, ObjectType.SWITCHING_KEY, key.parameters());
        writeSwitchingKeyBody(o, key, form, level);
        writeTrailer(o);
    }

    /** Writes evaluation keys seeded, each at its own level. */
    public static void write(OutputStream out, Parameters params, EvaluationKeys keys) throws IOException {
        write(out, params, keys, KeyForm.SEEDED, params.maxLevel());
    }

    /**
     * Writes evaluation keys in the given form, each cut to the lower of its own level and {@code level}: the
     * relinearization key first, then the Galois keys by increasing element.
     */
    public static void write(OutputStream out, Parameters params, EvaluationKeys keys, KeyForm form, int level)
            throws IOException {
        List<SwitchingKey> all = keysInWritingOrder(params, keys, level);
        BinaryOut o = new BinaryOut(out);
        writeHeader(o, ObjectType.EVALUATION_KEYS, params);
        o.writeByte(relinearizationOrNull(keys) != null ? 1 : 0);
        o.writeInt(keys.galoisKeys().size());
        for (SwitchingKey k : all) {
            writeSwitchingKeyBody(o, k, form, Math.min(level, k.level()));
        }
        writeTrailer(o);
    }

    // ============================================================================================ reading

    /**
     * Reads a parameter set and rebuilds it through {@link Parameters#builder}, which validates it again (the
     * security bound included: a set not marked insecure gets the published bound, whatever wrote it); its hash
     * must match the recorded one.
     */
    public static Parameters readParameters(InputStream input) throws IOException {
        BinaryIn in = new BinaryIn(input);
        Header h = readHeader(in, ObjectType.PARAMETERS, null);
        int logN = in.readInt("log2 N", 1, 30);
        int levelCount = in.readInt("the number of levels", 1, MAX_LEVELS);
        long[][] levels = new long[levelCount][];
        for (int l = 0; l < levelCount; l++) {
            int count = in.readInt("the prime count of level " + l, 1, MAX_PRIMES);
            levels[l] = new long[count];
            for (int i = 0; i < count; i++) {
                in.field("prime " + i + " of level " + l);
                levels[l][i] = in.readLong();
            }
        }
        int specialCount = in.readInt("the number of special primes", 1, MAX_PRIMES);
        long[] special = new long[specialCount];
        for (int i = 0; i < specialCount; i++) {
            in.field("special prime " + i);
            special[i] = in.readLong();
        }
        int digitPrimes = in.readInt("the digit size", 1, MAX_PRIMES);
        in.field("log2 scale");
        double logScale = in.readDouble();
        int logSlots = in.readInt("log2 slots", 0, 30);
        int hammingWeight = in.readInt("the secret's Hamming weight", 0, Integer.MAX_VALUE);
        int insecure = in.readInt8("the insecure flag", 0, 1);
        readTrailer(in);
        Parameters params;
        try {
            Parameters.Builder b = Parameters.builder(h.name).logN(logN).levels(levels).specialPrimes(special)
                    .digitPrimes(digitPrimes).logScale(logScale).logSlots(logSlots)
                    .secret(new SecretDistribution(hammingWeight));
            if (insecure == 1) {
                b.insecure();
            }
            params = b.build();
        } catch (IllegalArgumentException e) {
            throw new SerializationException(Problem.INVALID, "parameters in the input are refused: " + e.getMessage(),
                    e);
        }
        if (!Arrays.equals(params.hash(), h.hash)) {
            throw new SerializationException(Problem.CORRUPTED, "corrupted parameters: '" + h.name + "' rebuilds to hash "
                    + params.shortHash() + " but the input records " + shortHex(h.hash));
        }
        return params;
    }

    /** Reads a ciphertext; it must have been made with {@code params}. */
    public static Ciphertext readCiphertext(InputStream input, Parameters params) throws IOException {
        BinaryIn in = new BinaryIn(input);
        readHeader(in, ObjectType.CIPHERTEXT, params);
        int level = in.readInt("the level", 0, params.maxLevel());
        int logSlots = in.readInt("log2 slots", 0, params.logN() - 1);
        double scale = readScale(in);
        RnsBasis basis = params.basisQ(level);
        RnsPoly c0 = readPoly(in, basis, "c0", false);
        RnsPoly c1 = null;
        try {
            c1 = readPoly(in, basis, "c1", false);
            readTrailer(in);
            return new Ciphertext(c0, c1, level, scale, logSlots);
        } catch (IOException | RuntimeException e) {
            c0.close();
            if (c1 != null) {
                c1.close();
            }
            throw e;
        }
    }

    /** Reads a plaintext; it must have been encoded with {@code params}. */
    public static Plaintext readPlaintext(InputStream input, Parameters params) throws IOException {
        BinaryIn in = new BinaryIn(input);
        readHeader(in, ObjectType.PLAINTEXT, params);
        int level = in.readInt("the level", 0, params.maxLevel());
        int logSlots = in.readInt("log2 slots", 0, params.logN() - 1);
        double scale = readScale(in);
        RnsPoly poly = readPoly(in, params.basisQ(level), "the polynomial", false);
        try {
            readTrailer(in);
            return new Plaintext(poly, level, scale, logSlots);
        } catch (IOException | RuntimeException e) {
            poly.close();
            throw e;
        }
    }

    /** Reads a public key for {@code params}. */
    public static PublicKey readPublicKey(InputStream input, Parameters params) throws IOException {
        BinaryIn in = new BinaryIn(input);
        readHeader(in, ObjectType.PUBLIC_KEY, params);
        RnsBasis basis = params.basisQ(params.maxLevel());
        RnsPoly b = readPoly(in, basis, "b", false);
        RnsPoly a = null;
        try {
            a = readPoly(in, basis, "a", false);
            readTrailer(in);
            return Internals.bridge().newPublicKey(params, b, a);
        } catch (IOException | RuntimeException e) {
            b.close();
            if (a != null) {
                a.close();
            }
            throw e;
        }
    }

    /** Reads a key-switching key (plain or seeded, at whatever level it was cut to) for {@code params}. */
    public static SwitchingKey readSwitchingKey(InputStream input, Parameters params) throws IOException {
        BinaryIn in = new BinaryIn(input);
        readHeader(in, ObjectType.SWITCHING_KEY, params);
        SwitchingKey key = readSwitchingKeyBody(in, params, "the key");
        try {
            readTrailer(in);
            return key;
        } catch (IOException | RuntimeException e) {
            key.close();
            throw e;
        }
    }

    /** Reads evaluation keys for {@code params}. */
    public static EvaluationKeys readEvaluationKeys(InputStream input, Parameters params) throws IOException {
        BinaryIn in = new BinaryIn(input);
        readHeader(in, ObjectType.EVALUATION_KEYS, params);
        boolean hasRelin = in.readInt8("the relinearization flag", 0, 1) == 1;
        int galoisCount = in.readInt("the number of Galois keys", 0, params.n());
        SwitchingKey relin = null;
        Map<Long, SwitchingKey> galois = new LinkedHashMap<>();
        try {
            if (hasRelin) {
                relin = readSwitchingKeyBody(in, params, "the relinearization key");
                if (relin.galoisElement() != 0) {
                    throw in.corrupted("the relinearization key has Galois element " + relin.galoisElement());
                }
            }
            for (int i = 0; i < galoisCount; i++) {
                SwitchingKey k = readSwitchingKeyBody(in, params, "Galois key " + i);
                SwitchingKey old = galois.put(k.galoisElement(), k);
                if (old != null || k.galoisElement() == 0) {
                    if (old != null) {
                        old.close();
                    }
                    throw in.corrupted("Galois key " + i + " has element " + k.galoisElement()
                            + (old != null ? ", which another key has" : ""));
                }
            }
            readTrailer(in);
            return new EvaluationKeys(relin, galois);
        } catch (IOException | RuntimeException e) {
            if (relin != null) {
                relin.close();
            }
            galois.values().forEach(SwitchingKey::close);
            throw e;
        }
    }

    // ============================================================================================ files

    /** Writes the parameters to a file (replacing it). */
    public static void saveParameters(Path file, Parameters params) throws IOException {
        try (OutputStream out = newOutput(file)) {
            write(out, params);
        }
    }

    public static void save(Path file, Parameters params, Ciphertext ct) throws IOException {
        try (OutputStream out = newOutput(file)) {
            write(out, params, ct);
        }
    }

    public static void save(Path file, Parameters params, Plaintext pt) throws IOException {
        try (OutputStream out = newOutput(file)) {
            write(out, params, pt);
        }
    }

    public static void save(Path file, PublicKey pk) throws IOException {
        try (OutputStream out = newOutput(file)) {
            write(out, pk);
        }
    }

    public static void save(Path file, SwitchingKey key, KeyForm form, int level) throws IOException {
        try (OutputStream out = newOutput(file)) {
            write(out, key, form, level);
        }
    }

    public static void save(Path file, Parameters params, EvaluationKeys keys, KeyForm form, int level)
            throws IOException {
        try (OutputStream out = newOutput(file)) {
            write(out, params, keys, form, level);
        }
    }

    /**
     * Writes the secret key to the file the caller names (the client's key directory), replacing it; where the file
     * system has POSIX permissions the file is readable and writable by its owner only. This is the only way this
     * library writes a secret key.
     */
    public static void saveSecretKey(Path file, SecretKey sk) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                && file.getFileSystem() == FileSystems.getDefault()) {
            Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
            if (Files.exists(file)) {
                Files.setPosixFilePermissions(file, ownerOnly);
            } else {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
            }
        }
        Parameters params = sk.parameters();
        // unbuffered: no buffer but BinaryOut's chunk, which is wiped, holds the key's residues
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            BinaryOut o = new BinaryOut(out);
            try {
                writeHeader(o, ObjectType.SECRET_KEY, params);
                writePoly(o, Internals.bridge().secretPoly(sk));
                writeTrailer(o);
            } finally {
                o.wipe();
            }
        }
    }

    public static Parameters loadParameters(Path file) throws IOException {
        try (InputStream in = newInput(file)) {
            return requireEnd(in, file, readParameters(in));
        }
    }

    public static Ciphertext loadCiphertext(Path file, Parameters params) throws IOException {
        try (InputStream in = newInput(file)) {
            return requireEnd(in, file, readCiphertext(in, params));
        }
    }

    public static Plaintext loadPlaintext(Path file, Parameters params) throws IOException {
        try (InputStream in = newInput(file)) {
            return requireEnd(in, file, readPlaintext(in, params));
        }
    }

    public static PublicKey loadPublicKey(Path file, Parameters params) throws IOException {
        try (InputStream in = newInput(file)) {
            return requireEnd(in, file, readPublicKey(in, params));
        }
    }

    public static SwitchingKey loadSwitchingKey(Path file, Parameters params) throws IOException {
        try (InputStream in = newInput(file)) {
            return requireEnd(in, file, readSwitchingKey(in, params));
        }
    }

    public static EvaluationKeys loadEvaluationKeys(Path file, Parameters params) throws IOException {
        try (InputStream in = newInput(file)) {
            return requireEnd(in, file, readEvaluationKeys(in, params));
        }
    }

    /** Reads a secret key from the file the caller names; it must be for {@code params}. */
    public static SecretKey loadSecretKey(Path file, Parameters params) throws IOException {
        try (InputStream raw = Files.newInputStream(file)) {
            BinaryIn in = new BinaryIn(raw);
            try {
                readHeader(in, ObjectType.SECRET_KEY, params);
                RnsPoly s = readPoly(in, params.basisQP(params.maxLevel()), "s", true);
                SecretKey sk;
                try {
                    readTrailer(in);
                    sk = Internals.bridge().newSecretKey(params, s);
                } catch (IOException | RuntimeException e) {
                    s.clear();
                    s.close();
                    throw e;
                }
                return requireEnd(raw, file, sk); // closes (wipes) the key if bytes follow
            } finally {
                in.wipe();
            }
        }
    }

    // ============================================================================================ sizes

    /**
     * The exact number of bytes {@link #write(OutputStream, SwitchingKey, KeyForm, int)} writes for this key in this
     * form, cut to {@code level}.
     */
    public static long serializedBytes(SwitchingKey key, KeyForm form, int level) {
        checkCut(key, level);
        return headerBytes(key.parameters()) + bodyBytes(key, form, level) + Integer.BYTES;
    }

    private static long bodyBytes(SwitchingKey key, KeyForm form, int level) {
        Parameters params = key.parameters();
        long limbs = params.basisQP(level).size();
        long poly = Integer.BYTES + limbs * params.n() * Integer.BYTES;
        long perDigit = (form == KeyForm.PLAIN ? 2 : 1) * poly;
        return 1 + Long.BYTES + 2 * Integer.BYTES + SEED_BYTES + params.dnum(level) * perDigit;
    }

    /**
     * The exact number of bytes {@link #write(OutputStream, Parameters, EvaluationKeys, KeyForm, int)} writes for
     * these keys.
     */
    public static long serializedBytes(Parameters params, EvaluationKeys keys, KeyForm form, int level) {
        params.basisQ(level); // checks the level
        long total = headerBytes(params) + 1 + Integer.BYTES + Integer.BYTES;
        SwitchingKey relin = relinearizationOrNull(keys);
        if (relin != null) {
            total += bodyBytes(relin, form, Math.min(level, relin.level()));
        }
        for (SwitchingKey k : keys.galoisKeys().values()) {
            total += bodyBytes(k, form, Math.min(level, k.level()));
        }
        return total;
    }

    /** Bytes of the key plain and seeded at its own level, and cut to {@code cutLevel}. */
    public static KeySizes keySizes(SwitchingKey key, int cutLevel) {
        int l = key.level();
        return new KeySizes(l, serializedBytes(key, KeyForm.PLAIN, l), serializedBytes(key, KeyForm.SEEDED, l),
                cutLevel, serializedBytes(key, KeyForm.PLAIN, cutLevel), serializedBytes(key, KeyForm.SEEDED, cutLevel));
    }

    // ============================================================================================ internals

    record Header(ObjectType type, byte[] hash, String name) {}

    /** Bytes of the magic and header of an object made with {@code params}. */
    static long headerBytes(Parameters params) {
        return MAGIC.length + Integer.BYTES + 1 + HASH_BYTES + 2 + nameBytes(params).length + Integer.BYTES;
    }

    private static byte[] nameBytes(Parameters params) {
        byte[] name = params.name().getBytes(StandardCharsets.UTF_8);
        if (name.length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("parameter set name of " + name.length + " bytes exceeds "
                    + MAX_NAME_BYTES);
        }
        return name;
    }

    private static byte[] headerFields(int version, byte type, byte[] hash, byte[] name) {
        ByteBuffer buf = ByteBuffer.allocate(Integer.BYTES + 1 + HASH_BYTES + 2 + name.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(version).put(type).put(hash).putShort((short) name.length).put(name);
        return buf.array();
    }

    private static int crc32c(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b);
        return (int) crc.getValue();
    }

    /** Writes the magic and the header every object starts with, and starts the checksum after the magic. */
    static void writeHeader(BinaryOut o, ObjectType type, Parameters params) throws IOException {
        byte[] fields = headerFields(FORMAT_VERSION, type.code, params.hash(), nameBytes(params));
        o.writeBytes(MAGIC);
        o.startChecksum();
        o.writeBytes(fields);
        o.writeInt(crc32c(fields));
    }

    private static void writeTrailer(BinaryOut o) throws IOException {
        o.writeInt(o.checksum());
        o.flush();
    }

    /**
     * Reads the magic and the header of an object of type {@code expected}, made with {@code params} (null: any),
     * after starting the checksum after the magic.
     */
    static Header readHeader(BinaryIn in, ObjectType expected, Parameters params) throws IOException {
        in.label(expected.label);
        in.field("the magic bytes");
        byte[] magic = new byte[MAGIC.length];
        int got = in.readUpTo(magic, 0, magic.length);
        if (got == 0) {
            throw new SerializationException(Problem.TRUNCATED, "empty input where a " + expected.label
                    + " was expected");
        }
        if (!Arrays.equals(magic, 0, got, MAGIC, 0, got)) {
            throw new SerializationException(Problem.NOT_HYPHENJ, "not a HyPHEN-J object: the input starts with "
                    + HexFormat.ofDelimiter(" ").formatHex(magic, 0, got) + ", not the magic \"HYPHENJ\\0\"");
        }
        if (got < magic.length) {
            throw in.truncated();
        }
        in.startChecksum();
        in.field("the header");
        int version = in.readInt();
        if (version != FORMAT_VERSION) {
            throw new SerializationException(Problem.UNSUPPORTED_VERSION, "unsupported format version " + version
                    + " (this build reads version " + FORMAT_VERSION + ")");
        }
        byte typeCode = (byte) in.readByte();
        byte[] hash = new byte[HASH_BYTES];
        in.readFully(hash, 0, HASH_BYTES);
        byte[] name = new byte[in.readShort()];
        in.readFully(name, 0, name.length);
        int stored = in.readInt();
        if (stored != crc32c(headerFields(version, typeCode, hash, name))) {
            throw in.corrupted("the header checksum does not match");
        }
        String nameText = new String(name, StandardCharsets.UTF_8);
        ObjectType type = ObjectType.of(typeCode);
        if (type == null) {
            throw new SerializationException(Problem.WRONG_TYPE, "wrong object type: the input holds an object of "
                    + "unknown type " + typeCode + ", expected a " + expected.label);
        }
        if (type != expected) {
            throw new SerializationException(Problem.WRONG_TYPE, "wrong object type: the input holds a " + type.label
                    + ", expected a " + expected.label);
        }
        if (params != null && !Arrays.equals(hash, params.hash())) {
            throw new SerializationException(Problem.PARAMETER_MISMATCH, expected.label + " was made with parameters '"
                    + nameText + "' (hash " + shortHex(hash) + "), expected '" + params.name() + "' (hash "
                    + params.shortHash() + ")");
        }
        return new Header(type, hash, nameText);
    }

    private static void readTrailer(BinaryIn in) throws IOException {
        int computed = in.checksum();
        in.field("the checksum");
        int stored = in.readInt();
        if (stored != computed) {
            throw in.corrupted(String.format("checksum mismatch (stored %08x, computed %08x): the data was altered",
                    stored, computed));
        }
    }

    private static String shortHex(byte[] hash) {
        return HexFormat.of().formatHex(hash, 0, 8);
    }

    private static void writePoly(BinaryOut o, RnsPoly p) throws IOException {
        o.writeInt(p.limbCount());
        writeLimbs(o, p, 0, p.limbCount());
    }

    /** Writes {@code count} limbs of p from {@code first}, as part of a poly whose limb count was written. */
    static void writeLimbs(BinaryOut o, RnsPoly p, int first, int count) throws IOException {
        for (int l = first; l < first + count; l++) {
            o.writeInts(p.limb(l));
        }
    }

    private static RnsPoly readPoly(BinaryIn in, RnsBasis basis, String name, boolean secret) throws IOException {
        in.readInt("the limb count of " + name, basis.size(), basis.size());
        RnsPoly p = RnsPoly.allocate(basis);
        try {
            for (int l = 0; l < basis.size(); l++) {
                in.field("limb " + l + " of " + name);
                in.readResidues(p.limb(l), basis.prime(l));
            }
            return p;
        } catch (IOException | RuntimeException e) {
            if (secret) {
                p.clear();
            }
            p.close();
            throw e;
        }
    }

    private static double readScale(BinaryIn in) throws IOException {
        in.field("the scale");
        double scale = in.readDouble();
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw in.corrupted("the scale is " + scale + ", not a positive finite number");
        }
        return scale;
    }

    private static void writeSwitchingKeyBody(BinaryOut o, SwitchingKey key, KeyForm form, int level)
            throws IOException {
        Internals.Bridge br = Internals.bridge();
        Parameters params = key.parameters();
        byte[] seed = br.seed(key);
        if (seed.length != SEED_BYTES) {
            throw new IllegalStateException("a key seed has " + seed.length + " bytes, not " + SEED_BYTES);
        }
        int digits = params.dnum(level);
        int qLimbs = params.primesAtLevel(level), keyQ = params.primesAtLevel(key.level());
        int pLimbs = params.pPrimes().length;
        o.writeByte(form.code);
        o.writeLong(key.galoisElement());
        o.writeInt(level);
        o.writeInt(digits);
        o.writeBytes(seed);
        RnsPoly[] b = br.b(key), a = br.a(key);
        for (int j = 0; j < digits; j++) {
            for (RnsPoly p : form == KeyForm.PLAIN ? new RnsPoly[] {b[j], a[j]} : new RnsPoly[] {b[j]}) {
                o.writeInt(qLimbs + pLimbs);
                writeLimbs(o, p, 0, qLimbs);
                writeLimbs(o, p, keyQ, pLimbs);
            }
        }
    }

    private static SwitchingKey readSwitchingKeyBody(BinaryIn in, Parameters params, String what)
            throws IOException {
        int formCode = in.readInt8("the form of " + what, 0, 255);
        KeyForm form = KeyForm.of(formCode);
        if (form == null) {
            throw in.corrupted(what + " has unknown form " + formCode);
        }
        in.field("the Galois element of " + what);
        long galoisElement = in.readLong();
        if (galoisElement != 0 && (galoisElement < 0 || galoisElement >= 2L * params.n() || galoisElement % 2 == 0)) {
            throw in.corrupted(what + " has Galois element " + galoisElement + ", not 0 or odd in 1.."
                    + (2L * params.n() - 1));
        }
        int level = in.readInt("the level of " + what, 0, params.maxLevel());
        int digits = params.dnum(level);
        in.readInt("the digit count of " + what, digits, digits);
        in.field("the seed of " + what);
        byte[] seed = new byte[SEED_BYTES];
        in.readFully(seed, 0, SEED_BYTES);
        RnsBasis basis = params.basisQP(level);
        Internals.Bridge br = Internals.bridge();
        RnsPoly[] b = new RnsPoly[digits], a = new RnsPoly[digits];
        try {
            for (int j = 0; j < digits; j++) {
                b[j] = readPoly(in, basis, "b[" + j + "] of " + what, false);
                a[j] = form == KeyForm.PLAIN ? readPoly(in, basis, "a[" + j + "] of " + what, false)
                        : br.regenerateA(params, level, galoisElement, seed, j);
            }
            return br.newSwitchingKey(params, level, galoisElement, seed, b, a);
        } catch (IOException | RuntimeException e) {
            for (RnsPoly[] polys : new RnsPoly[][] {b, a}) {
                for (RnsPoly p : polys) {
                    if (p != null) {
                        p.close();
                    }
                }
            }
            throw e;
        }
    }

    /**
     * The keys of a set in the order they are written, the relinearization key first, then the Galois keys by
     * increasing element; throws if {@code level} is not a level of {@code params} or a key was made with others.
     */
    static List<SwitchingKey> keysInWritingOrder(Parameters params, EvaluationKeys keys, int level) {
        SwitchingKey relin = relinearizationOrNull(keys);
        List<SwitchingKey> all = new ArrayList<>();
        if (relin != null) {
            all.add(relin);
        }
        all.addAll(keys.galoisKeys().values()); // a TreeMap: increasing element
        params.basisQ(level); // checks the level
        for (SwitchingKey k : all) {
            requireSameParameters(k.toString(), k.parameters(), params);
        }
        return all;
    }

    private static void checkCut(SwitchingKey key, int level) {
        if (level < 0 || level > key.level()) {
            throw new IllegalArgumentException(key + " cannot be written at level " + level + ": a key can be cut to "
                    + "levels 0.." + key.level() + " only");
        }
    }

    private static void requireOver(String what, Parameters params, int level, RnsBasis basis, RnsPoly... polys) {
        for (RnsPoly p : polys) {
            if (!p.basis().equals(basis)) {
                throw new IllegalArgumentException(what + " at level " + level + " is not over Q_" + level + " of '"
                        + params.name() + "'");
            }
        }
    }

    private static void requireSameParameters(String what, Parameters have, Parameters want) {
        if (have != want && !Arrays.equals(have.hash(), want.hash())) {
            throw new IllegalArgumentException(what + " was made with parameters '" + have.name() + "', not '"
                    + want.name() + "'");
        }
    }

    private static SwitchingKey relinearizationOrNull(EvaluationKeys keys) {
        try {
            return keys.relinearization();
        } catch (IllegalStateException none) {
            return null;
        }
    }

    private static Security publishedSecurity(Parameters params) {
        try {
            return Security.bound128(params.logN(), params.secret());
        } catch (IllegalArgumentException none) {
            return null;
        }
    }

    static OutputStream newOutput(Path file) throws IOException {
        return new BufferedOutputStream(Files.newOutputStream(file), FILE_BUFFER);
    }

    private static InputStream newInput(Path file) throws IOException {
        return new BufferedInputStream(Files.newInputStream(file), FILE_BUFFER);
    }

    /** For whole files: the object must end where the file does. */
    private static <T extends AutoCloseable> T requireEnd(InputStream in, Path file, T object) throws IOException {
        if (in.read() != -1) {
            try {
                object.close();
            } catch (Exception ignored) {
                // closing a freshly read object does not fail
            }
            throw new SerializationException(Problem.CORRUPTED, "corrupted file " + file + ": bytes follow the end of "
                    + "the object");
        }
        return object;
    }

    private static Parameters requireEnd(InputStream in, Path file, Parameters params) throws IOException {
        if (in.read() != -1) {
            throw new SerializationException(Problem.CORRUPTED, "corrupted file " + file + ": bytes follow the end of "
                    + "the parameters");
        }
        return params;
    }
}
