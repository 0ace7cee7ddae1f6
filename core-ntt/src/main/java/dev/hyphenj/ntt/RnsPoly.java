package dev.hyphenj.ntt;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;

/**
 * A polynomial of Z_Q[X]/(X^N + 1) in RNS form: one limb of N residues per prime of its basis, each limb 64-byte
 * aligned off-heap memory from a {@link LimbAllocator} (the limbs of one polynomial need not be adjacent). Close it to
 * return the limbs. A {@linkplain #view view} reads and writes memory that something else owns (a slice of a mapped
 * file) instead.
 *
 * <p>The polynomial does not track whether it is in the coefficient or the NTT domain: the scheme layer does.
 * Binary operations require operands over the same basis and write into {@code out}, which may be an operand.
 * All residues are kept fully reduced.
 */
public final class RnsPoly implements AutoCloseable {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    private final RnsBasis basis;
    /** The owned limbs, or null for a view. */
    private final LimbAllocator.Block block;
    /** The viewed limbs, or null when the polynomial owns a block. */
    private final MemorySegment[] view;
    private final Kernels kernels;

    private RnsPoly(RnsBasis basis, LimbAllocator allocator, Kernels kernels) {
        this.basis = basis;
        this.block = allocator.allocate(basis.limbBytes(), basis.size());
        this.view = null;
        this.kernels = kernels;
    }

    private RnsPoly(RnsBasis basis, MemorySegment[] view) {
        this.basis = basis;
        this.block = null;
        this.view = view;
        this.kernels = Kernels.get();
    }

    /** A zero polynomial over {@code basis}, from {@code allocator}, computed with the default kernels. */
    public static RnsPoly zeros(RnsBasis basis, LimbAllocator allocator) {
        RnsPoly p = new RnsPoly(basis, allocator, Kernels.get());
        Parallel.forEach(p.limbCount(), l -> p.limb(l).fill((byte) 0));
        return p;
    }

    /** A zero polynomial from the shared allocator. */
    public static RnsPoly zeros(RnsBasis basis) {
        return zeros(basis, LimbAllocator.shared());
    }

    /**
     * A polynomial from the shared allocator whose residues are unspecified (a reused limb holds what its last
     * user wrote): for outputs that an operation overwrites entirely, which then skip zeroing.
     */
    public static RnsPoly allocate(RnsBasis basis) {
        return new RnsPoly(basis, LimbAllocator.shared(), Kernels.get());
    }

    /**
     * A polynomial over {@code basis} whose residues are those in {@code segment}, not copied: limb-major, N
     * native-order ints per limb, exactly {@code basis.size()} limbs, in native memory aligned to
     * {@link LimbAllocator#ALIGNMENT} bytes that every thread may access (operations run on the {@link Parallel} pool:
     * a shared or global arena, not a confined one). The polynomial does not own the memory: {@link #close()} does
     * nothing, whoever owns the segment (its arena) frees it, and using the view after that throws. A read-only
     * segment gives a polynomial whose writes throw.
     */
    public static RnsPoly view(RnsBasis basis, MemorySegment segment) {
        long limbBytes = basis.limbBytes(), bytes = limbBytes * basis.size();
        if (segment.byteSize() != bytes) {
            throw new IllegalArgumentException("a view of " + basis.size() + " limbs of N = " + basis.n() + " needs "
                    + bytes + " bytes, not " + segment.byteSize());
        }
        if (!segment.isNative() || segment.address() % LimbAllocator.ALIGNMENT != 0) {
            throw new IllegalArgumentException("a view needs native memory aligned to " + LimbAllocator.ALIGNMENT
                    + " bytes, not " + segment);
        }
        MemorySegment[] limbs = new MemorySegment[basis.size()];
        for (int l = 0; l < limbs.length; l++) {
            limbs[l] = segment.asSlice(l * limbBytes, limbBytes);
        }
        return new RnsPoly(basis, limbs);
    }

    /** A copy of {@code src} from the shared allocator. */
    public static RnsPoly copyOf(RnsPoly src) {
        return allocate(src.basis).copyFrom(src);
    }

    /** The polynomial with the given signed integer coefficients, reduced modulo every prime of the basis. */
    public static RnsPoly fromCoefficients(RnsBasis basis, long[] coefficients) {
        if (coefficients.length != basis.n()) {
            throw new IllegalArgumentException(coefficients.length + " coefficients for a ring of degree " + basis.n());
        }
        RnsPoly p = zeros(basis);
        for (int l = 0; l < basis.size(); l++) {
            long q = basis.prime(l);
            for (int i = 0; i < basis.n(); i++) {
                p.set(l, i, (int) Math.floorMod(coefficients[i], q));
            }
        }
        return p;
    }

