package dev.hyphenj.ntt;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Off-heap memory for limbs: 64-byte-aligned blocks, pooled by size so that the many temporaries of homomorphic
 * operations are reused instead of mapped, zeroed and unmapped. Sizes are rounded up to classes an eighth of a power
 * of two apart (at most 12.5% more), so that ciphertexts a limb or two apart in size share blocks as the level
 * falls. Thread-safe.
 *
 * <p>A block is returned to the pool by closing it (try-with-resources). The allocator counts the bytes handed
 * out and not yet returned ({@link #liveBytes()}), their high-water mark ({@link #peakBytes()}), and the bytes
 * held idle in the pool; closing the allocator frees the pool and reports blocks still live as a leak.
 * Block contents are unspecified on allocation: a reused block holds what its last user wrote.
 */
public final class LimbAllocator implements AutoCloseable {
    /** Alignment of every block: one cache line, and a whole 512-bit vector. */
    public static final long ALIGNMENT = 64;
    /** System property: the most MiB the shared allocator keeps idle (default {@value #DEFAULT_POOL_MIB}). */
    public static final String POOL_PROPERTY = "hyphen.poolMib";
    static final long DEFAULT_POOL_MIB = 256;
    /** How much larger than the request an idle block may be and still serve it. */
    static final double LARGER = 1.25;

    private static final LimbAllocator SHARED = new LimbAllocator("shared", poolBytesFromProperty());

    private final String name;
    /**
     * The most bytes kept idle. Every size class keeps as many blocks as were ever live at once in it, so across
     * the levels and slot counts of a network the idle blocks would grow to gigabytes; beyond this bound the idle
     * blocks of the class used longest ago are freed.
     */
    private final long maxPooledBytes;
    /** Idle slabs by their size class, most recently returned first. */
    private final ConcurrentSkipListMap<Long, ConcurrentLinkedDeque<Slab>> pool = new ConcurrentSkipListMap<>();
    /** The tick of each size class's last allocation, for freeing the class used longest ago first. */
    private final Map<Long, Long> lastUse = new ConcurrentHashMap<>();
    private final AtomicLong clock = new AtomicLong();
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong liveBlocks = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong pooled = new AtomicLong();
    private final AtomicLong fresh = new AtomicLong();
    private volatile boolean closed;

    /** A new allocator with its own pool, unbounded; {@code name} appears in its messages. */
    public LimbAllocator(String name) {
        this(name, Long.MAX_VALUE);
    }

    /** A new allocator whose pool keeps at most {@code maxPooledBytes} idle (0: frees every returned block). */
    public LimbAllocator(String name, long maxPooledBytes) {
        if (maxPooledBytes < 0) {
            throw new IllegalArgumentException("allocator '" + name + "': a pool of " + maxPooledBytes + " bytes");
        }
        this.name = name;
        this.maxPooledBytes = maxPooledBytes;
    }

    private static long poolBytesFromProperty() {
        String value = System.getProperty(POOL_PROPERTY);
        long mib = DEFAULT_POOL_MIB;
        if (value != null && !value.isBlank()) {
            try {
                mib = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                mib = -1;
            }
            if (mib < 0) {
                throw new IllegalArgumentException("-D" + POOL_PROPERTY + "=" + value
                        + ": expected the pool's size in MiB, a number >= 0");
            }
        }
        return mib << 20;
    }

    /** The process-wide allocator. */
    public static LimbAllocator shared() {
        return SHARED;
    }

    /** One off-heap block with its own arena, so that it can be freed on its own when the pool is trimmed. */
    private record Slab(Arena arena, MemorySegment segment) {}

    /** A block of off-heap memory on loan from the allocator. Close it once to give it back. */
    public final class Block implements AutoCloseable {
        private final Slab slab;
        /** The first bytes of the slab: the size asked for. */
        private final MemorySegment segment;
        private final AtomicBoolean released = new AtomicBoolean();

        private Block(Slab slab, long bytes) {
            this.slab = slab;
            this.segment = slab.segment.asSlice(0, bytes);
        }

        /** The block's memory; do not use it after {@link #close()}. */
        public MemorySegment segment() {
            if (released.get()) {
                throw new IllegalStateException("block of " + bytes() + " bytes used after it was released");
            }
            return segment;
        }

        public long bytes() {
            return segment.byteSize();
        }

        /** Returns the block to the pool. Closing twice is an error: it would hand the memory out twice. */
        @Override
        public void close() {
            if (!released.compareAndSet(false, true)) {
                throw new IllegalStateException("block of " + bytes() + " bytes released twice");
            }
            live.addAndGet(-bytes());
            liveBlocks.decrementAndGet();
            if (closed) {
                slab.arena.close();
                return;
            }
            long size = slab.segment.byteSize();
            pool.computeIfAbsent(size, b -> new ConcurrentLinkedDeque<>()).push(slab);
            if (pooled.addAndGet(size) > maxPooledBytes) {
                evict();
            }
        }
    }

    /** Frees idle blocks, those of the size class allocated longest ago first, until the pool is within its bound. */
    private synchronized void evict() {
        while (pooled.get() > maxPooledBytes) {
            ConcurrentLinkedDeque<Slab> oldest = null;
            long oldestUse = Long.MAX_VALUE;
            for (Map.Entry<Long, ConcurrentLinkedDeque<Slab>> e : pool.entrySet()) {
                long use = lastUse.getOrDefault(e.getKey(), 0L);
                if (!e.getValue().isEmpty() && use < oldestUse) {
                    oldest = e.getValue();
                    oldestUse = use;
                }
            }
            Slab s = oldest == null ? null : oldest.pollLast();
            if (s == null) {
                return; // taken meanwhile, or nothing idle
            }
            pooled.addAndGet(-s.segment.byteSize());
            s.arena.close();
        }
    }

    /** A block of {@code bytes} bytes (positive, a multiple of 4), from the pool when one of its size class is idle. */
    public Block allocate(long bytes) {
        if (bytes <= 0 || bytes % Integer.BYTES != 0) {
            throw new IllegalArgumentException("block size " + bytes + " must be a positive multiple of 4 bytes");
        }
        if (closed) {
            throw new IllegalStateException("allocator '" + name + "' is closed");
        }
        long size = sizeClass(bytes);
        lastUse.put(size, clock.incrementAndGet());
        Slab slab = idleSlab(size);
        if (slab != null) {
            pooled.addAndGet(-slab.segment.byteSize());
        } else {
            fresh.incrementAndGet();
            Arena arena = Arena.ofShared();
            slab = new Slab(arena, arena.allocate(size, ALIGNMENT));
        }
        long now = live.addAndGet(bytes);
        liveBlocks.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
        return new Block(slab, bytes);
    }

    /**
     * An idle slab of the size class, else of the smallest larger class up to {@link #LARGER} times it: polynomials a
     * level or two apart (a limb or two) then share blocks instead of each level mapping and zeroing fresh memory.
     */
    private Slab idleSlab(long size) {
        for (ConcurrentLinkedDeque<Slab> idle : pool.subMap(size, true, (long) (size * LARGER), true).values()) {
            Slab slab = idle.poll();
            if (slab != null) {
                return slab;
            }
        }
        return null;
    }

    /** Allocations that found no idle block and mapped fresh memory. */
    public long freshAllocations() {
        return fresh.get();
    }

    /** The smallest multiple of an eighth of the highest power of two in {@code bytes} that holds them. */
    static long sizeClass(long bytes) {
        long unit = Math.max(1, Long.highestOneBit(bytes) >> 3);
        return (bytes + unit - 1) / unit * unit;
    }

    /** Bytes in blocks handed out and not yet closed. */
    public long liveBytes() {
        return live.get();
    }

    /** Number of blocks handed out and not yet closed. */
    public long liveBlocks() {
        return liveBlocks.get();
    }

    /** The largest {@link #liveBytes()} seen since creation or the last {@link #resetPeak()}. */
    public long peakBytes() {
        return peak.get();
    }

    /** Bytes held idle in the pool. */
    public long pooledBytes() {
        return pooled.get();
    }

    /** Starts a new peak measurement from the current live bytes. */
    public void resetPeak() {
        peak.set(live.get());
    }

    /** Frees every idle block. */
    public void trim() {
        for (ConcurrentLinkedDeque<Slab> idle : pool.values()) {
            for (Slab s; (s = idle.poll()) != null; ) {
                pooled.addAndGet(-s.segment.byteSize());
                s.arena.close();
            }
        }
    }

    /**
     * Frees the pool; blocks still live are freed when they are closed. Throws if any block is still live,
     * because that is a leak (the shared allocator cannot be closed).
     */
    @Override
    public void close() {
        if (this == SHARED) {
            throw new UnsupportedOperationException("the shared allocator lives as long as the process");
        }
        closed = true;
        trim();
        if (liveBlocks.get() != 0) {
            throw new IllegalStateException("allocator '" + name + "' closed with " + liveBlocks.get()
                    + " blocks (" + liveBytes() + " bytes) still live: a leak");
        }
    }

    @Override
    public String toString() {
        return "LimbAllocator[" + name + ", live " + liveBytes() + " B, peak " + peakBytes() + " B, pooled "
                + pooledBytes() + " B]";
    }
}
