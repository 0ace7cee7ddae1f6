package dev.hyphenj.ckks;

import dev.hyphenj.ntt.Kernels;
import dev.hyphenj.ntt.LimbAllocator;
import dev.hyphenj.ntt.ModArith;
import dev.hyphenj.ntt.Modulus;
import dev.hyphenj.ntt.Parallel;
import dev.hyphenj.ntt.RnsBasis;
import dev.hyphenj.ntt.RnsPoly;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Homomorphic operations on ciphertexts. Results are new ciphertexts (close them); inputs are not modified unless
 * a method says "InPlace". Binary operations on ciphertexts at different levels work at the lower level; their
 * scales must agree to a relative 2^-20 (scales are tracked exactly, so equal paths give equal scales).
 */
public final class Evaluator {
    private static final double SCALE_TOLERANCE = 0x1p-20;

    private final Parameters params;
    private final EvaluationKeys keys;
    private final KeySwitcher switcher;
    private final Encoder encoder;
    private final Kernels kernels = Kernels.get();
    private final LongAdder keySwitches = new LongAdder();

    /** An evaluator with evaluation keys (may be null for operations that need none). */
    public Evaluator(Parameters params, EvaluationKeys keys) {
        this.params = params;
        this.keys = keys;
        this.switcher = new KeySwitcher(params);
        this.encoder = new Encoder(params);
    }

    public Parameters parameters() {
        return params;
    }

    /** Key switches this evaluator has performed (relinearizations, rotations, conjugations), for op counts. */
    public long keySwitchCount() {
        return keySwitches.sum();
    }

    // ------------------------------------------------------------------------------------------------ additive

    public Ciphertext add(Ciphertext a, Ciphertext b) {
        return combine("add", a, b, false);
    }

    public Ciphertext sub(Ciphertext a, Ciphertext b) {
        return combine("sub", a, b, true);
    }

    /** acc += b; b may be at a higher level than acc (its extra limbs are ignored), not lower. */
    public void addInPlace(Ciphertext acc, Ciphertext b) {
        checkScales("addInPlace", acc.scale(), b.scale());
        if (b.level() < acc.level()) {
            throw new IllegalArgumentException("addInPlace: operand at level " + b.level() + " below the accumulator's "
                    + acc.level() + " (drop the accumulator's level first)");
        }
        RnsBasis basis = params.basisQ(acc.level());
        Parallel.forEach(basis.size(), i -> {
            kernels.add(acc.c0().limb(i), b.c0().limb(i), acc.c0().limb(i), basis.modulus(i));
            kernels.add(acc.c1().limb(i), b.c1().limb(i), acc.c1().limb(i), basis.modulus(i));
        });
    }

    public Ciphertext negate(Ciphertext a) {
        Ciphertext r = a.copy();
        r.c0().negate(r.c0());
        r.c1().negate(r.c1());
        return r;
    }

    /** a + p, p at a's scale (to 2^-20) and at a level not below a's. */
    public Ciphertext addPlain(Ciphertext a, Plaintext p) {
        checkScales("addPlain", a.scale(), p.scale());
        checkPlainLevel("addPlain", a, p);
        RnsBasis basis = params.basisQ(a.level());
        RnsPoly c0 = RnsPoly.allocate(basis);
        Parallel.forEach(basis.size(), i -> kernels.add(a.c0().limb(i), p.poly().limb(i), c0.limb(i),
                basis.modulus(i)));
        return new Ciphertext(c0, RnsPoly.copyOf(a.c1()), a.level(), a.scale(), a.logSlots());
    }

    /**
     * a + c in every slot: round(c * scale) added to every residue of c0, the NTT of the constant polynomial
     * ({@link Encoder#constantResidues}), in one pass and without a plaintext.
     */
    public Ciphertext addConstant(Ciphertext a, double c) {
        int[] residues = encoder.constantResidues(c, a.level(), a.scale());
        RnsBasis basis = params.basisQ(a.level());
        RnsPoly c0 = RnsPoly.allocate(basis);
        Parallel.forEach(basis.size(), i -> kernels.addScalar(a.c0().limb(i), residues[i], c0.limb(i),
                basis.modulus(i)));
        return new Ciphertext(c0, RnsPoly.copyOf(a.c1()), a.level(), a.scale(), a.logSlots());
    }

