package dev.hyphenj.ntt;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Off-heap memory for limbs, pooled limb by limb: a request is for a number of limbs of one size (N residues), and
 * any idle limb of that size serves it, so that the many temporaries of homomorphic operations reuse memory across
 * levels and slot counts instead of mapping, zeroing and unmapping it. Limbs are 64-byte aligned. Thread-safe.
 *
 * <p>Fresh memory is mapped only when no idle limb of the size is left, as one slab holding the limbs the request
 * lacks; so the memory an allocator holds (live plus idle) never exceeds the largest number of limbs that were ever
 * live at once. Idle memory beyond the pool's bound is freed a slab at a time, once every limb of the slab is idle.
 * Handing out the most recently returned limbs first keeps them warm in the caches.
 *
 * <p>A block is returned by closing it (try-with-resources). The allocator counts the bytes handed out and not yet
 * returned ({@link #liveBytes()}), their high-water mark ({@link #peakBytes()}) and the bytes held idle; closing the
 * allocator frees the pool and reports blocks still live as a leak. Block contents are unspecified on allocation:
 * a reused limb holds what its last user wrote.
 */
public final class LimbAllocator implements AutoCloseable {
    /** Alignment of every limb: one cache line, and a whole 512-bit vector. */
    public static final long ALIGNMENT = 64;
    /**
     * System property: the most MiB the shared allocator keeps idle (default: no bound, since the allocator never
     * holds more than its peak of live limbs).
     */
    public static final String POOL_PROPERTY = "hyphen.poolMib";

    private static final LimbAllocator SHARED = new LimbAllocator("shared", poolBytesFromProperty());

    private final String name;
    /** The most bytes kept idle; beyond it, slabs whose limbs are all idle are freed. */
    private final long maxPooledBytes;
    /** Idle limbs by their size in bytes, most recently returned first. Guarded by this. */
    private final Map<Long, ArrayDeque<Limb>> idle = new HashMap<>();
    /** Slabs whose limbs are all idle, oldest first: the ones that can be freed. Guarded by this. */
    private final Set<Slab> idleSlabs = new LinkedHashSet<>();
    private long live, liveBlocks, peak, pooled, fresh; // guarded by this
    private boolean closed; // guarded by this

    /** A new allocator with its own pool, unbounded; {@code name} appears in its messages. */
    public LimbAllocator(String name) {
        this(name, Long.MAX_VALUE);
    }

    /** A new allocator whose pool keeps at most {@code maxPooledBytes} idle (0: frees every slab it can). */
    public LimbAllocator(String name, long maxPooledBytes) {
        if (maxPooledBytes < 0) {
            throw new IllegalArgumentException("allocator '" + name + "': a pool of " + maxPooledBytes + " bytes");
        }
        this.name = name;
        this.maxPooledBytes = maxPooledBytes;
    }

    private static long poolBytesFromProperty() {
        String value = System.getProperty(POOL_PROPERTY);
        if (value == null || value.isBlank()) {
            return Long.MAX_VALUE;
        }
        long mib;
        try {
            mib = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            mib = -1;
        }
        if (mib < 0) {
            throw new IllegalArgumentException("-D" + POOL_PROPERTY + "=" + value
                    + ": expected the pool's size in MiB, a number >= 0");
        }
        return mib << 20;
    }

    /** The process-wide allocator. */
    public static LimbAllocator shared() {
        return SHARED;
    }

    /** Off-heap memory mapped at once for the limbs one request lacked; freed when all of them are idle. */
    private static final class Slab {
        final Arena arena;
        final int limbs;
        final long limbBytes;
        int idleLimbs; // guarded by the allocator

        Slab(Arena arena, int limbs, long limbBytes) {
            this.arena = arena;
            this.limbs = limbs;
            this.limbBytes = limbBytes;
        }
    }

    private record Limb(Slab slab, MemorySegment segment) {}

    /** Limbs of one size on loan from the allocator. Close it once to give them back. */
    public final class Block implements AutoCloseable {
        private final Limb[] limbs;
        private final MemorySegment[] segments;
        private final AtomicBoolean released = new AtomicBoolean();

        private Block(Limb[] limbs) {
            this.limbs = limbs;
            this.segments = new MemorySegment[limbs.length];
            for (int i = 0; i < limbs.length; i++) {
                segments[i] = limbs[i].segment;
            }
        }

        /** Limb i; do not use it after {@link #close()}. */
        public MemorySegment limb(int i) {
            if (released.get()) {
                throw new IllegalStateException("block of " + bytes() + " bytes used after it was released");
            }
            return segments[i];
        }

        public int limbCount() {
            return segments.length;
        }

        public long limbBytes() {
            return segments[0].byteSize();
        }

        public long bytes() {
            return limbCount() * limbBytes();
        }

        /** Returns the limbs to the pool. Closing twice is an error: it would hand the memory out twice. */
        @Override
        public void close() {
            if (!released.compareAndSet(false, true)) {
                throw new IllegalStateException("block of " + bytes() + " bytes released twice");
            }
            release(this);
        }
    }

    /**
     * A block of {@code count} limbs of {@code limbBytes} bytes each (positive, a multiple of 4), idle limbs of that
     * size first; fresh memory (one slab) only for the limbs the pool lacks.
     */
    public Block allocate(long limbBytes, int count) {
        if (limbBytes <= 0 || limbBytes % Integer.BYTES != 0 || count <= 0) {
            throw new IllegalArgumentException(count + " limbs of " + limbBytes + " bytes: expected at least one limb"
                    + " of a positive multiple of 4 bytes");
        }
        Limb[] limbs = new Limb[count];
        int have = 0;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("allocator '" + name + "' is closed");
            }
            ArrayDeque<Limb> free = idle.get(limbBytes);
            while (have < count && free != null && !free.isEmpty()) {
                Limb l = free.pop();
                if (l.slab.idleLimbs-- == l.slab.limbs) {
                    idleSlabs.remove(l.slab);
                }
                limbs[have++] = l;
            }
            pooled -= have * limbBytes;
            live += count * limbBytes;
            liveBlocks++;
            peak = Math.max(peak, live);
            if (have < count) {
                fresh++;
            }
        }
        if (have < count) { // map outside the lock: Arena.allocate zeroes the memory, which takes a while
            long stride = (limbBytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
            Arena arena = Arena.ofShared();
            Slab slab = new Slab(arena, count - have, limbBytes);
            MemorySegment memory = arena.allocate(stride * slab.limbs, ALIGNMENT);
            for (int i = 0; have < count; i++) {
                limbs[have++] = new Limb(slab, memory.asSlice(i * stride, limbBytes));
            }
        }
        return new Block(limbs);
    }

    private synchronized void release(Block block) {
        long limbBytes = block.limbBytes();
        live -= block.bytes();
        liveBlocks--;
        ArrayDeque<Limb> free = idle.computeIfAbsent(limbBytes, b -> new ArrayDeque<>());
        for (Limb l : block.limbs) {
            free.push(l);
            if (++l.slab.idleLimbs == l.slab.limbs) {
                idleSlabs.add(l.slab);
            }
        }
        pooled += block.bytes();
        if (closed) {
            trim();
        } else if (pooled > maxPooledBytes) {
            freeIdleSlabs(maxPooledBytes);
        }
    }

    /** Frees slabs whose limbs are all idle, oldest first, until at most {@code keep} bytes are idle. */
    private synchronized void freeIdleSlabs(long keep) {
        for (Iterator<Slab> it = idleSlabs.iterator(); it.hasNext() && pooled > keep; ) {
            Slab s = it.next();
            it.remove();
            idle.get(s.limbBytes).removeIf(l -> l.slab == s);
            pooled -= s.limbs * s.limbBytes;
            s.arena.close();
        }
    }

    /** Allocations that found too few idle limbs and mapped fresh memory. */
    public synchronized long freshAllocations() {
        return fresh;
    }

    /** Bytes in blocks handed out and not yet closed. */
    public synchronized long liveBytes() {
        return live;
    }

    /** Number of blocks handed out and not yet closed. */
    public synchronized long liveBlocks() {
        return liveBlocks;
    }

    /** The largest {@link #liveBytes()} seen since creation or the last {@link #resetPeak()}. */
    public synchronized long peakBytes() {
        return peak;
    }

    /** Bytes held idle in the pool. */
    public synchronized long pooledBytes() {
        return pooled;
    }

    /** Starts a new peak measurement from the current live bytes. */
    public synchronized void resetPeak() {
        peak = live;
    }

    /** Frees every slab whose limbs are all idle (idle limbs of slabs that still lend some stay pooled). */
    public synchronized void trim() {
        freeIdleSlabs(0);
    }

    /**
     * Frees the pool; blocks still live are freed when they are closed. Throws if any block is still live,
     * because that is a leak (the shared allocator cannot be closed).
     */
    @Override
    public synchronized void close() {
        if (this == SHARED) {
            throw new UnsupportedOperationException("the shared allocator lives as long as the process");
        }
        closed = true;
        trim();
        if (liveBlocks != 0) {
            throw new IllegalStateException("allocator '" + name + "' closed with " + liveBlocks
                    + " blocks (" + live + " bytes) still live: a leak");
        }
    }

    @Override
    public synchronized String toString() {
        return "LimbAllocator[" + name + ", live " + live + " B, peak " + peak + " B, pooled " + pooled + " B]";
    }
}
