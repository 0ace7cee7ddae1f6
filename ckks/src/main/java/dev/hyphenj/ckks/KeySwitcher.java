package dev.hyphenj.ckks;

import dev.hyphenj.ntt.BaseConverter;
import dev.hyphenj.ntt.Kernels;
import dev.hyphenj.ntt.LimbAllocator;
import dev.hyphenj.ntt.ModArith;
import dev.hyphenj.ntt.Parallel;
import dev.hyphenj.ntt.RnsBasis;
import dev.hyphenj.ntt.RnsPoly;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Hybrid key switching. For d modulo Q_l (NTT domain) and a key from s' to s, it returns (k0, k1) modulo Q_l with
 * k0 + k1 s = d s' + small error:
 * <ol>
 *   <li><b>ModUp</b>: split d into digits of {@code digitPrimes} primes; raise each digit to all of Q_l and P by
 *       fast base conversion (in the coefficient domain) and forward NTTs;</li>
 *   <li><b>inner product</b> of the raised digits with the key's (b_j, a_j), modulo Q_l and P;</li>
 *   <li><b>ModDown</b>: divide both sums by P (convert their P part to Q_l, subtract, multiply by P^-1).</li>
 * </ol>
 * Step 1 does not depend on the key, so rotations of one ciphertext by many steps share it (hoisting). Galois keys
 * are stored pre-permuted, so step 2 needs no permutation of the raised digits: the automorphism is applied to the
 * two results instead (see {@link #switchKey}).
 */
final class KeySwitcher {
    private final Parameters params;
    private final Kernels kernels = Kernels.get();
    private final LimbAllocator allocator = LimbAllocator.shared();
    private final int pCount;
    /** modUp[level][digit]: digit primes to the other primes of Q_level and P. Built on first use. */
    private final BaseConverter[][] modUp;
    /** modDown[level]: P to Q_level. */
    private final BaseConverter[] modDown;
    /** P^-1 mod q_i for every prime of Q. */
    private final int[] pInv;
    /** P mod q_i for every prime of Q. */
    private final int[] pModQ;

    KeySwitcher(Parameters params) {
        this.params = params;
        this.pCount = params.pPrimes().length;
        this.modUp = new BaseConverter[params.maxLevel() + 1][];
        this.modDown = new BaseConverter[params.maxLevel() + 1];
        long[] q = params.qPrimes();
        pInv = new int[q.length];
        pModQ = new int[q.length];
        for (int i = 0; i < q.length; i++) {
            long r = 1;
            for (long p : params.pPrimes()) {
                r = r * (p % q[i]) % q[i];
            }
            pModQ[i] = (int) r;
            pInv[i] = (int) ModArith.invMod(r, q[i]);
        }
    }

    /** d (NTT domain, modulo Q_level) split into digits and raised to Q_level and P; close it after use. */
    final class Decomposition implements AutoCloseable {
        final int level;
        final RnsPoly d;
        /** raised[j]: the limbs of digit j raised to the other primes, in converter target order, NTT domain. */
        final LimbAllocator.Block[] raised;

        private Decomposition(int level, RnsPoly d, LimbAllocator.Block[] raised) {
            this.level = level;
            this.d = d;
            this.raised = raised;
        }

        @Override
        public void close() {
            d.close();
            for (LimbAllocator.Block b : raised) {
                b.close();
            }
        }
    }

    Decomposition decompose(RnsPoly d, int level) {
        RnsBasis qp = params.basisQP(level);
        int qLimbs = params.primesAtLevel(level), digits = params.dnum(level), alpha = params.digitPrimes();
        long limbBytes = qp.limbBytes();
        int n = params.n();
        RnsPoly dNtt = RnsPoly.copyOf(d);
        LimbAllocator.Block[] raised = new LimbAllocator.Block[digits];
        try (RnsPoly dCoeff = RnsPoly.copyOf(d)) {
            dCoeff.inverseNtt();
            // the conversions one digit after the other (each spreads its coefficients over the threads), then every
            // digit's NTTs in one loop: a few digits (7 at the top, 1-3 further down) balance badly over the threads
            List<int[]> ntts = new ArrayList<>(); // {digit, target}
            for (int j = 0; j < digits; j++) {
                int lo = j * alpha, hi = Math.min(qLimbs, lo + alpha);
                BaseConverter bc = modUp(level, j);
                raised[j] = allocator.allocate(limbBytes, bc.targetCount());
                MemorySegment[] targets = new MemorySegment[bc.targetCount()];
                Arrays.setAll(targets, raised[j]::limb);
                bc.convert(kernels, dCoeff.limbs(lo, hi), targets, n);
                for (int t = 0; t < bc.targetCount(); t++) {
                    ntts.add(new int[] {j, t});
                }
            }
            Parallel.forEach(ntts.size(), k -> {
                int j = ntts.get(k)[0], t = ntts.get(k)[1], lo = j * alpha, width = Math.min(qLimbs, lo + alpha) - lo;
                kernels.forwardNtt(raised[j].limb(t), qp.tables(t < lo ? t : t + width));
            });
        } catch (RuntimeException | Error e) {
            dNtt.close();
            for (LimbAllocator.Block b : raised) {
                if (b != null) {
                    b.close();
                }
            }
            throw e;
        }
        return new Decomposition(level, dNtt, raised);
    }

    /**
     * (out0, out1) modulo Q_level with out0 + out1 s = d s' + e for the key from s' to s. For a Galois key of X -> X^k
     * (whose digits are stored permuted by X -> X^(k^-1), see {@link KeyGenerator}), the result is instead the
     * pre-image: applying X -> X^k to (out0, out1) gives the key switch of X^k(d). Permuting the two results
     * costs far fewer limbs than permuting every raised digit.
     */
    void switchKey(Decomposition dec, SwitchingKey key, RnsPoly out0, RnsPoly out1) {
        RnsBasis qp = params.basisQP(dec.level);
        try (RnsPoly acc0 = RnsPoly.allocate(qp); RnsPoly acc1 = RnsPoly.allocate(qp)) {
            innerProduct(dec, key, acc0, acc1);
            Parallel.forEach(2, part -> modDown(part == 0 ? acc0 : acc1, dec.level, part == 0 ? out0 : out1));
        }
    }

    /**
     * The key switch before its ModDown: (acc0, acc1) modulo Q_level and P with acc0 + acc1 s = P d s' + e (for a
     * Galois key, the pre-image, as in {@link #switchKey}).
     */
    void innerProduct(Decomposition dec, SwitchingKey key, RnsPoly acc0, RnsPoly acc1) {
        int level = dec.level;
        if (key.level() < level) {
            throw new IllegalArgumentException("key switching at level " + level + " with a key cut to level " + key.level());
        }
        RnsBasis qp = params.basisQP(level);
        int qLimbs = params.primesAtLevel(level), alpha = params.digitPrimes();
        int keyQ = params.primesAtLevel(key.level());
        int digits = dec.raised.length;
        Parallel.forEach(qp.size(), i -> {
            MemorySegment[] x = new MemorySegment[digits], b = new MemorySegment[digits];
            MemorySegment[] a = new MemorySegment[digits];
            int keyLimb = i < qLimbs ? i : keyQ + (i - qLimbs);
            for (int j = 0; j < digits; j++) {
                int lo = j * alpha, hi = Math.min(qLimbs, lo + alpha);
                x[j] = i >= lo && i < hi ? dec.d.limb(i)
                        : dec.raised[j].limb(i < lo ? i : i - (hi - lo));
                b[j] = key.b[j].limb(keyLimb);
                a[j] = key.a[j].limb(keyLimb);
            }
            kernels.innerProduct(x, b, a, acc0.limb(i), acc1.limb(i), qp.modulus(i));
        });
    }

    /** out (modulo Q_level and P) = P c for c modulo Q_level: c times P mod q_i on Q's limbs, zero on P's. */
    void liftByP(RnsPoly c, int level, RnsPoly out) {
        RnsBasis qp = params.basisQP(level);
        int qLimbs = params.primesAtLevel(level);
        Parallel.forEach(qp.size(), i -> {
            if (i < qLimbs) {
                kernels.mulScalar(c.limb(i), pModQ[i], out.limb(i), qp.modulus(i));
            } else {
                out.limb(i).fill((byte) 0);
            }
        });
    }

    /** out = round(acc / P) modulo Q_level, acc modulo Q_level and P, all NTT domain. */
    void modDown(RnsPoly acc, int level, RnsPoly out) {
        RnsBasis qp = params.basisQP(level);
        int qLimbs = params.primesAtLevel(level), n = params.n();
        long limbBytes = qp.limbBytes();
        try (LimbAllocator.Block pPart = allocator.allocate(limbBytes, pCount);
                LimbAllocator.Block conv = allocator.allocate(limbBytes, qLimbs)) {
            MemorySegment[] p = new MemorySegment[pCount], c = new MemorySegment[qLimbs];
            Arrays.setAll(p, pPart::limb);
            Arrays.setAll(c, conv::limb);
            Parallel.forEach(pCount, t -> {
                p[t].copyFrom(acc.limb(qLimbs + t));
                kernels.inverseNtt(p[t], qp.tables(qLimbs + t));
            });
            modDown(level).convert(kernels, p, c, n);
            Parallel.forEach(qLimbs, i -> {
                MemorySegment ci = c[i];
                kernels.forwardNtt(ci, qp.tables(i));
                kernels.sub(acc.limb(i), ci, out.limb(i), qp.modulus(i));
                kernels.mulScalar(out.limb(i), pInv[i], out.limb(i), qp.modulus(i));
            });
        }
    }

    private BaseConverter modUp(int level, int digit) {
        BaseConverter[] byDigit = modUp[level];
        if (byDigit == null) {
            byDigit = new BaseConverter[params.dnum(level)];
            modUp[level] = byDigit;
        }
        if (byDigit[digit] == null) {
            long[] qp = params.basisQP(level).primes();
            int qLimbs = params.primesAtLevel(level), lo = digit * params.digitPrimes();
            int hi = Math.min(qLimbs, lo + params.digitPrimes());
            long[] from = Arrays.copyOfRange(qp, lo, hi);
            long[] to = new long[qp.length - (hi - lo)];
            System.arraycopy(qp, 0, to, 0, lo);
            System.arraycopy(qp, hi, to, lo, qp.length - hi);
            byDigit[digit] = new BaseConverter(from, to);
        }
        return byDigit[digit];
    }

    private BaseConverter modDown(int level) {
        if (modDown[level] == null) {
            modDown[level] = BaseConverter.exact(params.pPrimes(), params.basisQ(level).primes());
        }
        return modDown[level];
    }
}