    // ------------------------------------------------------------------------------------------------ multiplicative

    /** a * p slot-wise; the scale becomes a.scale * p.scale (rescale afterwards). */
    public Ciphertext mulPlain(Ciphertext a, Plaintext p) {
        checkPlainLevel("mulPlain", a, p);
        RnsBasis basis = params.basisQ(a.level());
        RnsPoly c0 = RnsPoly.allocate(basis), c1 = RnsPoly.allocate(basis);
        Parallel.forEach(basis.size(), i -> {
            kernels.mul(a.c0().limb(i), p.poly().limb(i), c0.limb(i), basis.modulus(i));
            kernels.mul(a.c1().limb(i), p.poly().limb(i), c1.limb(i), basis.modulus(i));
        });
        return new Ciphertext(c0, c1, a.level(), a.scale() * p.scale(), a.logSlots());
    }

    /**
     * The sum of a[i] * p[i] slot-wise, in one pass over the limbs (each limb of the result formed from the terms'
     * limbs at once): a convolution's sum of plaintext products. The ciphertexts must share a level and a scale, and
     * so must the plaintexts; the result's scale is their product.
     */
    public Ciphertext mulPlainSum(Ciphertext[] a, Plaintext[] p) {
        if (a.length == 0 || a.length != p.length) {
            throw new IllegalArgumentException("mulPlainSum: " + a.length + " ciphertexts and " + p.length
                    + " plaintexts");
        }
        for (int i = 0; i < a.length; i++) {
            checkPlainLevel("mulPlainSum", a[i], p[i]);
            checkScales("mulPlainSum", a[i].scale() * p[i].scale(), a[0].scale() * p[0].scale());
            if (a[i].level() != a[0].level()) {
                throw new IllegalArgumentException("mulPlainSum: terms at levels " + a[0].level() + " and "
                        + a[i].level());
            }
        }
        RnsBasis basis = params.basisQ(a[0].level());
        RnsPoly[] x0 = new RnsPoly[a.length], x1 = new RnsPoly[a.length], plains = new RnsPoly[a.length];
        Arrays.setAll(x0, i -> a[i].c0());
        Arrays.setAll(x1, i -> a[i].c1());
        Arrays.setAll(plains, i -> p[i].poly());
        RnsPoly c0 = RnsPoly.allocate(basis), c1 = RnsPoly.allocate(basis);
        sumOfProducts(basis, x0, x1, plains, null, c0, c1, false);
        return new Ciphertext(c0, c1, a[0].level(), a[0].scale() * p[0].scale(), a[0].logSlots());
    }

    /**
     * s0 and s1 set to (or, with add, increased by) the sums of x0[i] * d_i and x1[i] * d_i over the basis, limb by
     * limb, so that each limb of the sums takes all the terms' products while it is in cache. d_i is plains[i]'s limb,
     * or, with plains null, rounded[i]'s limb made in a scratch limb just before its products (no encoding is ever
     * written out whole).
     */
    static void sumOfProducts(RnsBasis basis, RnsPoly[] x0, RnsPoly[] x1, RnsPoly[] plains, Encoder.Rounded[] rounded,
            RnsPoly s0, RnsPoly s1, boolean add) {
        Kernels kernels = Kernels.get();
        Parallel.forEach(basis.size(), l -> {
            Modulus m = basis.modulus(l);
            try (LimbAllocator.Block scratch = plains != null ? null
                    : LimbAllocator.shared().allocate(basis.limbBytes(), 1)) {
                for (int i = 0; i < x0.length; i++) {
                    MemorySegment d;
                    if (plains != null) {
                        d = plains[i].limb(l);
                    } else {
                        d = scratch.limb(0);
                        rounded[i].limb(basis, l, d);
                    }
                    if (i == 0 && !add) {
                        kernels.mul(x0[i].limb(l), d, s0.limb(l), m);
                        kernels.mul(x1[i].limb(l), d, s1.limb(l), m);
                    } else {
                        kernels.mulAdd(x0[i].limb(l), d, s0.limb(l), m);
                        kernels.mulAdd(x1[i].limb(l), d, s1.limb(l), m);
                    }
                }
            }
        });
    }

