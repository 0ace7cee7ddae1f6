package dev.hyphenj.hcnn.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.Plaintext;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The plaintext cache: keys by content, level and scale; LRU eviction within the byte budget; leases. */
class PlaintextCacheTest {
    private static final Parameters PARAMS = Parameters.builder("test-cache").logN(12)
            .levelBits(new int[] {30, 30}, new int[] {30}, new int[] {30}).specialBits(30, 30).digitPrimes(1)
            .logScale(30).insecure().build();
    private static final Encoder ENCODER = new Encoder(PARAMS);
    /** Bytes of a plaintext at level 2: 4 limbs of N 32-bit residues. */
    private static final long AT_2 = 4L * PARAMS.n() * Integer.BYTES;

    private static double[] vector(long seed) {
        Random rnd = new Random(seed);
        double[] v = new double[PARAMS.slots()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextDouble(-1, 1);
        }
        return v;
    }

    @Test
    void findsEqualContentAtTheSameLevelAndScale() {
        PlaintextCache cache = new PlaintextCache(10 * AT_2);
        double[] v = vector(1);
        Plaintext first;
        try (PlaintextCache.Lease a = cache.acquire(v, 2, 0x1p30, ENCODER)) {
            first = a.plaintext();
            assertEquals(2, first.level());
            assertEquals(0x1p30, first.scale());
        }
        try (PlaintextCache.Lease b = cache.acquire(v.clone(), 2, 0x1p30 * (1 + 0x1p-40), ENCODER)) {
            assertSame(first, b.plaintext(), "same content, scale within 2^-32: a hit");
        }
        try (PlaintextCache.Lease c = cache.acquire(v, 1, 0x1p30, ENCODER);
                PlaintextCache.Lease d = cache.acquire(v, 2, 0x1p31, ENCODER)) {
            assertNotSame(first, c.plaintext());
            assertNotSame(first, d.plaintext());
        }
        double[] w = v.clone();
        w[17] += 1e-12;
        try (PlaintextCache.Lease e = cache.acquire(w, 2, 0x1p30, ENCODER)) {
            assertNotSame(first, e.plaintext(), "one value differs: another entry");
        }
        PlaintextCache.Stats s = cache.stats();
        assertEquals(1, s.hits());
        assertEquals(4, s.misses());
        assertEquals(4, s.entries());
        assertEquals(3 * AT_2 + 3L * PARAMS.n() * Integer.BYTES, s.bytes());
        // the cached plaintext decodes to the vector
        try (PlaintextCache.Lease a = cache.acquire(v, 2, 0x1p30, ENCODER)) {
            assertArrayEquals(v, ENCODER.decodeReal(a.plaintext()), 1e-7);
        }
    }

    @Test
    void evictsLeastRecentlyUsedWithinTheBudget() {
        PlaintextCache cache = new PlaintextCache(3 * AT_2);
        for (int i = 0; i < 3; i++) {
            cache.acquire(vector(i), 2, 0x1p30, ENCODER).close();
        }
        cache.acquire(vector(0), 2, 0x1p30, ENCODER).close(); // 0 is now the most recent: 1 goes first
        cache.acquire(vector(3), 2, 0x1p30, ENCODER).close();
        PlaintextCache.Stats s = cache.stats();
        assertEquals(1, s.evictions());
        assertEquals(3 * AT_2, s.bytes());
        assertTrue(s.peakBytes() <= 3 * AT_2);
        cache.acquire(vector(0), 2, 0x1p30, ENCODER).close();
        cache.acquire(vector(2), 2, 0x1p30, ENCODER).close();
        assertEquals(3, cache.stats().hits(), "0 twice and 2 were kept");
        cache.acquire(vector(1), 2, 0x1p30, ENCODER).close();
        assertEquals(5, cache.stats().misses(), "1 was evicted: a miss");
    }

    @Test
    void aCyclicPatternThrashesLruButHitsUnderRetain() {
        for (PlaintextCache.Policy policy : PlaintextCache.Policy.values()) {
            PlaintextCache cache = new PlaintextCache(3 * AT_2, policy);
            for (int round = 0; round < 3; round++) { // "images": the same 4 vectors in the same order
                for (int i = 0; i < 4; i++) {
                    cache.acquire(vector(i), 2, 0x1p30, ENCODER).close();
                }
            }
            PlaintextCache.Stats s = cache.stats();
            assertTrue(s.bytes() <= 3 * AT_2);
            if (policy == PlaintextCache.Policy.LRU) {
                assertEquals(0, s.hits(), "LRU evicts each entry just before its next use");
            } else {
                assertEquals(6, s.hits(), "RETAIN keeps 3 of the 4 and hits on them in rounds 2 and 3");
                assertEquals(0, s.evictions());
                assertEquals(3, s.uncached());
            }
        }
    }

    @Test
    void aLeasedPlaintextSurvivesItsEviction() {
        PlaintextCache cache = new PlaintextCache(AT_2);
        double[] v = vector(5);
        try (PlaintextCache.Lease held = cache.acquire(v, 2, 0x1p30, ENCODER)) {
            cache.acquire(vector(6), 2, 0x1p30, ENCODER).close(); // evicts v's entry while it is leased
            assertEquals(1, cache.stats().evictions());
            assertArrayEquals(v, ENCODER.decodeReal(held.plaintext()), 1e-7);
        }
        PlaintextCache.Lease closed = cache.acquire(v, 2, 0x1p30, ENCODER);
        closed.close();
        assertThrows(IllegalStateException.class, closed::plaintext);
    }

    @Test
    void zeroBudgetAndOversizedPlaintextsAreNotKept() {
        PlaintextCache none = new PlaintextCache(0);
        double[] v = vector(7);
        for (int i = 0; i < 3; i++) {
            try (PlaintextCache.Lease l = none.acquire(v, 2, 0x1p30, ENCODER)) {
                assertArrayEquals(v, ENCODER.decodeReal(l.plaintext()), 1e-7);
            }
        }
        PlaintextCache.Stats s = none.stats();
        assertEquals(0, s.hits());
        assertEquals(3, s.misses());
        assertEquals(3, s.uncached());
        assertEquals(0, s.bytes());
        PlaintextCache small = new PlaintextCache(AT_2 - 1);
        small.acquire(v, 2, 0x1p30, ENCODER).close();
        small.acquire(v, 1, 0x1p30, ENCODER).close(); // level 1 fits
        assertEquals(1, small.stats().uncached());
        assertEquals(1, small.stats().entries());
        assertThrows(IllegalArgumentException.class, () -> new PlaintextCache(-1));
    }
}
