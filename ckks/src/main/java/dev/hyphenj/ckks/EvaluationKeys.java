package dev.hyphenj.ckks;

import java.lang.foreign.Arena;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The keys the server needs: a relinearization key and Galois keys by Galois element. Keys mapped from a file
 * ({@code dev.hyphenj.ckks.io.MappedKeys}) read their polynomials from the mapping, which closing them unmaps.
 */
public final class EvaluationKeys implements AutoCloseable {
    private final SwitchingKey relinearization;
    private final Map<Long, SwitchingKey> galois;
    /** The arena of the file mapping the keys' polynomials view, or null for keys in allocated memory. */
    private final Arena mapping;

    public EvaluationKeys(SwitchingKey relinearization, Map<Long, SwitchingKey> galois) {
        this(relinearization, galois, null);
    }

    /** Keys whose polynomials are views into a file mapping that {@code mapping} owns; {@link #close} closes it. */
    EvaluationKeys(SwitchingKey relinearization, Map<Long, SwitchingKey> galois, Arena mapping) {
        this.relinearization = relinearization;
        this.galois = new TreeMap<>(galois);
        this.mapping = mapping;
    }

    /** The relinearization key; throws if there is none. */
    public SwitchingKey relinearization() {
        if (relinearization == null) {
            throw new IllegalStateException("no relinearization key was generated");
        }
        return relinearization;
    }

    /** The Galois key for X -> X^k; throws with the missing element if there is none. */
    public SwitchingKey galois(long k) {
        SwitchingKey key = galois.get(k);
        if (key == null) {
            throw new IllegalArgumentException("no Galois key for X -> X^" + k + " (have " + galois.size() + " keys)");
        }
        return key;
    }

    public boolean hasGalois(long k) {
        return galois.containsKey(k);
    }

    public Map<Long, SwitchingKey> galoisKeys() {
        return Collections.unmodifiableMap(galois);
    }

    /** Bytes of all keys: both halves of every digit, whether in allocated memory or mapped from a file. */
    public long memoryBytes() {
        long s = relinearization == null ? 0 : relinearization.memoryBytes();
        for (SwitchingKey k : galois.values()) {
            s += k.memoryBytes();
        }
        return s;
    }

    /**
     * Of {@link #memoryBytes()}, the bytes mapped from a key file: the operating system holds them (its page cache),
     * not the heap or allocated memory, and only the pages touched count in the resident set. 0 for keys in
     * allocated memory.
     */
    public long mappedBytes() {
        return mapping == null ? 0 : memoryBytes();
    }

    /** Frees the keys' memory, or unmaps their file; the keys must not be used afterwards. */
    @Override
    public void close() {
        if (relinearization != null) {
            relinearization.close();
        }
        galois.values().forEach(SwitchingKey::close);
        if (mapping != null) {
            mapping.close();
        }
    }
}