    /** a * c for an integer c: exact, the scale is unchanged. */
    public Ciphertext mulInteger(Ciphertext a, long c) {
        Ciphertext r = a.copy();
        r.c0().mulScalar(c, r.c0());
        r.c1().mulScalar(c, r.c1());
        return r;
    }

    /**
     * a * c for a real constant: multiplies by round(c * constantScale), so the scale becomes a.scale * constantScale
     * (pass the prime that the next rescale divides by to keep the scale where it was).
     */
    public Ciphertext mulConstant(Ciphertext a, double c, double constantScale) {
        double v = Math.rint(c * constantScale);
        if (Math.abs(v) >= 0x1p62) {
            throw new IllegalArgumentException("mulConstant: " + c + " at scale " + constantScale + " overflows 2^62");
        }
        Ciphertext r = mulInteger(a, (long) v);
        r.setScale(a.scale() * constantScale);
        return r;
    }

    /**
     * sum c[i] a[i] over Q_level for integers c[i] (each a[i] at or above the level: its higher limbs are ignored, as
     * {@link #dropLevel} would drop them), with the given scale: the caller's bookkeeping, such as a[i].scale times
     * the factor c[i] was rounded at. One pass per limb over every term's limbs, where products and sums one by one
     * write and read back a ciphertext per term: a polynomial's linear combinations of its power basis.
     */
    public Ciphertext linearCombination(Ciphertext[] a, long[] c, int level, double scale) {
        if (a.length == 0 || a.length != c.length) {
            throw new IllegalArgumentException("linearCombination: " + a.length + " ciphertexts and " + c.length
                    + " constants");
        }
        for (Ciphertext x : a) {
            if (x.level() < level) {
                throw new IllegalArgumentException("linearCombination: a term at level " + x.level() + " below "
                        + level);
            }
        }
        RnsBasis basis = params.basisQ(level);
        RnsPoly c0 = RnsPoly.allocate(basis), c1 = RnsPoly.allocate(basis);
        Parallel.forEach(basis.size(), l -> {
            var m = basis.modulus(l);
            try (LimbAllocator.Block term = LimbAllocator.shared().allocate(basis.limbBytes(), 1)) {
                MemorySegment t = term.limb(0);
                for (int part = 0; part < 2; part++) {
                    MemorySegment acc = (part == 0 ? c0 : c1).limb(l);
                    for (int i = 0; i < a.length; i++) {
                        int ci = (int) Math.floorMod(c[i], m.q());
                        MemorySegment x = (part == 0 ? a[i].c0() : a[i].c1()).limb(l);
                        kernels.mulScalar(x, ci, i == 0 ? acc : t, m);
                        if (i > 0) {
                            kernels.add(acc, t, acc, m);
                        }
                    }
                }
            }
        });
        return new Ciphertext(c0, c1, level, scale, a[0].logSlots());
    }

    /** a * b slot-wise with relinearization; the scale becomes a.scale * b.scale (rescale afterwards). */
    public Ciphertext multiply(Ciphertext a, Ciphertext b) {
        int level = Math.min(a.level(), b.level());
        RnsBasis basis = params.basisQ(level);
        RnsPoly d0 = RnsPoly.allocate(basis), d1 = RnsPoly.allocate(basis);
        try (RnsPoly d2 = RnsPoly.allocate(basis); RnsPoly k0 = RnsPoly.allocate(basis);
                RnsPoly k1 = RnsPoly.allocate(basis)) {
            Parallel.forEach(basis.size(), i -> {
                var m = basis.modulus(i);
                MemorySegment a0 = a.c0().limb(i), a1 = a.c1().limb(i), b0 = b.c0().limb(i), b1 = b.c1().limb(i);
                kernels.mul(a0, b0, d0.limb(i), m);
                kernels.mul(a0, b1, d1.limb(i), m);
                kernels.mulAdd(a1, b0, d1.limb(i), m);
                kernels.mul(a1, b1, d2.limb(i), m);
            });
            try (KeySwitcher.Decomposition dec = switcher.decompose(d2, level)) {
                switcher.switchKey(dec, keys().relinearization(), k0, k1);
            }
            keySwitches.increment();
            d0.add(k0, d0);
            d1.add(k1, d1);
        }
        return new Ciphertext(d0, d1, level, a.scale() * b.scale(), Math.min(a.logSlots(), b.logSlots()));
    }

