package dev.hyphenj.hcnn.ckks;

import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.Plaintext;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Encoded plaintexts kept under a byte budget, least recently used first out (DESIGN 5, "weights in the paper's
 * reduced footprint"): the layers hand real slot vectors to the evaluator, which encodes them at the level and scale
 * of the ciphertext they meet; this cache keeps the encodings so that a layer run for several images encodes each
 * weight vector once, and never holds more than the budget (a plaintext larger than the whole budget is encoded,
 * used and dropped).
 *
 * <p><b>Keys.</b> An entry is found by the content of the vector (a 128-bit hash of its values, not its identity:
 * the layers build their weight vectors afresh on every call), the level and the scale, the scale rounded to a
 * relative 2^-32. A hit may thus return a plaintext whose scale differs from the one asked by up to 2^-32 relative;
 * the evaluator uses the plaintext's own scale ({@link Plaintext#scale()}), so results stay exactly tracked. Two
 * different vectors sharing a hash (about 2^-128 for any pair) would be confused: the hash is not cryptographic,
 * which is fine for weights the server itself owns.
 *
 * <p><b>Policies.</b> {@link Policy#LRU} (the default) evicts the least recently used entries to make room. A
 * network run image after image reads its weight plaintexts in the same cycle every time; with a budget below that
 * cycle's total, LRU evicts every entry before its next use and never hits. {@link Policy#RETAIN} keeps what it
 * holds and encodes what does not fit on every use, so the part that fits hits on every image (a hit rate of about
 * budget / total in that pattern).
 *
 * <p><b>Leases.</b> {@link #acquire} returns a lease; close it once the plaintext has been used. An entry evicted
 * while leased is closed when its last lease closes, so a plaintext is never freed under a caller. Thread-safe.
 */
public final class PlaintextCache {
    /** The cache key: hash of the values, their count, the level and the rounded scale. */
    private record Key(long hash1, long hash2, int length, int level, long scale) {}

    private static final class Entry {
        final Plaintext plaintext;
        final long bytes;
        int leases;
        boolean evicted;

        Entry(Plaintext plaintext, long bytes) {
            this.plaintext = plaintext;
            this.bytes = bytes;
        }
    }

    /**
     * Counts since the cache was made.
     *
     * @param hits requests served from the cache
     * @param misses requests that encoded (including those too large to keep)
     * @param uncached misses whose plaintext was not kept (larger than the budget, or no room under RETAIN)
     * @param evictions entries dropped to stay within the budget
     * @param entries plaintexts held now
     * @param bytes bytes of the plaintexts held now
     * @param peakBytes the most bytes held at any time
     * @param budgetBytes the budget
     * @param encodeNanos time spent encoding (misses)
     */
    public record Stats(long hits, long misses, long uncached, long evictions, int entries, long bytes, long peakBytes,
            long budgetBytes, long encodeNanos) {
        /** Hits over requests (0 without requests). */
        public double hitRate() {
            long requests = hits + misses;
            return requests == 0 ? 0 : (double) hits / requests;
        }

        /** One line for logs. */
        public String summary() {
            return String.format("plaintext cache: %d hits, %d misses (%.1f%% hits), %d evictions, %d uncached, "
                    + "%d entries, %.1f MiB held (peak %.1f MiB, budget %.1f MiB), %.1f ms encoding", hits, misses,
                    100 * hitRate(), evictions, uncached, entries, bytes / 1048576.0, peakBytes / 1048576.0,
                    budgetBytes / 1048576.0, encodeNanos / 1e6);
        }
    }

    /** A plaintext in use: close it when done (the plaintext must not be used after). */
    public static final class Lease implements AutoCloseable {
        private final PlaintextCache cache;
        private final Entry entry;
        private boolean closed;

        private Lease(PlaintextCache cache, Entry entry) {
            this.cache = cache;
            this.entry = entry;
        }

        public Plaintext plaintext() {
            if (closed) {
                throw new IllegalStateException("plaintext lease used after close");
            }
            return entry.plaintext;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                cache.release(entry);
            }
        }
    }

    /** What to do when a new plaintext does not fit the budget. */
    public enum Policy {
        /** Evict the least recently used entries until it fits. */
        LRU,
        /** Keep the entries held; use the new plaintext uncached. */
        RETAIN
    }

    private final long budget;
    private final Policy policy;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes, peakBytes, hits, misses, uncached, evictions, encodeNanos;

    /** An LRU cache of at most {@code budgetBytes} bytes of plaintexts (0: encode every time, keep nothing). */
    public PlaintextCache(long budgetBytes) {
        this(budgetBytes, Policy.LRU);
    }

    /** A cache of at most {@code budgetBytes} bytes of plaintexts with the given policy. */
    public PlaintextCache(long budgetBytes, Policy policy) {
        if (budgetBytes < 0) {
            throw new IllegalArgumentException("plaintext cache budget must not be negative, got " + budgetBytes);
        }
        this.budget = budgetBytes;
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** The budget in bytes. */
    public long budgetBytes() {
        return budget;
    }

    public Policy policy() {
        return policy;
    }

    /**
     * The plaintext of the real vector {@code values} at {@code level} and {@code scale} (to 2^-32 relative): from
     * the cache, or encoded with {@code encoder} (over all of its slots) and kept if the policy finds room for it.
     */
    public Lease acquire(double[] values, int level, double scale, Encoder encoder) {
        if (budget == 0) { // nothing is ever kept: skip the hash, which costs a tenth of an encode
            Plaintext pt = encode(values, level, scale, encoder);
            synchronized (this) {
                misses++;
                return uncached(pt, sizeOf(pt));
            }
        }
        Key key = key(values, level, scale);
        synchronized (this) {
            Entry e = entries.get(key);
            if (e != null) {
                hits++;
                e.leases++;
                return new Lease(this, e);
            }
        }
        Plaintext pt = encode(values, level, scale, encoder);
        long size = sizeOf(pt);
        synchronized (this) {
            misses++;
            Entry e = entries.get(key);
            if (e != null) { // another thread encoded it meanwhile: use that one
                pt.close();
                e.leases++;
                return new Lease(this, e);
            }
            if (size > budget || (policy == Policy.RETAIN && bytes + size > budget)) {
                return uncached(pt, size);
            }
            e = new Entry(pt, size);
            e.leases = 1;
            evictUntil(budget - size);
            entries.put(key, e);
            bytes += size;
            peakBytes = Math.max(peakBytes, bytes);
            return new Lease(this, e);
        }
    }

    private static long sizeOf(Plaintext pt) {
        return pt.poly().limbCount() * pt.poly().basis().limbBytes();
    }

    /** A lease on a plaintext that is never in the map: closed when the lease closes. Holds the lock. */
    private Lease uncached(Plaintext pt, long size) {
        uncached++;
        Entry e = new Entry(pt, size);
        e.leases = 1;
        e.evicted = true;
        return new Lease(this, e);
    }

    private Plaintext encode(double[] values, int level, double scale, Encoder encoder) {
        long start = System.nanoTime();
        Plaintext pt = encoder.encode(values, level, scale);
        long took = System.nanoTime() - start;
        synchronized (this) {
            encodeNanos += took;
        }
        return pt;
    }

    /** The counts so far. */
    public synchronized Stats stats() {
        return new Stats(hits, misses, uncached, evictions, entries.size(), bytes, peakBytes, budget, encodeNanos);
    }

    /** Drops every entry (leased ones are closed when their leases close); the counts stay. */
    public synchronized void clear() {
        evictUntil(0);
    }

    private void release(Entry e) {
        synchronized (this) {
            e.leases--;
            if (!e.evicted || e.leases > 0) {
                return;
            }
        }
        e.plaintext.close();
    }

    /** Evicts least recently used entries until at most {@code limit} bytes are held. Holds the lock. */
    private void evictUntil(long limit) {
        Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
        while (bytes > limit && it.hasNext()) {
            Entry e = it.next().getValue();
            it.remove();
            bytes -= e.bytes;
            evictions++;
            e.evicted = true;
            if (e.leases == 0) {
                e.plaintext.close();
            }
        }
    }

    /** The key of a vector at a level and scale: two independent 64-bit hashes of the values' bits. */
    private static Key key(double[] values, int level, double scale) {
        long h1 = 0x243F6A8885A308D3L, h2 = 0x13198A2E03707344L;
        for (int i = 0; i < values.length; i++) {
            long v = Double.doubleToLongBits(values[i] + 0.0); // -0.0 and 0.0 encode alike
            h1 = Long.rotateLeft(h1 ^ mix(v + i * 0x9E3779B97F4A7C15L), 29) * 0xBF58476D1CE4E5B9L;
            h2 = (h2 + mix(v ^ 0xC2B2AE3D27D4EB4FL)) * 0x94D049BB133111EBL + i;
        }
        long s = Double.doubleToLongBits(scale);
        long rounded = (s + (1L << 19)) >>> 20; // 32 of the 52 mantissa bits, rounded
        return new Key(mix(h1), mix(h2 ^ values.length), values.length, level, rounded);
    }

    /** The 64-bit finalizer of MurmurHash3. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB93F53D2ED15L;
        return z ^ (z >>> 33);
    }
}