    /** The polynomial with the given big integer coefficients, reduced modulo every prime of the basis. */
    public static RnsPoly fromCoefficients(RnsBasis basis, BigInteger[] coefficients) {
        if (coefficients.length != basis.n()) {
            throw new IllegalArgumentException(coefficients.length + " coefficients for a ring of degree " + basis.n());
        }
        RnsPoly p = zeros(basis);
        for (int l = 0; l < basis.size(); l++) {
            BigInteger q = BigInteger.valueOf(basis.prime(l));
            for (int i = 0; i < basis.n(); i++) {
                p.set(l, i, coefficients[i].mod(q).intValue());
            }
        }
        return p;
    }

    public RnsBasis basis() {
        return basis;
    }

    public int n() {
        return basis.n();
    }

    public int limbCount() {
        return basis.size();
    }

    /**
     * Limb l as a segment of N ints (writes go to this polynomial). Throws once the polynomial is closed, so that a
     * stale reference cannot write into limbs that another owner now holds; a view's limbs throw once their owner has
     * freed them.
     */
    public MemorySegment limb(int l) {
        return block != null ? block.limb(l) : view[l];
    }

    /** Limbs from (inclusive) to to (exclusive), in order: the operands of a base conversion. */
    public MemorySegment[] limbs(int from, int to) {
        MemorySegment[] limbs = new MemorySegment[to - from];
        for (int l = from; l < to; l++) {
            limbs[l - from] = limb(l);
        }
        return limbs;
    }

    /** Whether every residue equals the other polynomial's (same limb count and ring degree required). */
    public boolean equalResidues(RnsPoly other) {
        check("equalResidues", other);
        for (int l = 0; l < limbCount(); l++) {
            if (limb(l).mismatch(other.limb(l)) != -1) {
                return false;
            }
        }
        return true;
    }

    public int get(int limb, int i) {
        return limb(limb).getAtIndex(INT, i);
    }

    public void set(int limb, int i, int value) {
        if (value < 0 || value >= basis.prime(limb)) {
            throw new IllegalArgumentException("residue " + value + " is outside [0, " + basis.prime(limb) + ")");
        }
        limb(limb).setAtIndex(INT, i, value);
    }

    /**
     * Limb l copied into an array. (By a bulk copy, not {@code MemorySegment.toArray}, which wraps the array in a heap
     * segment: the first heap segment class the JVM loads invalidates the class-hierarchy assumptions of every
     * compiled kernel, and they come back slower, checking each access for either kind of segment.)
     */
    public int[] limbToArray(int l) {
        int[] out = new int[n()];
        MemorySegment.copy(limb(l), INT, 0, out, 0, out.length);
        return out;
    }

    /** Copies the residues of {@code other}, which must have the same basis. */
    public RnsPoly copyFrom(RnsPoly other) {
        check("copyFrom", other);
        Parallel.forEach(limbCount(), l -> limb(l).copyFrom(other.limb(l)));
        return this;
    }

    /**
     * Copies {@code count} limbs of {@code src}, starting at its limb {@code srcFirst}, into this polynomial's limbs
     * from {@code dstFirst}; the primes of the limbs must match.
     */
    public RnsPoly copyLimbsFrom(RnsPoly src, int srcFirst, int dstFirst, int count) {
        if (src.n() != n() || srcFirst < 0 || dstFirst < 0 || count < 0 || srcFirst + count > src.limbCount()
                || dstFirst + count > limbCount()) {
            throw new IllegalArgumentException("copyLimbsFrom: " + count + " limbs from " + srcFirst + " of " + src
                    + " to " + dstFirst + " of " + this);
        }
        for (int i = 0; i < count; i++) {
            if (src.basis.prime(srcFirst + i) != basis.prime(dstFirst + i)) {
                throw new IllegalArgumentException("copyLimbsFrom: limb " + (srcFirst + i) + " is modulo "
                        + src.basis.prime(srcFirst + i) + ", limb " + (dstFirst + i) + " modulo " + basis.prime(dstFirst + i));
            }
        }
        Parallel.forEach(count, i -> limb(dstFirst + i).copyFrom(src.limb(srcFirst + i)));
        return this;
    }

    /** Sets every residue to zero, on the calling thread: it wipes secrets, which must not depend on the pool. */
    public RnsPoly clear() {
        for (int l = 0; l < limbCount(); l++) {
            limb(l).fill((byte) 0);
        }
        return this;
    }

    public void add(RnsPoly b, RnsPoly out) {
        check("add", b, out);
        Parallel.forEach(limbCount(), l -> kernels.add(limb(l), b.limb(l), out.limb(l), basis.modulus(l)));
    }

    public void sub(RnsPoly b, RnsPoly out) {
        check("sub", b, out);
        Parallel.forEach(limbCount(), l -> kernels.sub(limb(l), b.limb(l), out.limb(l), basis.modulus(l)));
    }

