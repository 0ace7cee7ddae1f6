package dev.hyphenj.ckks;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** The keys the server needs: a relinearization key and Galois keys by Galois element. */
public final class EvaluationKeys implements AutoCloseable {
    private final SwitchingKey relinearization;
    private final Map<Long, SwitchingKey> galois;

    public EvaluationKeys(SwitchingKey relinearization, Map<Long, SwitchingKey> galois) {
        this.relinearization = relinearization;
        this.galois = new TreeMap<>(galois);
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

    /** Bytes of all keys in memory (with Shoup companions). */
    public long memoryBytes() {
        long s = relinearization == null ? 0 : relinearization.memoryBytes();
        for (SwitchingKey k : galois.values()) {
            s += k.memoryBytes();
        }
        return s;
    }

    @Override
    public void close() {
        if (relinearization != null) {
            relinearization.close();
        }
        galois.values().forEach(SwitchingKey::close);
    }
}
