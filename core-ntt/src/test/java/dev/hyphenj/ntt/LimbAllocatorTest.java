package dev.hyphenj.ntt;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    @Test
    void blocksAreAlignedTo64Bytes() {
        List<LimbAllocator.Block> blocks = new ArrayList<>();
        for (long bytes : new long[] {4, 12, 60, 64, 100, 4096, 4 * 8192 + 4}) {
            LimbAllocator.Block b = allocator.allocate(bytes);
            blocks.add(b);
            assertEquals(bytes, b.bytes());
            assertEquals(bytes, b.segment().byteSize());
            assertEquals(0, b.segment().address() % 64, "block of " + bytes + " bytes at " + b.segment().address());
            assertEquals(64, LimbAllocator.ALIGNMENT);
        }
        blocks.forEach(LimbAllocator.Block::close);
    }

    @Test
    void closedBlocksAreReusedAndCounted() {
        assertCounts(0, 0, 0, 0, "new allocator");
        LimbAllocator.Block a = allocator.allocate(1024);
        long addressA = a.segment().address();
        assertCounts(1024, 1, 0, 1024, "one block");
        LimbAllocator.Block b = allocator.allocate(256);
        assertCounts(1280, 2, 0, 1280, "two blocks");

        a.close();
        assertCounts(256, 1, 1024, 1280, "first block closed");
        LimbAllocator.Block c = allocator.allocate(1024);
        assertEquals(addressA, c.segment().address(), "a closed block of the same size must be reused");
        assertCounts(1280, 2, 0, 1280, "block reused from the pool");

        LimbAllocator.Block d = allocator.allocate(1024); // the pool is empty: a new block
        assertCounts(2304, 3, 0, 2304, "third block");
        b.close();
        c.close();
        d.close();
        assertCounts(0, 0, 2304, 2304, "all closed");

        allocator.resetPeak();
        assertEquals(0, allocator.peakBytes(), "peak after reset with nothing live");
        LimbAllocator.Block e = allocator.allocate(256);
        assertCounts(256, 1, 2048, 256, "after resetPeak");
        e.close();
    }

    @Test
    void pooledBlocksOfAnotherSizeAreNotHandedOut() {
        LimbAllocator.Block a = allocator.allocate(512);
        a.close();
        try (LimbAllocator.Block b = allocator.allocate(1024)) {
            assertEquals(1024, b.segment().byteSize());
            assertCounts(1024, 1, 512, 1024, "different size");
        }
    }

    @Test
    void anIdleBlockUpToAQuarterLargerServesASmallerRequest() {
        LimbAllocator.Block big = allocator.allocate(1280); // class 1280: 1.25 x 1024
        big.close();
        long fresh = allocator.freshAllocations();
        try (LimbAllocator.Block b = allocator.allocate(1024)) {
            assertEquals(1024, b.segment().byteSize());
            assertEquals(fresh, allocator.freshAllocations(), "served from the pool");
            assertCounts(1024, 1, 0, 1280, "reused larger block");
        }
        // back in its own class (1280), it is still idle for the next request of either size
        assertCounts(0, 0, 1280, 1280, "returned");
        LimbAllocator.Block huge = allocator.allocate(2048);
        huge.close();
        try (LimbAllocator.Block a = allocator.allocate(1536); LimbAllocator.Block b = allocator.allocate(1024)) {
            assertEquals(fresh + 2, allocator.freshAllocations(), "2048 is more than 1.25 x 1536; 1280 serves 1024");
        }
    }

    @Test
    void sizesShareAClassAnEighthOfAPowerOfTwoWide() {
        assertEquals(1024, LimbAllocator.sizeClass(1024));
        assertEquals(1024, LimbAllocator.sizeClass(1000)); // 512 + 8 * 64
        assertEquals(1152, LimbAllocator.sizeClass(1028));
        assertEquals(4, LimbAllocator.sizeClass(4));
        assertEquals(12, LimbAllocator.sizeClass(12));
        long limbs45 = 45L << 18, limbs47 = 47L << 18; // 45 and 47 limbs of N = 2^16: class 48
        assertEquals(LimbAllocator.sizeClass(limbs45), LimbAllocator.sizeClass(limbs47), "a level apart, one class");
        for (long bytes = 4; bytes < 1 << 20; bytes += 4 + bytes / 3) {
            long c = LimbAllocator.sizeClass(bytes);
            assertTrue(c >= bytes && c <= bytes * 9 / 8 + 1, bytes + " -> " + c);
        }
    }

    @Test
    void blocksOfOneClassShareSlabsCutToTheSizeAskedFor() {
        LimbAllocator.Block a = allocator.allocate(1000);
        long address = a.segment().address();
        assertEquals(1000, a.segment().byteSize());
        a.close();
        assertCounts(0, 0, 1024, 1000, "the slab of class 1024 goes back whole");
        try (LimbAllocator.Block other = allocator.allocate(1028)) { // class 1152
            assertTrue(other.segment().address() != address, "a block of another class is not handed out");
        }
        try (LimbAllocator.Block b = allocator.allocate(1020)) {
            assertEquals(address, b.segment().address(), "the idle slab of the same class is reused");
            assertEquals(1020, b.segment().byteSize(), "cut to the size asked for");
            assertCounts(1020, 1, 1152, 1028, "reused slab");
        }
    }

    @Test
    void reusedBlocksKeepTheirContents() {
        LimbAllocator.Block a = allocator.allocate(64);
        a.segment().setAtIndex(ValueLayout.JAVA_INT, 3, 42);
        a.close();
        try (LimbAllocator.Block b = allocator.allocate(64)) {
            assertEquals(42, b.segment().getAtIndex(ValueLayout.JAVA_INT, 3), "contents are unspecified but not cleared");
        }
    }

    @Test
    void trimFreesThePool() {
        allocator.allocate(128).close();
        allocator.allocate(256).close();
        assertEquals(384, allocator.pooledBytes());
        LimbAllocator.Block live = allocator.allocate(128);
        assertEquals(256, allocator.pooledBytes());
        allocator.trim();
        assertCounts(128, 1, 0, 256, "after trim");
        live.close();
        assertEquals(128, allocator.pooledBytes(), "a block closed after trim goes back to the pool");
    }

    /** Beyond its bound the pool frees the idle blocks of the size class allocated longest ago, and only those. */
    @Test
    void aBoundedPoolFreesTheClassUsedLongestAgo() {
        try (LimbAllocator bounded = new LimbAllocator("bounded", 3 * 1024)) {
            LimbAllocator.Block old = bounded.allocate(1024), recent = bounded.allocate(2048);
            long recentAddress = recent.segment().address();
            old.close();
            recent.close();
            assertEquals(3 * 1024, bounded.pooledBytes(), "within the bound: both kept");
            bounded.allocate(512).close(); // over the bound by 512: the 1024 class is the oldest
            assertEquals(2048 + 512, bounded.pooledBytes());
            LimbAllocator.Block again = bounded.allocate(2048);
            assertEquals(recentAddress, again.segment().address(), "the recent class's block was kept");
            again.close();
        }
        try (LimbAllocator none = new LimbAllocator("no pool", 0)) {
            none.allocate(64).close();
            assertEquals(0, none.pooledBytes(), "a pool of 0 bytes frees every block");
        }
        assertThrows(IllegalArgumentException.class, () -> new LimbAllocator("negative", -1));
    }

    @Test
    void doubleCloseIsAnError() {
        LimbAllocator.Block a = allocator.allocate(64);
        a.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, a::close);
        assertEquals("block of 64 bytes released twice", e.getMessage());
        assertCounts(0, 0, 64, 64, "after the rejected second close");
    }

    @Test
    void useAfterCloseIsAnError() {
        LimbAllocator.Block a = allocator.allocate(64);
        a.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, a::segment);
        assertEquals("block of 64 bytes used after it was released", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -4, -1, 1, 2, 6, 1023, Long.MIN_VALUE})
    void invalidSizesAreRejected(long bytes) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> allocator.allocate(bytes));
        assertEquals("block size " + bytes + " must be a positive multiple of 4 bytes", e.getMessage());
    }

    @Test
    void closingWithLiveBlocksReportsALeak() {
        LimbAllocator leaky = new LimbAllocator("leaky");
        LimbAllocator.Block a = leaky.allocate(256), b = leaky.allocate(64);
        leaky.allocate(128).close();
        IllegalStateException e = assertThrows(IllegalStateException.class, leaky::close);
        assertEquals("allocator 'leaky' closed with 2 blocks (320 bytes) still live: a leak", e.getMessage());
        assertEquals(0, leaky.pooledBytes(), "closing frees the pool even when it reports a leak");

        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> leaky.allocate(64));
        assertEquals("allocator 'leaky' is closed", closed.getMessage());

        a.segment().set(ValueLayout.JAVA_INT, 0, 1); // live blocks stay usable until they are closed
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

    /** Threads allocate, fill, check and close blocks of a few sizes; a block handed out twice would show as a mismatch. */
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
                        held.add(Tagged.allocate(allocator, sizes[rnd.nextInt(sizes.length)], id << 24 | r));
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
        static Tagged allocate(LimbAllocator allocator, long bytes, int tag) {
            LimbAllocator.Block b = allocator.allocate(bytes);
            for (long i = 0; i < bytes / 4; i++) {
                b.segment().setAtIndex(ValueLayout.JAVA_INT, i, tag);
            }
            return new Tagged(b, tag);
        }

        void checkAndClose() {
            MemorySegment s = block.segment();
            for (long i = 0; i < s.byteSize() / 4; i++) {
                if (s.getAtIndex(ValueLayout.JAVA_INT, i) != tag) {
                    throw new AssertionError("block shared between owners: int " + i + " is not tag " + tag);
                }
            }
            block.close();
        }
    }
}