    public void negate(RnsPoly out) {
        check("negate", out);
        Parallel.forEach(limbCount(), l -> kernels.negate(limb(l), out.limb(l), basis.modulus(l)));
    }

    /** out = this * b coefficient-wise (a ring product when both are in the NTT domain). */
    public void mul(RnsPoly b, RnsPoly out) {
        check("mul", b, out);
        Parallel.forEach(limbCount(), l -> kernels.mul(limb(l), b.limb(l), out.limb(l), basis.modulus(l)));
    }

    /** acc += this * b coefficient-wise. */
    public void mulAdd(RnsPoly b, RnsPoly acc) {
        check("mulAdd", b, acc);
        Parallel.forEach(limbCount(), l -> kernels.mulAdd(limb(l), b.limb(l), acc.limb(l), basis.modulus(l)));
    }

    /** Writes into {@code out} the Shoup companions floor(w * 2^32 / q) of this polynomial's residues w. */
    public void shoupCompanions(RnsPoly out) {
        check("shoupCompanions", out);
        for (int l = 0; l < limbCount(); l++) {
            long q = basis.prime(l);
            MemorySegment w = limb(l), o = out.limb(l);
            for (int i = 0; i < n(); i++) {
                o.setAtIndex(INT, i, ModArith.shoup(w.getAtIndex(INT, i), q));
            }
        }
    }

    /** out = this * w coefficient-wise, for a fixed w with companions {@code wShoup} (see {@link #shoupCompanions}). */
    public void mulShoup(RnsPoly w, RnsPoly wShoup, RnsPoly out) {
        check("mulShoup", w, wShoup, out);
        Parallel.forEach(limbCount(), l ->
                kernels.mulShoup(limb(l), w.limb(l), wShoup.limb(l), out.limb(l), basis.modulus(l)));
    }

    /** acc += this * w coefficient-wise, for a fixed w with companions {@code wShoup}. */
    public void mulAddShoup(RnsPoly w, RnsPoly wShoup, RnsPoly acc) {
        check("mulAddShoup", w, wShoup, acc);
        Parallel.forEach(limbCount(), l ->
                kernels.mulAddShoup(limb(l), w.limb(l), wShoup.limb(l), acc.limb(l), basis.modulus(l)));
    }

    /** out = c * this for an integer constant c (any sign), reduced per prime. */
    public void mulScalar(long c, RnsPoly out) {
        check("mulScalar", out);
        Parallel.forEach(limbCount(), l ->
                kernels.mulScalar(limb(l), (int) Math.floorMod(c, basis.prime(l)), out.limb(l), basis.modulus(l)));
    }

    /** Coefficient domain to NTT domain, in place. */
    public void forwardNtt() {
        Parallel.forEach(limbCount(), l -> kernels.forwardNtt(limb(l), basis.tables(l)));
    }

    /** NTT domain to coefficient domain, in place. */
    public void inverseNtt() {
        Parallel.forEach(limbCount(), l -> kernels.inverseNtt(limb(l), basis.tables(l)));
    }

    /** out = this(X^k) for odd k, this in the NTT domain. {@code out} may be this polynomial. */
    public void automorphismNtt(long k, RnsPoly out) {
        check("automorphismNtt", out);
        int kk = Automorphism.normalize(n(), k);
        Parallel.forEach(limbCount(), l -> kernels.automorphismNtt(limb(l), kk, out.limb(l)));
    }

    /** out = this(X^k) for odd k, this in the coefficient domain. {@code out} may be this polynomial. */
    public void automorphismCoefficients(long k, RnsPoly out) {
        check("automorphismCoefficients", out);
        Automorphism.CoefficientMap map = Automorphism.cachedCoefficientMap(n(), k);
        Parallel.forEach(limbCount(), l ->
                kernels.permuteNegate(limb(l), map.index(), map.negate(), out.limb(l), basis.modulus(l)));
    }

    /** Returns the limbs to their allocator; does nothing for a {@linkplain #view view}. */
    @Override
    public void close() {
        if (block != null) {
            block.close();
        }
    }

    private void check(String op, RnsPoly... others) {
        for (RnsPoly o : others) {
            if (o.n() != n()) {
                throw new IllegalArgumentException(op + ": ring degrees differ (N = " + n() + " and " + o.n() + ")");
            }
            if (o.limbCount() != limbCount()) {
                throw new IllegalArgumentException(op + ": mismatched limb counts (" + limbCount() + " and "
                        + o.limbCount() + ")");
            }
            if (!o.basis.equals(basis)) {
                throw new IllegalArgumentException(op + ": operands are over different primes");
            }
        }
    }

    @Override
    public String toString() {
        return "RnsPoly[N=" + n() + ", " + limbCount() + " limbs]";
    }
}