    /**
     * Divides by the primes of the ciphertext's level (one or two) and drops them: the level falls by one and the
     * scale is divided by their product, exactly. Each coefficient x becomes round(x / q) for a one-prime level q and
     * round(x / (qa qb)) for a two-prime level, the correctly rounded quotient in both cases (the divisor is odd, so
     * there are no ties; x may be taken as any representative modulo Q, the results agree modulo the remaining Q).
     */
    public Ciphertext rescale(Ciphertext a) {
        int level = a.level();
        if (level == 0) {
            throw new IllegalArgumentException("rescale: the ciphertext is at level 0, nothing left to divide by");
        }
        int keep = params.primesAtLevel(level - 1), limbs = params.primesAtLevel(level);
        RnsBasis from = params.basisQ(level), to = params.basisQ(level - 1);
        double scale = a.scale();
        RnsPoly[] parts = {a.c0(), a.c1()};
        RnsPoly[] out = limbs - keep == 2 ? divideByPrimePair(parts, from, to) : divideByEachPrime(parts, from, to);
        for (int drop = limbs - 1; drop >= keep; drop--) {
            scale /= from.prime(drop);
        }
        return new Ciphertext(out[0], out[1], level - 1, scale, a.logSlots());
    }

    /** Rescales the NTT-domain parts by the primes above {@code to}, one after the other (a one-prime level). */
    private RnsPoly[] divideByEachPrime(RnsPoly[] parts, RnsBasis from, RnsBasis to) {
        int keep = to.size(), limbs = from.size();
        RnsPoly[] out = new RnsPoly[2];
        Parallel.forEach(2, c -> {
            try (RnsPoly work = RnsPoly.copyOf(parts[c]); RnsPoly last = RnsPoly.allocate(from)) {
                for (int drop = limbs - 1; drop >= keep; drop--) {
                    var dm = from.modulus(drop);
                    kernels.inverseNtt(work.limb(drop), from.tables(drop));
                    for (int i = 0; i < drop; i++) {
                        var m = from.modulus(i);
                        MemorySegment t = last.limb(i);
                        kernels.switchModulus(work.limb(drop), dm, t, m);
                        kernels.forwardNtt(t, from.tables(i));
                        kernels.sub(work.limb(i), t, work.limb(i), m);
                        kernels.mulScalar(work.limb(i), (int) ModArith.invMod(dm.q(), m.q()), work.limb(i), m);
                    }
                }
                out[c] = RnsPoly.allocate(to).copyLimbsFrom(work, 0, 0, keep);
            }
        });
        return out;
    }

    /**
     * Rescales the NTT-domain parts by the product P = qa qb of the two primes above {@code to}, in one pass: the
     * centered remainder r of each coefficient modulo P (|r| <= (P - 1) / 2) is formed once from the two dropped limbs
     * ({@link Kernels#pairDigits}), then every remaining limb i becomes (x - r) P^-1 mod q_i, with r mod q_i
     * ({@link Kernels#switchModulusPair}) taken to the NTT domain: one forward NTT per remaining limb, where dropping
     * the primes one after the other takes two. (x - r) / P is exactly round(x / P). So was the sequential division,
     * round(round(x / qb) / qa): its two centered remainders r_b and r_a (of x mod qb, then of the quotient mod qa)
     * make r_b + qb r_a, at most (qb - 1) / 2 + qb (qa - 1) / 2 = (P - 1) / 2 in size, the centered remainder modulo
     * P; the residues are bit-identical, only the work differs.
     */
    private RnsPoly[] divideByPrimePair(RnsPoly[] parts, RnsBasis from, RnsBasis to) {
        final int keep = to.size();
        final Modulus qa = from.modulus(keep), qb = from.modulus(keep + 1);
        final long bytes = from.limbBytes();
        final int[] pInv = new int[keep];
        for (int i = 0; i < keep; i++) {
            long q = from.prime(i);
            pInv[i] = (int) ModArith.invMod(ModArith.mulMod(qa.q() % q, qb.q() % q, q), q);
        }
        RnsPoly[] out = {RnsPoly.allocate(to), RnsPoly.allocate(to)};
        try (LimbAllocator.Block scratch = LimbAllocator.shared().allocate(bytes, 4)) {
            // digits of part c in limbs 2c (d0) and 2c + 1 (d1) of the scratch block
            MemorySegment[] d = new MemorySegment[4];
            Arrays.setAll(d, scratch::limb);
            Parallel.forEach(2, c -> {
                for (int k = 0; k < 2; k++) {
                    d[2 * c + k].copyFrom(parts[c].limb(keep + k));
                    kernels.inverseNtt(d[2 * c + k], from.tables(keep + k));
                }
                kernels.pairDigits(d[2 * c], qa, d[2 * c + 1], qb);
            });
            Parallel.forEach(2 * keep, j -> {
                final int i = j >> 1, c = j & 1;
                final Modulus m = from.modulus(i);
                final MemorySegment t = out[c].limb(i);
                kernels.switchModulusPair(d[2 * c], d[2 * c + 1], qa, qb, t, m);
                kernels.forwardNtt(t, from.tables(i));
                kernels.sub(parts[c].limb(i), t, t, m);
                kernels.mulScalar(t, pInv[i], t, m);
            });
        } catch (RuntimeException | Error e) {
            out[0].close();
            out[1].close();
            throw e;
        }
        return out;
    }

