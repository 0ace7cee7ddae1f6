package dev.hyphenj.ckks.boot;

import dev.hyphenj.ckks.ChebyshevEvaluator;
import dev.hyphenj.ckks.ChebyshevPolynomial;
import dev.hyphenj.ckks.Ciphertext;
import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.Evaluator;
import dev.hyphenj.ckks.KeyGenerator;
import dev.hyphenj.ckks.LinearTransform;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.Plaintext;
import dev.hyphenj.ckks.SecretKey;
import dev.hyphenj.ckks.SwitchingKey;
import dev.hyphenj.ntt.BaseConverter;
import dev.hyphenj.ntt.Kernels;
import dev.hyphenj.ntt.ModArith;
import dev.hyphenj.ntt.Parallel;
import dev.hyphenj.ntt.RnsBasis;
import dev.hyphenj.ntt.RnsPoly;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Bootstrapping of ciphertexts with 2^logSlots slots: a ciphertext at any level comes back at
 * {@link BootstrapParameters#outputLevel}, with the same slots (real parts; the imaginary parts are removed).
 *
 * <p>The steps, with q0 the modulus of level 0 (the product of its primes) and t the decryption polynomial:
 * <ol>
 * <li><b>Real part, ratio.</b> Drop to level 0, multiply by an integer 2^k and add the conjugate: t = Delta' m with
 * m the real part of the slots and q0 / Delta' = 2^logMessageRatio (the conjugation's key-switching noise is then
 * tiny against Delta'; doing this after ModRaise would give I half-integers).</li>
 * <li><b>ModRaise.</b> The centered coefficients of c0, c1 modulo q0 taken modulo the whole chain: t becomes
 * Delta' m + q0 I with I small (sparse secret).</li>
 * <li><b>SubSum</b> (sparse slots only, s &lt; N/2). The message lives in the subring of polynomials in X^(N/2s);
 * the trace onto it (log2(N/2s) rotations by s 2^j, after multiplying by (N/2s)^-1 mod every prime) keeps exactly
 * those coefficients of t, so EvalMod sees only the 2s that matter.</li>
 * <li><b>CoeffToSlot</b> (levels from the top): {@link HomomorphicDft#coeffToSlot}, the ciphertext declared at scale
 * sigma = Q_(EvalMod level) and the first group multiplied by sigma / (2 q0 K), so the slots hold
 * u_j / 2 with u_j = y_j + i y_(j+s) in bit-reversed order, y = t / (q0 K), at scale sigma (where T_1 is stable).</li>
 * <li>Split into real and imaginary parts (u/2 + conj(u/2) and -i (u/2 - conj(u/2))), EvalMod on each, which
 * lands on the scale that makes the result read as the message's coefficients at the output scale; recombine
 * re + i im. <b>Sparse slots</b> (s &lt; N/2) need one EvalMod: the last CoeffToSlot group, read over 2s slots,
 * gives [u/2, -i u/2] ({@link ComplexDiagonalMatrix#stackedOnRepeatedInput}), plus its conjugate [Re u, Im u];
 * EvalMod runs once on those 2s real values and the first SlotToCoeff group takes them back to u
 * ({@link ComplexDiagonalMatrix#onPackedRealAndImaginary}). Same levels; a few more rotations in those two groups
 * instead of a second EvalMod.</li>
 * <li><b>SlotToCoeff</b>: {@link HomomorphicDft#slotToCoeff}; the bit reversals cancel.</li>
 * </ol>
 * Keys: {@link #rotationSteps()} plus conjugation, and relinearization. An instance holds the transforms (their
 * diagonals in double) and is safe to share between threads once built.
 */
public final class Bootstrapper implements AutoCloseable {
    private final Parameters params;
    private final BootstrapParameters boot;
    private final int logSlots;
    private final int slots;
    private final List<LinearTransform> coeffToSlot = new ArrayList<>();
    private final List<LinearTransform> slotToCoeff = new ArrayList<>();
    private final ChebyshevPolynomial cosine;
    private final double q0;
    /** The declared scale of the raised ciphertext: the modulus of the level EvalMod starts at. */
    private final double sigma;
    private final BaseConverter raise;
    /**
     * Sparse slots (s &lt; N/2): the real and imaginary parts of CoeffToSlot's result share one ciphertext of 2s slots
     * and one EvalMod (folded into the last CoeffToSlot group and the first SlotToCoeff group).
     */
    private final boolean packed;

    public Bootstrapper(Parameters params, BootstrapParameters boot, int logSlots) {
        if (logSlots < 1 || logSlots > params.logN() - 1) {
            throw new IllegalArgumentException("bootstrapping: log2 slots " + logSlots + " is outside 1.."
                    + (params.logN() - 1));
        }
        boot.outputLevel(params); // throws if the chain is too short
        if (params.primesAtLevel(params.maxLevel()) == params.primesAtLevel(0)) {
            throw new IllegalArgumentException("bootstrapping needs levels above q0");
        }
        this.params = params;
        this.boot = boot;
        this.logSlots = logSlots;
        this.slots = 1 << logSlots;
        this.q0 = product(params.levelPrimes(0));
        this.sigma = product(params.levelPrimes(boot.evalModLevel(params)));
        this.cosine = boot.cosine();
        List<ComplexDiagonalMatrix> cts = HomomorphicDft.coeffToSlot(logSlots, boot.coeffsToSlotsDepth());
        // sigma / (2 q0 K) split evenly over the groups: each group's diagonals, encoded at about 2^56, then keep
        // the most bits (one group carrying the whole 2^-10 would lose them)
        double perGroup = Math.pow(sigma / (2 * q0 * boot.k()), 1.0 / cts.size());
        this.packed = slots < params.n() / 2;
        for (int g = 0; g < cts.size(); g++) {
            ComplexDiagonalMatrix m = cts.get(g).scale(perGroup);
            if (packed && g == cts.size() - 1) { // [u/2, -i u/2] over 2s slots: plus its conjugate, [Re u, Im u]
                m = m.stackedOnRepeatedInput(0, -1);
            }
            coeffToSlot.add(transform(m, boot));
        }
        List<ComplexDiagonalMatrix> stc = HomomorphicDft.slotToCoeff(logSlots, boot.slotsToCoeffsDepth());
        for (int g = 0; g < stc.size(); g++) {
            ComplexDiagonalMatrix m = stc.get(g);
            slotToCoeff.add(transform(packed && g == 0 ? m.onPackedRealAndImaginary() : m, boot));
        }
        long[] all = params.basisQ(params.maxLevel()).primes();
        int low = params.primesAtLevel(0);
        this.raise = BaseConverter.exact(Arrays.copyOfRange(all, 0, low), Arrays.copyOfRange(all, low, all.length));
    }

    private static LinearTransform transform(ComplexDiagonalMatrix m, BootstrapParameters boot) {
        LinearTransform t = LinearTransform.ofComplex(m.realDiagonals(), m.imagDiagonals(),
                Integer.numberOfTrailingZeros(m.slots()));
        return boot.keepEncodedDiagonals() ? t.keepingEncodings() : t;
    }

    public int logSlots() {
        return logSlots;
    }

    /** Bytes of the DFT diagonals kept encoded now (0 unless the design keeps them; filled by the first bootstrap). */
    public long encodedDiagonalBytes() {
        long bytes = 0;
        for (LinearTransform t : coeffToSlot) {
            bytes += t.encodingBytes();
        }
        for (LinearTransform t : slotToCoeff) {
            bytes += t.encodingBytes();
        }
        return bytes;
    }

    /** Frees the kept encoded diagonals (the next bootstrap encodes them again). */
    @Override
    public void close() {
        coeffToSlot.forEach(LinearTransform::releaseEncodings);
        slotToCoeff.forEach(LinearTransform::releaseEncodings);
    }

    public BootstrapParameters parameters() {
        return boot;
    }

    /** The level of a bootstrapped ciphertext. */
    public int outputLevel() {
        return boot.outputLevel(params);
    }

    /**
     * The rotation steps a bootstrap needs (SubSum, CoeffToSlot, SlotToCoeff), sorted; it also needs the conjugation
     * key and the relinearization key.
     */
    public int[] rotationSteps() {
        return rotationKeyLevels().keySet().stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Each rotation step a bootstrap needs with the highest level it is used at (SubSum at the top, each DFT group at
     * its own level, {@link #rotationKeyUses()}): generate each key cut to its level.
     */
    public SortedMap<Integer, Integer> rotationKeyLevels() {
        SortedMap<Integer, Integer> levels = new TreeMap<>();
        for (RotationKeyUse use : rotationKeyUses()) {
            levels.merge(use.step(), use.level(), Math::max);
        }
        levels.remove(0);
        return levels;
    }

    /**
     * A rotation a bootstrap performs: its step, the highest level it is used at, and the slot count of the message
     * it rotates. A key for any step congruent to {@code step} modulo {@code period} serves
     * ({@link Encoder#galoisElements}); SubSum's rotations (period N/2) need exactly theirs.
     */
    public record RotationKeyUse(int step, int level, int period) {}

    /** Every rotation a bootstrap performs ({@link RotationKeyUse}), SubSum's first, then CoeffToSlot's, SlotToCoeff's. */
    public List<RotationKeyUse> rotationKeyUses() {
        List<RotationKeyUse> uses = new ArrayList<>();
        for (int step : subSumSteps()) {
            uses.add(new RotationKeyUse(step, params.maxLevel(), params.n() / 2));
        }
        int level = params.maxLevel();
        for (LinearTransform t : coeffToSlot) {
            for (int step : t.rotationSteps()) {
                uses.add(new RotationKeyUse(step, level, 1 << t.logSlots()));
            }
            level -= 1;
        }
        level = boot.evalModLevel(params) - boot.evalModDepth();
        for (LinearTransform t : slotToCoeff) {
            for (int step : t.rotationSteps()) {
                uses.add(new RotationKeyUse(step, level, 1 << t.logSlots()));
            }
            level -= 1;
        }
        return uses;
    }

    /** The highest level of a conjugation in a bootstrap: the split before EvalMod (the other is at level 0). */
    public int conjugationLevel() {
        return boot.evalModLevel(params);
    }

    /** The highest level of a relinearization in a bootstrap: EvalMod's first product. */
    public int relinearizationLevel() {
        return boot.evalModLevel(params);
    }

    /**
     * The keys a bootstrap needs, each cut to the highest level it is used at ({@link #rotationKeyLevels()},
     * {@link #conjugationLevel()}, {@link #relinearizationLevel()}).
     */
    public EvaluationKeys generateKeys(KeyGenerator generator, SecretKey sk) {
        Map<Long, SwitchingKey> galois = new HashMap<>();
        for (Map.Entry<Integer, Integer> e : rotationKeyLevels().entrySet()) {
            long k = Encoder.galoisElement(e.getKey(), params.n());
            galois.put(k, generator.galoisKey(sk, k, e.getValue()));
        }
        long conj = Encoder.conjugationElement(params.n());
        galois.put(conj, generator.galoisKey(sk, conj, conjugationLevel()));
        return new EvaluationKeys(generator.relinearizationKey(sk, relinearizationLevel()), galois);
    }

    /**
     * The bootstrapped ciphertext at {@link #outputLevel()} and exactly {@code outputScale}: its slots are the real
     * parts of the input's slots (within the bootstrap's precision). The input must have this bootstrapper's slot
     * count, real parts of magnitude at most about 1, and a scale at most q0 / 2^logMessageRatio.
     */
    public Ciphertext bootstrap(Evaluator ev, Ciphertext in, double outputScale) {
        return bootstrap(ev, in, outputScale, (phase, nanos) -> { });
    }

    /** Receives the time of each phase of a bootstrap as it ends. */
    @FunctionalInterface
    public interface PhaseListener {
        /** {@code phase}: "modRaise", "subSum", "coeffToSlot", "evalMod" or "slotToCoeff". */
        void phaseEnded(String phase, long nanos);
    }

    /** {@link #bootstrap(Evaluator, Ciphertext, double)}, telling {@code listener} the time of each phase. */
    public Ciphertext bootstrap(Evaluator ev, Ciphertext in, double outputScale, PhaseListener listener) {
        if (in.logSlots() != logSlots) {
            throw new IllegalArgumentException("bootstrapping for 2^" + logSlots + " slots given a ciphertext with 2^"
                    + in.logSlots());
        }
        if (ev.parameters() != params && !Arrays.equals(ev.parameters().hash(), params.hash())) {
            throw new IllegalArgumentException("bootstrapping for parameters '" + params.name()
                    + "' given an evaluator for '" + ev.parameters().name() + "'");
        }
        Map<Integer, TreeSet<Integer>> stepsByPeriod = new TreeMap<>();
        for (RotationKeyUse use : rotationKeyUses()) {
            stepsByPeriod.computeIfAbsent(use.period(), p -> new TreeSet<>()).add(use.step());
        }
        stepsByPeriod.forEach((period, steps) -> ev.requireRotationKeys("bootstrapping at 2^" + logSlots + " slots",
                Integer.numberOfTrailingZeros(period), steps.stream().mapToInt(Integer::intValue).toArray()));
        double messageScale;
        Ciphertext ct;
        long start = System.nanoTime();
        try (Ciphertext real = realPartAtRatio(ev, in)) {
            messageScale = real.scale();
            ct = modRaise(real);
        }
        start = lap(listener, "modRaise", start);
        if (slots < params.n() / 2) {
            ct = replace(ct, subSum(ev, ct));
            start = lap(listener, "subSum", start);
        }
        ct.setScale(sigma);
        for (LinearTransform t : coeffToSlot) {
            ct = withLogSlots(ct, t.logSlots());
            ct = replace(ct, t.apply(ev, ct));
        }
        ct = replace(ct, ev.dropLevel(ct, boot.evalModLevel(params)));
        start = lap(listener, "coeffToSlot", start);
        // EvalMod's result v = sin(2 pi t / q0) ~ 2 pi Delta' mu / q0 at scale S reads as mu at coefficientScale
        // when S = coefficientScale q0 / (2 pi Delta')
        // (the coefficients are about 1/sqrt(s) of the slots: 16 sqrt(s) keeps SlotToCoeff's one-prime rescales
        // well below them while it brings the scale down to the output's)
        double coefficientScale = outputScale * Math.pow(2, 4 + logSlots / 2.0);
        double evalModScale = coefficientScale * q0 / (2 * Math.PI * messageScale);
        Ciphertext both;
        if (packed) { // [u/2, -i u/2] plus its conjugate: [Re u, Im u], one EvalMod
            try (Ciphertext conj = ev.conjugate(ct); Ciphertext sum = ev.add(ct, conj)) {
                ct.close();
                both = evalMod(ev, sum, evalModScale);
            }
        } else {
            try (Ciphertext conj = ev.conjugate(ct); Ciphertext sum = ev.add(ct, conj);
                    Ciphertext diff = ev.sub(ct, conj); Ciphertext imag = timesI(ev, diff, true)) {
                ct.close();
                try (Ciphertext re = evalMod(ev, sum, evalModScale);
                        Ciphertext im = evalMod(ev, imag, evalModScale); Ciphertext iIm = timesI(ev, im, false)) {
                    both = ev.add(re, iIm);
                }
            }
        }
        both.setScale(coefficientScale);
        ct = both;
        start = lap(listener, "evalMod", start);
        for (int g = 1; g <= slotToCoeff.size(); g++) {
            double scale = g == slotToCoeff.size() ? outputScale
                    : coefficientScale * Math.pow(outputScale / coefficientScale, (double) g / slotToCoeff.size());
            LinearTransform t = slotToCoeff.get(g - 1);
            ct = withLogSlots(ct, t.logSlots());
            ct = replace(ct, t.apply(ev, ct, scale));
        }
        if (ct.level() > outputLevel()) { // fewer FFT groups than levels for tiny slot counts
            ct = replace(ct, ev.dropLevel(ct, outputLevel()));
        }
        lap(listener, "slotToCoeff", start);
        return ct;
    }

    @Override
    public String toString() {
        return "Bootstrapper[2^" + logSlots + " slots of '" + params.name() + "', CoeffToSlot " + coeffToSlot
                + ", SlotToCoeff " + slotToCoeff + "]";
    }

    private static long lap(PhaseListener listener, String phase, long start) {
        long now = System.nanoTime();
        listener.phaseEnded(phase, now - start);
        return now;
    }

    /**
     * sin(2 pi K y) slot-wise at exactly {@code targetScale}: the cosine interpolant, then r double angles
     * c -> 2 c^2 - 1, one level each (the product rescaled, doubled exactly, minus 1). Each double angle squares the
     * scale and divides by its level's modulus, so the cosine lands on the scale that r such steps turn into the
     * target (the square root of target times modulus, backwards from the last step).
     */
    private Ciphertext evalMod(Evaluator ev, Ciphertext y, double targetScale) {
        int r = boot.doubleAngles();
        int cosLevel = y.level() - cosine.polynomialDepth();
        double[] scales = new double[r + 1];
        scales[r] = targetScale;
        for (int j = r; j >= 1; j--) {
            scales[j - 1] = Math.sqrt(scales[j] * product(params.levelPrimes(cosLevel - (j - 1))));
        }
        Ciphertext c = new ChebyshevEvaluator(ev).evaluate(y, cosine, scales[0], 0);
        for (int j = 1; j <= r; j++) {
            try (Ciphertext square = ev.multiply(c, c); Ciphertext rescaled = ev.rescale(square);
                    Ciphertext doubled = ev.mulInteger(rescaled, 2)) {
                c.close();
                c = ev.addConstant(doubled, -1);
            }
        }
        return c;
    }

    /**
     * Level 0, times 2^k, plus its conjugate: decrypts to 2^(k+1) Re(m) Delta with q0 / (2^(k+1) Delta) about
     * 2^logMessageRatio; the returned scale is that message scale.
     */
    private Ciphertext realPartAtRatio(Evaluator ev, Ciphertext in) {
        int shift = (int) Math.round(Math.log(q0 / in.scale()) / Math.log(2)) - boot.logMessageRatio() - 1;
        if (shift < 0) {
            throw new IllegalArgumentException(String.format("bootstrapping: the input scale 2^%.1f leaves q0 = 2^%.1f"
                    + " less than the message ratio 2^%d", log2(in.scale()), log2(q0), boot.logMessageRatio()));
        }
        try (Ciphertext low = ev.dropLevel(in, 0); Ciphertext scaled = ev.mulInteger(low, 1L << shift);
                Ciphertext conj = ev.conjugate(scaled)) {
            Ciphertext sum = ev.add(scaled, conj);
            sum.setScale(in.scale() * Math.scalb(2.0, shift));
            return sum;
        }
    }

    /** c0, c1 modulo q0 (centered) taken modulo every prime of the top level. */
    private Ciphertext modRaise(Ciphertext ct) {
        RnsBasis top = params.basisQ(params.maxLevel());
        int low = params.primesAtLevel(0);
        Kernels kernels = Kernels.get();
        RnsPoly[] out = new RnsPoly[2];
        RnsPoly[] in = {ct.c0(), ct.c1()};
        for (int c = 0; c < 2; c++) {
            RnsPoly r = RnsPoly.allocate(top);
            try (RnsPoly coefficients = RnsPoly.copyOf(in[c])) {
                coefficients.inverseNtt();
                raise.convert(kernels, coefficients.limbs(0, coefficients.limbCount()), r.limbs(low, top.size()),
                        params.n());
            }
            r.copyLimbsFrom(in[c], 0, 0, low);
            Parallel.forEach(top.size() - low, i -> kernels.forwardNtt(r.limb(low + i), top.tables(low + i)));
            out[c] = r;
        }
        return new Ciphertext(out[0], out[1], params.maxLevel(), ct.scale(), logSlots);
    }

    /** Rotation steps of the trace onto the 2s-coefficient subring: s, 2s, .., N/4. */
    private int[] subSumSteps() {
        List<Integer> steps = new ArrayList<>();
        for (int step = slots; step < params.n() / 2; step *= 2) {
            steps.add(step);
        }
        return steps.stream().mapToInt(Integer::intValue).toArray();
    }

    /** (N/2s)^-1 times the trace: keeps the coefficients at multiples of N/2s, zeroes the others. */
    private Ciphertext subSum(Evaluator ev, Ciphertext ct) {
        long factor = params.n() / (2L * slots);
        RnsBasis basis = params.basisQ(ct.level());
        Kernels kernels = Kernels.get();
        Ciphertext acc = ct.copy();
        for (int i = 0; i < basis.size(); i++) {
            int inv = (int) ModArith.invMod(factor % basis.prime(i), basis.prime(i));
            kernels.mulScalar(acc.c0().limb(i), inv, acc.c0().limb(i), basis.modulus(i));
            kernels.mulScalar(acc.c1().limb(i), inv, acc.c1().limb(i), basis.modulus(i));
        }
        for (int step : subSumSteps()) {
            try (Ciphertext rotated = ev.rotate(acc, step)) {
                ev.addInPlace(acc, rotated);
            }
        }
        return acc;
    }

    /** ct times i (or -i): a product with the monomial X^(N/2) (negated), exact, the scale unchanged. */
    private Ciphertext timesI(Evaluator ev, Ciphertext ct, boolean negative) {
        double[] re = new double[slots], im = new double[slots];
        Arrays.fill(im, negative ? -1 : 1);
        try (Plaintext unit = new Encoder(params).encode(re, im, ct.level(), 1, logSlots)) {
            return ev.mulPlain(ct, unit);
        }
    }

    /**
     * ct read with 2^logSlots slots (itself when it has them; otherwise a copy, and ct is closed): a message of s
     * slots read with 2s repeats, [x, x]; one whose 2s slots repeat with period s reads as its first s.
     */
    private Ciphertext withLogSlots(Ciphertext ct, int logSlots) {
        if (ct.logSlots() == logSlots) {
            return ct;
        }
        Ciphertext relabelled = new Ciphertext(RnsPoly.copyOf(ct.c0()), RnsPoly.copyOf(ct.c1()), ct.level(),
                ct.scale(), logSlots);
        ct.close();
        return relabelled;
    }

    private static Ciphertext replace(Ciphertext old, Ciphertext next) {
        if (old != next) {
            old.close();
        }
        return next;
    }

    private static double product(long[] primes) {
        double p = 1;
        for (long q : primes) {
            p *= q;
        }
        return p;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
