package dev.hyphenj.ntt;

import java.lang.foreign.MemorySegment;

/**
 * The hot loops over one RNS limb: n unsigned residues, stored as {@code int}s in a {@link MemorySegment} of 4n
 * bytes. Two implementations compute bit-identical results: {@link #vector()} (the JDK Vector API, the default) and
 * {@link #scalar()} (plain Java over arrays, the reference). The system property {@code hyphen.kernels}
 * ({@code vector} or {@code scalar}) picks the default.
 *
 * <p>Value ranges are part of each contract. Unless a method says otherwise, inputs and outputs are fully reduced,
 * in [0, q). Output segments may alias inputs.
 */
public interface Kernels {
    /** Name of this implementation, {@code "vector"} or {@code "scalar"}, with the vector width where it has one. */
    String name();

    /** In-place negacyclic forward NTT, bit-reversed output. Input in [0, 4q), output in [0, q). */
    void forwardNtt(MemorySegment a, NttTables t);

    /** In-place inverse of {@link #forwardNtt}, N^-1 included. Input in [0, 2q), output in [0, q). */
    void inverseNtt(MemorySegment a, NttTables t);

    /** out = a + b mod q. */
    void add(MemorySegment a, MemorySegment b, MemorySegment out, Modulus m);

    /** out = a - b mod q. */
    void sub(MemorySegment a, MemorySegment b, MemorySegment out, Modulus m);

    /** out = -a mod q. */
    void negate(MemorySegment a, MemorySegment out, Modulus m);

    /** out = a * b mod q for two varying operands (Barrett). */
    void mul(MemorySegment a, MemorySegment b, MemorySegment out, Modulus m);

    /** acc = acc + a * b mod q for two varying operands (Barrett). */
    void mulAdd(MemorySegment a, MemorySegment b, MemorySegment acc, Modulus m);

    /** out = a * w mod q for a fixed operand w with its Shoup companion ws (see {@link ModArith#shoup}). */
    void mulShoup(MemorySegment a, MemorySegment w, MemorySegment ws, MemorySegment out, Modulus m);

    /** acc = acc + a * w mod q for a fixed operand w with its Shoup companion ws. */
    void mulAddShoup(MemorySegment a, MemorySegment w, MemorySegment ws, MemorySegment acc, Modulus m);

    /**
     * out = x mod q' for each residue x of a modulo another prime p, taken centered (x > (p-1)/2 stands for x - p):
     * moves a limb to another modulus, as rescaling does with the dropped limb.
     */
    void switchModulus(MemorySegment a, Modulus from, MemorySegment out, Modulus to);

    /**
     * In place, the mixed-radix digits of the centered value of a residue pair, the first step of rescaling by two
     * primes at once. On input a holds x mod qa and b holds x mod qb, for distinct primes qa and qb. With P = qa qb,
     * H = (P - 1) / 2 and r the centered remainder of x modulo P (r = x mod P, minus P when above H, so |r| <= H),
     * v = r + H lies in [0, P) and is written as v = d0 + qa d1 with d0 = v mod qa, d1 = floor(v / qa) in [0, qb):
     * a receives d0 and b receives d1. (Formed as d0 = (a + H) mod qa, d1 = ((b + H) mod qb - d0) qa^-1 mod qb: no
     * 64-bit value and no comparison with P / 2.) {@link #switchModulusPair} then moves r to any other prime.
     */
    void pairDigits(MemorySegment a, Modulus qa, MemorySegment b, Modulus qb);

    /**
     * out = r mod q' for the centered r = d0 + qa d1 - H whose digits {@link #pairDigits} wrote into d0 and d1
     * (H = (qa qb - 1) / 2): {@link #switchModulus} for a value of two primes. d0 in [0, qa), d1 in [0, qb).
     */
    void switchModulusPair(MemorySegment d0, MemorySegment d1, Modulus qa, Modulus qb, MemorySegment out, Modulus to);

    /**
     * The inner product of key switching, for one limb: acc0 = sum_j x_j w_j and acc1 = sum_j x_j v_j modulo q, over
     * the digits j, with the key operands w_j and v_j in Montgomery form (times 2^32 mod q). One pass reads each x_j
     * once and writes each sum once. Keys need no Shoup companions this way: half the bytes to store and to stream
     * from memory, which is what bounds this kernel.
     */
    void innerProduct(MemorySegment[] x, MemorySegment[] w, MemorySegment[] v, MemorySegment acc0, MemorySegment acc1,
            Modulus m);

    /** out = a * c mod q for a constant c in [0, q). */
    void mulScalar(MemorySegment a, int c, MemorySegment out, Modulus m);

    /** out = a + c mod q for a constant c in [0, q) (a constant polynomial's NTT is that constant everywhere). */
    void addScalar(MemorySegment a, int c, MemorySegment out, Modulus m);

    /**
     * out = a(X^k) for an NTT-domain limb a and odd k in [1, 2N) (see {@link Automorphism}): a permutation of the
     * residues. out may alias a.
     */
    void automorphismNtt(MemorySegment a, int k, MemorySegment out);

    /**
     * out[i] = a[index[i]], negated modulo q where negate[i] is -1 (0 elsewhere): an automorphism of a
     * coefficient-domain limb. out may alias a.
     */
    void permuteNegate(MemorySegment a, int[] index, int[] negate, MemorySegment out, Modulus m);

    /**
     * Fast base conversion of the k limbs {@code in} to the converter's target primes (see {@link BaseConverter}),
     * one limb of {@code out} per target prime, n residues per limb.
     */
    default void baseConvert(BaseConverter bc, MemorySegment[] in, MemorySegment[] out, int n) {
        baseConvert(bc, in, out, n, 0, n);
    }

    /**
     * {@link #baseConvert(BaseConverter, MemorySegment[], MemorySegment[], int)} of the coefficients start..end-1 only
     * (the others of {@code out} are left as they are), so that ranges can run on different threads. start and end
     * are multiples of 64, or end = n.
     */
    void baseConvert(BaseConverter bc, MemorySegment[] in, MemorySegment[] out, int n, int start, int end);

    /** The default implementation: vector unless {@code -Dhyphen.kernels=scalar} or the Vector API is missing. */
    static Kernels get() {
        return KernelProvider.DEFAULT;
    }

    /** The plain-Java reference implementation. */
    static Kernels scalar() {
        return KernelProvider.SCALAR;
    }

    /** The Vector API implementation; throws if {@code jdk.incubator.vector} is not available. */
    static Kernels vector() {
        return KernelProvider.vector();
    }
}