    /** The ciphertext at a lower level, by dropping limbs (no division: the scale is unchanged). */
    public Ciphertext dropLevel(Ciphertext a, int toLevel) {
        if (toLevel > a.level() || toLevel < 0) {
            throw new IllegalArgumentException("dropLevel: cannot go from level " + a.level() + " to " + toLevel);
        }
        RnsBasis basis = params.basisQ(toLevel);
        int limbs = basis.size();
        RnsPoly c0 = RnsPoly.allocate(basis).copyLimbsFrom(a.c0(), 0, 0, limbs);
        RnsPoly c1 = RnsPoly.allocate(basis).copyLimbsFrom(a.c1(), 0, 0, limbs);
        return new Ciphertext(c0, c1, toLevel, a.scale(), a.logSlots());
    }

    // ------------------------------------------------------------------------------------------------ rotations

    /** Rotates the slots left by {@code steps} (negative: right). Needs the Galois key for 5^steps. */
    public Ciphertext rotate(Ciphertext a, int steps) {
        return rotateHoisted(a, new int[] {steps})[0];
    }

    /**
     * Throws, naming {@code op} and every step whose Galois key is missing, unless this evaluator holds keys for all
     * the given rotation steps (step 0 needs none).
     */
    public void requireRotationKeys(String op, int... steps) {
        requireRotationKeys(op, params.logN() - 1, steps);
    }

