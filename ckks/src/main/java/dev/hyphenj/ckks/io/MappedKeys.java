package dev.hyphenj.ckks.io;

import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.SwitchingKey;
import dev.hyphenj.ckks.io.SerializationException.Problem;
import dev.hyphenj.ntt.LimbAllocator;
import dev.hyphenj.ntt.RnsBasis;
import dev.hyphenj.ntt.RnsPoly;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Evaluation keys in a file laid out exactly as they are held in memory, so that loading them is a memory mapping
 * and slicing: no copying, no regeneration from seeds, and the operating system, not the heap, holds the keys (the
 * pages a computation touches still count in the process's resident set).
 *
 * <h2>Layout (type 8 of format version 1)</h2>
 * Little-endian throughout.
 * <pre>
 * header   := the header of every serialized object (see {@link Serializer}): magic, version, type 8,
 *             parameter hash, name, CRC32C of those fields
 *             keyCount  u32
 *             keyCount entries of 64 bytes: galoisElement u64 (0: relinearization), level u32, digits u32,
 *                                           seed 32 bytes, bOffset u64, aOffset u64
 *             headerCrc u32                CRC32C of every byte after the magic up to here
 *             zero bytes up to a multiple of 64
 * data     := per key, in table order, its b half at bOffset then its a half at aOffset; a half is the digits'
 *             polynomials one after another, each over Q_level and P, limb-major, N residues u32 per limb:
 *             NTT domain, Montgomery form, Galois keys pre-permuted, as the key-switching inner product reads them
 * trailer  := dataCrc u32                  CRC32C of the data
 * </pre>
 * Keys follow one another with no gaps, the relinearization key first, then the Galois keys by increasing element;
 * the data starts 64-byte aligned and every limb is a multiple of 64 bytes long (N >= 16), so every limb of the
 * mapping is 64-byte aligned, as allocated limbs are.
 *
 * <p>Mapping checks the header (magic, version, type, parameter hash, both header checksums, the table against
 * the layout) and the file's size, but reads no key data: pages are read when key switching first touches them.
 * {@link #verify} checks the data checksum on request. Malformed files give a {@link SerializationException} whose
 * one-line message starts with the file's name.
 */
public final class MappedKeys {
    private static final int ENTRY_BYTES = Long.BYTES + 2 * Integer.BYTES + Serializer.SEED_BYTES + 2 * Long.BYTES;
    private static final long ALIGNMENT = LimbAllocator.ALIGNMENT;
    /** CRC32C is computed over at most this many bytes at a time (a ByteBuffer holds at most 2^31 - 1). */
    private static final long CRC_CHUNK = 1L << 30;

    private MappedKeys() {}

    /** One key's entry in the header table. */
    private record Entry(long galoisElement, int level, int digits, byte[] seed, long bOffset, long aOffset) {}

    /** A validated header: the table, where the data starts, where the trailer is. */
    private record Layout(List<Entry> entries, long dataStart, long dataEnd) {}

    // ============================================================================================ writing

    /**
     * Writes every key of {@code keys} at its own level to {@code file}, laid out for mapping. The file is written as
     * {@code file.tmp} beside it and then moved over it, so that keys still mapped from an older file of that name
     * keep reading the older file.
     */
    public static void write(Path file, Parameters params, EvaluationKeys keys) throws IOException {
        write(file, params, keys, params.maxLevel());
    }

    /**
     * Writes every key of {@code keys} cut to the lower of its own level and {@code level} (as
     * {@link Serializer#write(OutputStream, Parameters, EvaluationKeys, KeyForm, int)} cuts them) to {@code file},
     * laid out for mapping and replaced atomically as by {@link #write(Path, Parameters, EvaluationKeys)}.
     */
    public static void write(Path file, Parameters params, EvaluationKeys keys, int level) throws IOException {
        if (params.n() * Integer.BYTES % ALIGNMENT != 0) {
            throw new IllegalArgumentException("mapped key files need N >= 16, so that limbs stay 64-byte aligned; '"
                    + params.name() + "' has N = " + params.n());
        }
        List<SwitchingKey> keyList = Serializer.keysInWritingOrder(params, keys, level);
        // written beside the file, then moved over it: rewriting a mapped file in place would pull pages from under
        // the keys mapped from it
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (OutputStream out = Serializer.newOutput(temporary)) {
                write(new BinaryOut(out), params, keyList, level);
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    private static void write(BinaryOut o, Parameters params, List<SwitchingKey> keyList, int level)
            throws IOException {
        Internals.Bridge br = Internals.bridge();
        Serializer.writeHeader(o, ObjectType.MAPPED_KEYS, params);
        o.writeInt(keyList.size());
        long dataStart = align(headerBytes(params, keyList.size())), next = dataStart;
        for (SwitchingKey k : keyList) {
            int cut = Math.min(level, k.level());
            long half = halfBytes(params, cut);
            o.writeLong(k.galoisElement());
            o.writeInt(cut);
            o.writeInt(params.dnum(cut));
            o.writeBytes(br.seed(k));
            o.writeLong(next);
            o.writeLong(next + half);
            next += 2 * half;
        }
        o.writeInt(o.checksum());
        o.writeBytes(new byte[(int) (dataStart - o.written())]);
        o.startChecksum();
        int pLimbs = params.pPrimes().length;
        for (SwitchingKey k : keyList) {
            int cut = Math.min(level, k.level());
            int qLimbs = params.primesAtLevel(cut), keyQ = params.primesAtLevel(k.level());
            for (RnsPoly[] half : new RnsPoly[][] {br.b(k), br.a(k)}) {
                for (int j = 0; j < params.dnum(cut); j++) {
                    Serializer.writeLimbs(o, half[j], 0, qLimbs);
                    Serializer.writeLimbs(o, half[j], keyQ, pLimbs);
                }
            }
        }
        o.writeInt(o.checksum());
        o.flush();
    }

    // ============================================================================================ mapping

    /**
     * Maps every key of {@code file}, written by {@link #write} for {@code params}. The keys read their residues
     * from the mapping; closing them unmaps the file.
     */
    public static EvaluationKeys map(Path file, Parameters params) throws IOException {
        return mapKeys(file, params, null);
    }

    /**
     * Maps the relinearization key of {@code file} (if it holds one) and the Galois keys for the given elements
     * only: the keys a computation needs. Throws an {@link IllegalArgumentException} naming the file if it lacks
     * one of them.
     */
    public static EvaluationKeys map(Path file, Parameters params, Set<Long> galoisElements) throws IOException {
        return mapKeys(file, params, Objects.requireNonNull(galoisElements, "galoisElements"));
    }

    /** Maps the relinearization key and the Galois keys for {@code galoisElements}, or every key if that is null. */
    private static EvaluationKeys mapKeys(Path file, Parameters params, Set<Long> galoisElements) throws IOException {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("mapped key files hold little-endian residues; this platform is "
                    + ByteOrder.nativeOrder());
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Layout layout = readLayout(file, channel, params);
            if (galoisElements != null) {
                requirePresent(file, layout, galoisElements);
            }
            MemorySegment mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            Internals.Bridge br = Internals.bridge();
            SwitchingKey relinearization = null;
            Map<Long, SwitchingKey> galois = new LinkedHashMap<>();
            for (Entry e : layout.entries) {
                if (e.galoisElement != 0 && galoisElements != null && !galoisElements.contains(e.galoisElement)) {
                    continue;
                }
                RnsBasis basis = params.basisQP(e.level);
                SwitchingKey key = br.newSwitchingKey(params, e.level, e.galoisElement, e.seed,
                        views(mapping, e.bOffset, basis, e.digits), views(mapping, e.aOffset, basis, e.digits));
                if (e.galoisElement == 0) {
                    relinearization = key;
                } else {
                    galois.put(e.galoisElement, key);
                }
            }
            return br.newEvaluationKeys(relinearization, galois, arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Checks the whole of {@code file} as {@link #map} would, and in addition the data checksum: reads every byte, so
     * a damaged key is found before it is used rather than giving wrong results.
     */
    public static void verify(Path file, Parameters params) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            Layout layout = readLayout(file, channel, params);
            MemorySegment mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            CRC32C crc = new CRC32C();
            for (long at = layout.dataStart; at < layout.dataEnd; at += CRC_CHUNK) {
                crc.update(mapping.asSlice(at, Math.min(CRC_CHUNK, layout.dataEnd - at)).asByteBuffer());
            }
            int stored = mapping.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), layout.dataEnd);
            if (stored != (int) crc.getValue()) {
                throw new SerializationException(Problem.CORRUPTED, String.format("%s: corrupted %s: the data checksum "
                        + "does not match (stored %08x, computed %08x): the keys were altered", file,
                        ObjectType.MAPPED_KEYS.label, stored, (int) crc.getValue()));
            }
        }
    }

    // ============================================================================================ internals

    /** Bytes of the header up to the end of the table's checksum, for {@code keys} keys. */
    private static long headerBytes(Parameters params, int keys) {
        return Serializer.headerBytes(params) + Integer.BYTES + (long) keys * ENTRY_BYTES + Integer.BYTES;
    }

    /** Bytes of one half (b or a) of a key at {@code level}: its digits' polynomials over Q_level and P. */
    private static long halfBytes(Parameters params, int level) {
        RnsBasis basis = params.basisQP(level);
        return params.dnum(level) * basis.size() * basis.limbBytes();
    }

    private static long align(long offset) {
        return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static RnsPoly[] views(MemorySegment mapping, long offset, RnsBasis basis, int digits) {
        long polyBytes = basis.size() * basis.limbBytes();
        RnsPoly[] polys = new RnsPoly[digits];
        for (int j = 0; j < digits; j++) {
            polys[j] = RnsPoly.view(basis, mapping.asSlice(offset + j * polyBytes, polyBytes));
        }
        return polys;
    }

    /**
     * Reads and checks the header from the start of {@code channel}, and the file's size against it. Every
     * {@link SerializationException} names the file.
     */
    private static Layout readLayout(Path file, FileChannel channel, Parameters params) throws IOException {
        try {
            // not closed: closing it would close the channel, which the caller maps next
            BinaryIn in = new BinaryIn(new BufferedInputStream(Channels.newInputStream(channel)));
            Serializer.readHeader(in, ObjectType.MAPPED_KEYS, params);
            int count = in.readInt("the key count", 0, params.n() + 1);
            in.field("the key table");
            byte[] table = new byte[count * ENTRY_BYTES];
            in.readFully(table, 0, table.length);
            int computed = in.checksum();
            in.field("the header checksum");
            if (in.readInt() != computed) {
                throw in.corrupted("the header checksum does not match");
            }
            Layout layout = parseTable(params, ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN), count,
                    align(in.bytesRead()));
            long size = channel.size(), expected = layout.dataEnd + Integer.BYTES;
            if (size < expected) {
                throw new SerializationException(Problem.TRUNCATED, "truncated " + ObjectType.MAPPED_KEYS.label
                        + ": the file has " + size + " bytes, its header describes " + expected);
            }
            if (size > expected) {
                throw corrupted("the file has " + size + " bytes, its header describes " + expected);
            }
            return layout;
        } catch (SerializationException e) {
            throw new SerializationException(e.problem(), file + ": " + e.getMessage(), e);
        }
    }

    /** The table's entries, checked against {@code params} and the layout: keys follow one another from dataStart. */
    private static Layout parseTable(Parameters params, ByteBuffer table, int count, long dataStart)
            throws SerializationException {
        List<Entry> entries = new ArrayList<>(count);
        Set<Long> elements = new HashSet<>();
        long next = dataStart;
        for (int i = 0; i < count; i++) {
            long k = table.getLong();
            int level = table.getInt(), digits = table.getInt();
            byte[] seed = new byte[Serializer.SEED_BYTES];
            table.get(seed);
            long b = table.getLong(), a = table.getLong();
            if (k != 0 && (k < 0 || k >= 2L * params.n() || k % 2 == 0)) {
                throw corrupted("key " + i + " has Galois element " + k + ", not 0 or odd in 1.."
                        + (2L * params.n() - 1));
            }
            if (!elements.add(k)) {
                throw corrupted("key " + i + " has Galois element " + k + ", which another key has");
            }
            if (level < 0 || level > params.maxLevel() || digits != params.dnum(level)) {
                throw corrupted("key " + i + " has level " + level + " and " + digits + " digits, not a level of 0.."
                        + params.maxLevel() + " with its number of digits");
            }
            long half = halfBytes(params, level);
            if (b != next || a != next + half) {
                throw corrupted("key " + i + " has its halves at bytes " + b + " and " + a + ", not " + next + " and "
                        + (next + half) + " where the layout puts them");
            }
            entries.add(new Entry(k, level, digits, seed, b, a));
            next += 2 * half;
        }
        return new Layout(entries, dataStart, next);
    }

    private static void requirePresent(Path file, Layout layout, Set<Long> galoisElements) {
        Set<Long> held = new HashSet<>();
        layout.entries.forEach(e -> held.add(e.galoisElement));
        for (long k : galoisElements) {
            if (k == 0 || !held.contains(k)) {
                throw new IllegalArgumentException(file + ": no Galois key for X -> X^" + k + " (the file holds "
                        + layout.entries.size() + " keys)");
            }
        }
    }

    private static SerializationException corrupted(String what) {
        return new SerializationException(Problem.CORRUPTED, "corrupted " + ObjectType.MAPPED_KEYS.label + ": " + what);
    }
}
