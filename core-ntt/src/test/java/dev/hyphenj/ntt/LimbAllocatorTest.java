package dev.hyphenj.ntt;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LimbAllocatorTest {
    private final LimbAllocator allocator = new LimbAllocator("test");

    @AfterEach
    void closeAllocator() {
        allocator.close(); // throws if a test leaked a block
    }

    private void assertCounts(long live, long liveBlocks, long pooled, long peak, String when) {
        assertEquals(live, allocator.liveBytes(), when + ": liveBytes");
        assertEquals(liveBlocks, allocator.liveBlocks(), when + ": liveBlocks");
        assertEquals(pooled, allocator.pooledBytes(), when + ": pooledBytes");
        assertEquals(peak, allocator.peakBytes(), when + ": peakBytes");
    }

    private static Set<Long> addresses(LimbAllocator.Block b) {
        Set<Long> s = new HashSet<>();
        for (int i = 0; i < b.limbCount(); i++) {
            s.add(b.limb(i).address());
        }
        return s;
    }

    @Test
    void limbsAreAlignedTo64BytesAndApart() {
        List<LimbAllocator.Block> blocks = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (long bytes : new long[] {4, 12, 60, 64, 100, 4096}) {
            for (int count : new int[] {1, 3}) {
                LimbAllocator.Block b = allocator.allocate(bytes, count);
                blocks.add(b);
                assertEquals(count, b.limbCount());
                assertEquals(bytes, b.limbBytes());
                assertEquals(bytes * count, b.bytes());
                for (int i = 0; i < count; i++) {
                    assertEquals(bytes, b.limb(i).byteSize());
                    assertEquals(0, b.limb(i).address() % 64, "limb of " + bytes + " bytes at " + b.limb(i).address());
                    assertTrue(seen.add(b.limb(i).address()), "two limbs at one address");
                }
            }
        }
        blocks.forEach(LimbAllocator.Block::close);
    }

    @Test
    void closedLimbsAreReusedAndCounted() {
        assertCounts(0, 0, 0, 0, "new allocator");
        LimbAllocator.Block a = allocator.allocate(1024, 2);
        Set<Long> addressesA = addresses(a);
        assertCounts(2048, 1, 0, 2048, "one block");
        LimbAllocator.Block b = allocator.allocate(256, 1);
        assertCounts(2304, 2, 0, 2304, "two blocks");

        a.close();
        assertCounts(256, 1, 2048, 2304, "first block closed");
        LimbAllocator.Block c = allocator.allocate(1024, 1);
        assertTrue(addressesA.containsAll(addresses(c)), "an idle limb of the same size must be reused");
        assertCounts(1280, 2, 1024, 2304, "one limb reused from the pool");

        long fresh = allocator.freshAllocations();
        LimbAllocator.Block d = allocator.allocate(1024, 3); // one idle limb, two fresh ones
        assertEquals(fresh + 1, allocator.freshAllocations(), "the shortfall is mapped once");
        Set<Long> mixed = addresses(d);
        mixed.retainAll(addressesA);
        assertEquals(1, mixed.size(), "the idle limb serves the larger request too");
        assertCounts(4352, 3, 0, 4352, "third block");
        b.close();
        c.close();
        d.close();
        assertCounts(0, 0, 4352, 4352, "all closed");

        allocator.resetPeak();
        assertEquals(0, allocator.peakBytes(), "peak after reset with nothing live");
        LimbAllocator.Block e = allocator.allocate(256, 1);
        assertEquals(fresh + 1, allocator.freshAllocations(), "served from the pool");
        assertCounts(256, 1, 4096, 256, "after resetPeak");
        e.close();
    }

    @Test
    void idleLimbsOfAnotherSizeAreNotHandedOut() {
        LimbAllocator.Block a = allocator.allocate(512, 1);
        long address = a.limb(0).address();
        a.close();
        try (LimbAllocator.Block b = allocator.allocate(1024, 1)) {
            assertTrue(b.limb(0).address() != address, "a limb of another size is not handed out");
        }
        try (LimbAllocator.Block b = allocator.allocate(512, 1)) {
            assertEquals(address, b.limb(0).address());
        }
    }

    /** Whatever the order of requests and releases, the allocator never holds more than its peak of live limbs. */
    @Test
    void heldMemoryNeverExceedsThePeakOfLiveLimbs() {
        SplittableRandom rnd = new SplittableRandom(5);
        List<LimbAllocator.Block> held = new ArrayList<>();
        for (int round = 0; round < 2000; round++) {
            if (held.isEmpty() || rnd.nextInt(3) > 0 && held.size() < 12) {
                held.add(allocator.allocate(64, 1 + rnd.nextInt(40)));
            } else {
                held.remove(rnd.nextInt(held.size())).close();
            }
            assertTrue(allocator.liveBytes() + allocator.pooledBytes() <= allocator.peakBytes(),
                    "round " + round + ": " + allocator);
        }
        held.forEach(LimbAllocator.Block::close);
    }

    @Test
    void reusedLimbsKeepTheirContents() {
        LimbAllocator.Block a = allocator.allocate(64, 1);
        a.limb(0).setAtIndex(ValueLayout.JAVA_INT, 3, 42);
        a.close();
        try (LimbAllocator.Block b = allocator.allocate(64, 1)) {
            assertEquals(42, b.limb(0).getAtIndex(ValueLayout.JAVA_INT, 3), "contents are unspecified but not cleared");
        }
    }

    /** trim frees the slabs whose limbs are all idle; a slab that still lends a limb keeps its idle ones. */
    @Test
    void trimFreesWholeIdleSlabs() {
        allocator.allocate(128, 1).close();
        allocator.allocate(256, 2).close();
        assertEquals(640, allocator.pooledBytes());
        LimbAllocator.Block live = allocator.allocate(256, 1); // one limb of the 256 slab
        assertEquals(384, allocator.pooledBytes());
        allocator.trim();
        assertCounts(256, 1, 256, 512, "after trim: the 128 slab freed, the lent slab's idle limb kept");
        live.close();
        allocator.trim();
        assertEquals(0, allocator.pooledBytes(), "the whole slab idle: freed");
    }

    /** Beyond its bound the pool frees slabs whose limbs are all idle, those idle longest first, and only those. */
    @Test
    void aBoundedPoolFreesTheSlabIdleLongest() {
        try (LimbAllocator bounded = new LimbAllocator("bounded", 3 * 1024)) {
            LimbAllocator.Block old = bounded.allocate(1024, 1), recent = bounded.allocate(1024, 2);
            Set<Long> recentAddresses = addresses(recent);
            old.close();
            recent.close();
            assertEquals(3 * 1024, bounded.pooledBytes(), "within the bound: both kept");
            bounded.allocate(512, 1).close(); // over the bound by 512: the oldest idle slab goes
            assertEquals(2048 + 512, bounded.pooledBytes());
            LimbAllocator.Block again = bounded.allocate(1024, 2);
            assertEquals(recentAddresses, addresses(again), "the recent slab's limbs were kept");
            again.close();
        }
        try (LimbAllocator none = new LimbAllocator("no pool", 0)) {
            none.allocate(64, 3).close();
            assertEquals(0, none.pooledBytes(), "a pool of 0 bytes frees every idle slab");
        }
        assertThrows(IllegalArgumentException.class, () -> new LimbAllocator("negative", -1));
    }

    @Test
    void doubleCloseIsAnError() {
        LimbAllocator.Block a = allocator.allocate(64, 1);
        a.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, a::close);
        assertEquals("block of 64 bytes released twice", e.getMessage());
        assertCounts(0, 0, 64, 64, "after the rejected second close");
    }

    @Test
    void useAfterCloseIsAnError() {
        LimbAllocator.Block a = allocator.allocate(64, 2);
        a.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.limb(1));
        assertEquals("block of 128 bytes used after it was released", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"0,1", "-4,1", "1,1", "6,2", "1023,1", "64,0", "64,-1"})
    void invalidRequestsAreRejected(long bytes, int count) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> allocator.allocate(bytes, count));
        assertEquals(count + " limbs of " + bytes + " bytes: expected at least one limb of a positive multiple of 4"
                + " bytes", e.getMessage());
    }

    @Test
    void closingWithLiveBlocksReportsALeak() {
        LimbAllocator leaky = new LimbAllocator("leaky");
        LimbAllocator.Block a = leaky.allocate(256, 1), b = leaky.allocate(64, 1);
        leaky.allocate(128, 1).close();
        IllegalStateException e = assertThrows(IllegalStateException.class, leaky::close);
        assertEquals("allocator 'leaky' closed with 2 blocks (320 bytes) still live: a leak", e.getMessage());
        assertEquals(0, leaky.pooledBytes(), "closing frees the pool even when it reports a leak");

        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> leaky.allocate(64, 1));
        assertEquals("allocator 'leaky' is closed", closed.getMessage());

        a.limb(0).set(ValueLayout.JAVA_INT, 0, 1); // live blocks stay usable until they are closed
        a.close();
        b.close();
        assertEquals(0, leaky.liveBytes());
        assertEquals(0, leaky.pooledBytes(), "blocks closed after the allocator are freed, not pooled");
        assertDoesNotThrow(leaky::close, "nothing live any more");
    }

    @Test
    void theSharedAllocatorCannotBeClosed() {
        assertThrows(UnsupportedOperationException.class, () -> LimbAllocator.shared().close());
    }

    /** Threads allocate, fill, check and close blocks; a limb handed out twice would show as a mismatch. */
    @Test
    void concurrentAllocationAndRelease() throws Exception {
        int threads = 4, rounds = 2000;
        long[] sizes = {64, 256, 4096};
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(id);
                    List<Tagged> held = new ArrayList<>();
                    for (int r = 0; r < rounds; r++) {
                        held.add(Tagged.allocate(allocator, sizes[rnd.nextInt(sizes.length)], 1 + rnd.nextInt(4),
                                id << 24 | r));
                        if (held.size() > 3 || rnd.nextBoolean()) {
                            held.remove(rnd.nextInt(held.size())).checkAndClose();
                        }
                    }
                    held.forEach(Tagged::checkAndClose);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(); // rethrows any failure of a worker
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, allocator.liveBytes(), "live bytes after all threads closed their blocks");
        assertEquals(0, allocator.liveBlocks(), "live blocks after all threads closed their blocks");
    }

    /** A block filled with a tag when allocated; if another owner wrote to it meanwhile, the check sees it. */
    private record Tagged(LimbAllocator.Block block, int tag) {
        static Tagged allocate(LimbAllocator allocator, long bytes, int count, int tag) {
            LimbAllocator.Block b = allocator.allocate(bytes, count);
            for (int l = 0; l < count; l++) {
                for (long i = 0; i < bytes / 4; i++) {
                    b.limb(l).setAtIndex(ValueLayout.JAVA_INT, i, tag);
                }
            }
            return new Tagged(b, tag);
        }

        void checkAndClose() {
            for (int l = 0; l < block.limbCount(); l++) {
                MemorySegment s = block.limb(l);
                for (long i = 0; i < s.byteSize() / 4; i++) {
                    if (s.getAtIndex(ValueLayout.JAVA_INT, i) != tag) {
                        throw new AssertionError("limb shared between owners: int " + i + " is not tag " + tag);
                    }
                }
            }
            block.close();
        }
    }
}