    /**
     * {@link #requireRotationKeys(String, int...)} for a message of 2^logSlots slots (a polynomial in X^(N/2s), as
     * the encoder makes it): a key for any of {@link Encoder#galoisElements} of a step serves.
     */
    public void requireRotationKeys(String op, int logSlots, int[] steps) {
        java.util.List<Integer> missing = new java.util.ArrayList<>();
        for (int s : steps) {
            long k = rotationElement(s, logSlots, 0);
            if (k != 1 && !keys().hasGalois(k)) {
                missing.add(s);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(op + ": no Galois key for the rotation" + (missing.size() > 1
                    ? "s by " + missing : " by " + missing.get(0)) + " slots; it needs keys for the steps "
                    + java.util.Arrays.toString(steps));
        }
    }

    /**
     * The Galois element a rotation by {@code steps} of a 2^logSlots-slot message at {@code level} uses: of
     * {@link Encoder#galoisElements}, the first with a key reaching the level, else the first with any key, else
     * the plain 5^steps (whose missing key the caller reports).
     */
    long rotationElement(int steps, int logSlots, int level) {
        long[] candidates = Encoder.galoisElements(steps, logSlots, params.n());
        if (candidates[0] == 1 || keys == null) {
            return candidates[0];
        }
        long any = 0;
        for (long k : candidates) {
            if (keys.hasGalois(k)) {
                if (keys.galois(k).level() >= level) {
                    return k;
                }
                any = any == 0 ? k : any;
            }
        }
        return any != 0 ? any : candidates[0];
    }

    /** Complex conjugation of every slot. */
    public Ciphertext conjugate(Ciphertext a) {
        return automorphisms(a, new long[] {Encoder.conjugationElement(params.n())})[0];
    }

    /**
     * Rotations of one ciphertext by several steps, sharing one decomposition of c1 (hoisting): one ModUp for all,
     * then per step an automorphism of the raised digits, the inner product with its key and a ModDown.
     */
    public Ciphertext[] rotateHoisted(Ciphertext a, int[] steps) {
        long[] elements = new long[steps.length];
        for (int i = 0; i < steps.length; i++) {
            elements[i] = Encoder.galoisElement(steps[i], params.n());
        }
        return automorphisms(a, elements);
    }

    private Ciphertext[] automorphisms(Ciphertext a, long[] elements) {
        int level = a.level();
        RnsBasis basis = params.basisQ(level);
        Ciphertext[] out = new Ciphertext[elements.length];
        try (KeySwitcher.Decomposition dec = switcher.decompose(a.c1(), level)) {
            for (int r = 0; r < elements.length; r++) {
                long k = elements[r];
                RnsPoly c0 = RnsPoly.allocate(basis), c1 = RnsPoly.allocate(basis);
                if (k == 1) {
                    c0.copyFrom(a.c0());
                    c1.copyFrom(a.c1());
                } else {
                    // the key is stored pre-permuted: X^k(c0 + k0), X^k(k1) is the rotated ciphertext
                    switcher.switchKey(dec, keys().galois(k), c0, c1);
                    keySwitches.increment();
                    c0.add(a.c0(), c0);
                    c0.automorphismNtt(k, c0);
                    c1.automorphismNtt(k, c1);
                }
                out[r] = new Ciphertext(c0, c1, level, a.scale(), a.logSlots());
            }
        }
        return out;
    }

    /**
     * The sum of a[i] rotated left by steps[i] (a zero step adds a[i] itself), with one ModDown for the whole sum:
     * each rotation's key switch is kept over Q_level and P, the automorphisms and the sum are formed there, and the
     * sum is divided by P once (a rotation's ModDown is a third of its NTTs). The terms must share a level and a
     * scale. The result differs from summing ordinary rotations by the rounding of one ModDown instead of several.
     */
    public Ciphertext rotateSum(Ciphertext[] a, int[] steps) {
        if (a.length == 0 || a.length != steps.length) {
            throw new IllegalArgumentException("rotateSum: " + a.length + " ciphertexts and " + steps.length
                    + " steps");
        }
        for (Ciphertext x : a) {
            checkScales("rotateSum", x.scale(), a[0].scale());
            if (x.level() != a[0].level()) {
                throw new IllegalArgumentException("rotateSum: terms at levels " + a[0].level() + " and " + x.level());
            }
        }
        ExtendedCiphertext sum = null;
        try {
            for (int i = 0; i < a.length; i++) {
                ExtendedCiphertext term;
                if (Math.floorMod(steps[i], 1 << a[i].logSlots()) == 0) {
                    term = extend(a[i]);
                } else {
                    try (KeySwitcher.Decomposition dec = decompose(a[i])) {
                        term = rotateExtended(a[i], dec, steps[i]);
                    }
                }
                if (sum == null) {
                    sum = term;
                } else {
                    sum.c0.add(term.c0, sum.c0);
                    sum.c1.add(term.c1, sum.c1);
                    term.close();
                }
            }
            return modDown(sum, a[0].scale(), a[0].logSlots());
        } finally {
            if (sum != null) {
                sum.close();
            }
        }
    }

    // ------------------------------------------------------------------------- double hoisting (LinearTransform)

    /**
     * The key-switching decomposition of a's c1, shared by
     * {@link #rotateExtended(Ciphertext, KeySwitcher.Decomposition, int)}.
     */
    KeySwitcher.Decomposition decompose(Ciphertext a) {
        return switcher.decompose(a.c1(), a.level());
    }

    /** P a over Q_level and P (no key switch). */
    ExtendedCiphertext extend(Ciphertext a) {
        RnsBasis qp = params.basisQP(a.level());
        RnsPoly c0 = RnsPoly.allocate(qp), c1 = RnsPoly.allocate(qp);
        switcher.liftByP(a.c0(), a.level(), c0);
        switcher.liftByP(a.c1(), a.level(), c1);
        return new ExtendedCiphertext(c0, c1, a.level());
    }

    /**
     * P rot(a, steps) over Q_level and P, without the ModDown; {@code dec} is {@link #decompose}(a). a must be a
     * message of its 2^logSlots slots (any key congruent modulo them serves).
     */
    ExtendedCiphertext rotateExtended(Ciphertext a, KeySwitcher.Decomposition dec, int steps) {
        long k = rotationElement(steps, a.logSlots(), a.level());
        RnsBasis qp = params.basisQP(a.level());
        RnsPoly c0 = RnsPoly.allocate(qp), c1 = RnsPoly.allocate(qp);
        switcher.innerProduct(dec, keys().galois(k), c0, c1);
        keySwitches.increment();
        try (RnsPoly lifted = RnsPoly.allocate(qp)) {
            switcher.liftByP(a.c0(), a.level(), lifted);
            c0.add(lifted, c0);
        }
        c0.automorphismNtt(k, c0);
        c1.automorphismNtt(k, c1);
        return new ExtendedCiphertext(c0, c1, a.level());
    }

    /**
     * P rot(a / P, steps) for an extended a holding a message of 2^logSlots slots: its c1 brought down to Q_level
     * and decomposed, the key switch kept before its ModDown and added to a's c0.
     */
    ExtendedCiphertext rotateExtended(ExtendedCiphertext a, int steps, int logSlots) {
        long k = rotationElement(steps, logSlots, a.level);
        RnsBasis qp = params.basisQP(a.level);
        RnsPoly c0 = RnsPoly.allocate(qp), c1 = RnsPoly.allocate(qp);
        try (RnsPoly c1q = RnsPoly.allocate(params.basisQ(a.level))) {
            switcher.modDown(a.c1, a.level, c1q);
            try (KeySwitcher.Decomposition dec = switcher.decompose(c1q, a.level)) {
                switcher.innerProduct(dec, keys().galois(k), c0, c1);
            }
        }
        keySwitches.increment();
        c0.add(a.c0, c0);
        c0.automorphismNtt(k, c0);
        c1.automorphismNtt(k, c1);
        return new ExtendedCiphertext(c0, c1, a.level);
    }

    /** a / P as an ordinary ciphertext at a's level, with the given scale and slot count. */
    Ciphertext modDown(ExtendedCiphertext a, double scale, int logSlots) {
        RnsBasis basis = params.basisQ(a.level);
        RnsPoly c0 = RnsPoly.allocate(basis), c1 = RnsPoly.allocate(basis);
        Parallel.forEach(2, part -> switcher.modDown(part == 0 ? a.c0 : a.c1, a.level, part == 0 ? c0 : c1));
        return new Ciphertext(c0, c1, a.level, scale, logSlots);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private EvaluationKeys keys() {
        if (keys == null) {
            throw new IllegalStateException("this evaluator has no evaluation keys");
        }
        return keys;
    }

    private Ciphertext combine(String op, Ciphertext a, Ciphertext b, boolean subtract) {
        checkScales(op, a.scale(), b.scale());
        int level = Math.min(a.level(), b.level());
        RnsBasis basis = params.basisQ(level);
        RnsPoly c0 = RnsPoly.allocate(basis), c1 = RnsPoly.allocate(basis);
        Parallel.forEach(basis.size(), i -> {
            var m = basis.modulus(i);
            if (subtract) {
                kernels.sub(a.c0().limb(i), b.c0().limb(i), c0.limb(i), m);
                kernels.sub(a.c1().limb(i), b.c1().limb(i), c1.limb(i), m);
            } else {
                kernels.add(a.c0().limb(i), b.c0().limb(i), c0.limb(i), m);
                kernels.add(a.c1().limb(i), b.c1().limb(i), c1.limb(i), m);
            }
        });
        return new Ciphertext(c0, c1, level, a.scale(), Math.min(a.logSlots(), b.logSlots()));
    }

    private static void checkScales(String op, double a, double b) {
        if (Math.abs(a / b - 1) > SCALE_TOLERANCE) {
            throw new IllegalArgumentException(String.format("%s: scales differ (2^%.4f and 2^%.4f)", op,
                    Math.log(a) / Math.log(2), Math.log(b) / Math.log(2)));
        }
    }

    private void checkPlainLevel(String op, Ciphertext a, Plaintext p) {
        if (p.level() < a.level()) {
            throw new IllegalArgumentException(op + ": plaintext at level " + p.level() + " below the ciphertext's "
                    + a.level());
        }
    }
}
