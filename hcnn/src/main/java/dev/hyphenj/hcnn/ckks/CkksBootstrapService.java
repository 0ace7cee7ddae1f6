package dev.hyphenj.hcnn.ckks;

import dev.hyphenj.ckks.Ciphertext;
import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.Evaluator;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.SwitchingKey;
import dev.hyphenj.ckks.boot.BootstrapParameters;
import dev.hyphenj.ckks.boot.Bootstrapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Bootstrapping for the CNN layers on CKKS ({@link CkksHeEvaluator}'s handles): one {@link Bootstrapper} per sparse
 * slot count a plan uses (built on first use), the network's bootstrap hook on top of them, and the count and time of
 * the bootstraps by slot count.
 *
 * <p><b>Sparse slots.</b> The evaluator's ciphertexts carry all of the parameters' slots. A ciphertext whose slots
 * are periodic with period s (a PR(m) tensor: s = m P) is bootstrapped as an s-slot message: its polynomials are
 * relabelled as s slots (no copy), and the bootstrapper's SubSum, the trace onto the subring of polynomials in
 * X^(N/2s) times (N/2s)^-1, keeps exactly the part of the decryption that an s-slot message has (an s-periodic slot
 * vector is exactly a polynomial in that subring, see {@link Encoder}; the encryption and key-switching noise outside
 * it is dropped, and so is the q0 I of ModRaise outside it). The s-slot result read with all slots again is the
 * periodic vector. A ciphertext that is not s-periodic comes back as its projection: slot j holds the mean of the
 * slots j + k s (k = 0 .. N/2s - 1), not the input; the caller's slot count is a promise.
 *
 * <p><b>Range.</b> EvalMod works on the message's coefficients (at ratio 2^logMessageRatio to q0), and its sine is
 * linear only near 0: a coefficient c loses about (2 pi c / 2^logMessageRatio)^2 / 6 of itself (2^-13.5 absolute for
 * c = 6 at ratio 2^12). The coefficients of an s-slot message are averages of its slots with unit twiddles: about the
 * slots' magnitude over sqrt(s) for random slots, but the slots' mean is a coefficient itself, so a tensor with a
 * large mean (a convolution's bias) is what suffers. {@link #bootstrap(CkksCiphertext, int, double)} takes a bound b
 * on the slots' magnitude and bootstraps the message m / b at no cost: the input is declared at scale b times its own
 * (same polynomials, read as m / b) and bootstrapped to the output scale b Delta, so that the result decrypts to
 * Delta m and is declared at exactly Delta. The bootstrap's error, relative to the bound, is then multiplied by b in
 * the slots' units. The network's bootstraps precede an activation, and AppReLU's bound B (2 x the largest |x| seen)
 * is the natural b.
 *
 * <p><b>Scales and levels.</b> The input must have no pending rescale (the evaluator's convention for every
 * composite operation; this class refuses rather than spend a level). The result is at {@link #outputLevel()} with
 * exactly the evaluator's nominal scale Delta ({@link CkksHeEvaluator#nominalScale()}), whatever the input's scale, so
 * the network continues as after any rescale; its {@link CkksCiphertext#levelsUsed()} is the input's (the simulator's
 * bootstrap hook returns its input, so the counts of a CKKS run and a simulated one stay comparable).
 *
 * <p><b>Keys.</b> Before the first bootstrap at a slot count, every key it needs is checked in the evaluator's keys:
 * the rotations of {@link Bootstrapper#rotationKeyLevels()}, the conjugation and the relinearization, each at least at
 * the level it is used at; a missing or too short key fails with a message naming the slot count and the keys.
 * {@link NetworkKeys} generates them on the client.
 *
 * <p>Bootstrapping runs on the evaluator's {@link Evaluator} and is not part of {@link CkksHeEvaluator#counts()} (the
 * planner counts the CNN layers without bootstrapping, too); {@link #stats()} has it. One thread at a time, as the
 * evaluator.
 */
public final class CkksBootstrapService implements AutoCloseable {
    /** The phases a bootstrap reports ({@link Bootstrapper.PhaseListener}), in order. */
    public static final List<String> PHASES = List.of("modRaise", "subSum", "coeffToSlot", "evalMod", "slotToCoeff");

    /**
     * The bootstraps at one slot count so far.
     *
     * @param slots the slot count
     * @param bootstraps how many
     * @param nanos their wall time together
     * @param keySwitches their key switches together (rotations, conjugations, relinearizations)
     * @param phaseNanos time per phase ({@link #PHASES}; subSum only for sparse slot counts)
     */
    public record Stats(int slots, long bootstraps, long nanos, long keySwitches, Map<String, Long> phaseNanos) {
        public Stats {
            phaseNanos = Collections.unmodifiableMap(new LinkedHashMap<>(phaseNanos));
        }

        /** Wall time of all of them in milliseconds. */
        public double millis() {
            return nanos / 1e6;
        }

        /** Mean wall time of one in milliseconds (0 without bootstraps). */
        public double meanMillis() {
            return bootstraps == 0 ? 0 : millis() / bootstraps;
        }
    }

    private final CkksHeEvaluator ev;
    private final Parameters params;
    private final BootstrapParameters design;
    private final SortedSet<Integer> slotCounts;
    private final SortedMap<Integer, Bootstrapper> bootstrappers = new TreeMap<>();
    private final Set<Integer> keysChecked = new HashSet<>();
    private final SortedMap<Integer, long[]> counts = new TreeMap<>();
    private final SortedMap<Integer, Map<String, Long>> phases = new TreeMap<>();

    /**
     * Bootstrapping on {@code ev}'s ciphertexts with the design {@code design} at each of {@code slotCounts} (powers
     * of two from 2 to the parameters' slot count; the plan's {@code bootstrapSlots}).
     */
    public CkksBootstrapService(CkksHeEvaluator ev, BootstrapParameters design, Collection<Integer> slotCounts) {
        this.ev = ev;
        this.params = ev.parameters();
        this.design = design;
        this.slotCounts = Collections.unmodifiableSortedSet(checkSlotCounts(params, slotCounts));
        design.outputLevel(params); // throws if the chain is too short
    }

    /**
     * The slot counts as a sorted set; throws unless each is a power of two from 2 to {@code params.slots()} and
     * there is at least one.
     */
    public static SortedSet<Integer> checkSlotCounts(Parameters params, Collection<Integer> slotCounts) {
        if (slotCounts == null || slotCounts.isEmpty()) {
            throw new IllegalArgumentException("bootstrapping: no slot count given");
        }
        SortedSet<Integer> out = new TreeSet<>();
        for (Integer s : slotCounts) {
            if (s == null || s < 2 || s > params.slots() || Integer.bitCount(s) != 1) {
                throw new IllegalArgumentException("bootstrapping: slot count " + s + " is not a power of two from 2"
                        + " to " + params.slots() + " (the slots of '" + params.name() + "')");
            }
            out.add(s);
        }
        return out;
    }

    /** The evaluator whose handles this service bootstraps. */
    public CkksHeEvaluator evaluator() {
        return ev;
    }

    public Parameters parameters() {
        return params;
    }

    public BootstrapParameters design() {
        return design;
    }

    /** The slot counts this service bootstraps at. */
    public SortedSet<Integer> slotCounts() {
        return slotCounts;
    }

    /** The level of every bootstrapped ciphertext: the top network level. */
    public int outputLevel() {
        return design.outputLevel(params);
    }

    /** The bootstrapper for {@code slots} slots, built on first use; throws if {@code slots} is not one of the plan's. */
    public synchronized Bootstrapper bootstrapper(int slots) {
        if (!slotCounts.contains(slots)) {
            throw new IllegalArgumentException("bootstrapping at " + slots + " slots: not a slot count of this plan "
                    + slotCounts);
        }
        return bootstrappers.computeIfAbsent(slots,
                s -> new Bootstrapper(params, design, Integer.numberOfTrailingZeros(s)));
    }

    /** The bootstrappers of all slot counts (built now if not yet), by slot count. */
    public SortedMap<Integer, Bootstrapper> bootstrappers() {
        SortedMap<Integer, Bootstrapper> out = new TreeMap<>();
        for (int s : slotCounts) {
            out.put(s, bootstrapper(s));
        }
        return Collections.unmodifiableSortedMap(out);
    }

    /** {@link #bootstrap(CkksCiphertext, int, double)} with bound 1: slots of magnitude at most about 1. */
    public CkksCiphertext bootstrap(CkksCiphertext x, int slots) {
        return bootstrap(x, slots, 1);
    }

    /**
     * A new handle holding x bootstrapped as an s-slot message ({@code slots} = s; x's slots must be s-periodic) at
     * {@link #outputLevel()} and exactly the evaluator's nominal scale. {@code bound} bounds the magnitude of x's
     * slots (real parts; the imaginary parts are removed); the precision is the bootstrap's relative to it. x has no
     * pending rescale and stays the caller's.
     */
    public CkksCiphertext bootstrap(CkksCiphertext x, int slots, double bound) {
        return bootstrap(x, slots, bound, 1);
    }

    /**
     * {@link #bootstrap(CkksCiphertext, int, double)} of x times {@code factor} (positive), at no cost: the bootstrap
     * ends at the output scale factor b Delta instead of b Delta. With factor 1 / b the result holds m / b, the
     * input an activation on a normalized range expects ({@code act.AppRelu.normalizedInput()}).
     */
    public CkksCiphertext bootstrap(CkksCiphertext x, int slots, double bound, double factor) {
        if (x.released) {
            throw new IllegalStateException("bootstrap: ciphertext used after release");
        }
        if (x.pendingRescales != 0) {
            throw new IllegalStateException("bootstrap: the ciphertext has " + x.pendingRescales + " pending rescale"
                    + (x.pendingRescales == 1 ? "" : "s") + " (scale 2^" + String.format("%.2f", log2(x.scale()))
                    + "); rescale it before bootstrapping");
        }
        if (!(bound > 0) || Double.isInfinite(bound)) {
            throw new IllegalArgumentException("bootstrap: the bound must be positive and finite, got " + bound);
        }
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("bootstrap: the output factor must be positive and finite, got "
                    + factor);
        }
        Bootstrapper boot = bootstrapper(slots);
        requireKeys(slots);
        Ciphertext in = ev.ciphertext(x);
        // the same polynomials read as the s-slot message m / bound (the ciphertext keeps them: not closed here)
        Ciphertext view = new Ciphertext(in.c0(), in.c1(), in.level(), in.scale() * bound, boot.logSlots());
        double delta = ev.nominalScale();
        Evaluator evaluator = ev.evaluator();
        Map<String, Long> phaseTimes = phases.computeIfAbsent(slots, s -> new LinkedHashMap<>());
        long switches = evaluator.keySwitchCount();
        long start = System.nanoTime();
        Ciphertext out = boot.bootstrap(evaluator, view, delta * bound * factor,
                (phase, nanos) -> phaseTimes.merge(phase, nanos, Long::sum));
        long took = System.nanoTime() - start;
        long[] c = counts.computeIfAbsent(slots, s -> new long[3]);
        c[0]++;
        c[1] += took;
        c[2] += evaluator.keySwitchCount() - switches;
        // it decrypts to (delta bound factor) (m / bound) = delta (factor m): all slots again, declared at delta
        Ciphertext full = new Ciphertext(out.c0(), out.c1(), out.level(), delta, params.logSlots());
        return ev.adopt(full, x.levelsUsed);
    }

    /**
     * Throws, naming the slot count and every missing or too short key, unless the evaluator's keys hold all a
     * bootstrap at {@code slots} slots needs (rotations, conjugation and relinearization, each at least at the level it
     * is used at).
     */
    public void requireKeys(int slots) {
        if (keysChecked.contains(slots)) {
            return;
        }
        Bootstrapper boot = bootstrapper(slots);
        EvaluationKeys keys = ev.keys();
        String what = "bootstrapping at " + slots + " slots (2^" + boot.logSlots() + ")";
        if (keys == null) {
            throw new IllegalStateException(what + ": the evaluator has no evaluation keys");
        }
        int n = params.n();
        java.util.SortedSet<Integer> missing = new java.util.TreeSet<>();
        List<String> short_ = new ArrayList<>();
        for (Bootstrapper.RotationKeyUse use : boot.rotationKeyUses()) {
            int best = -1; // the highest level of a key for a step congruent modulo the period (any serves)
            for (long k : Encoder.galoisElements(use.step(), Integer.numberOfTrailingZeros(use.period()), n)) {
                if (keys.hasGalois(k)) {
                    best = Math.max(best, keys.galois(k).level());
                }
            }
            if (best < 0) {
                missing.add(use.step());
            } else if (best < use.level()) {
                short_.add("rotation by " + use.step() + " (cut to level " + best + ", used at " + use.level() + ")");
            }
        }
        List<String> problems = new ArrayList<>();
        if (!missing.isEmpty()) {
            problems.add("no Galois key for the rotation" + (missing.size() == 1 ? " by " + missing.first()
                    : "s by " + missing));
        }
        long conj = Encoder.conjugationElement(n);
        if (!keys.hasGalois(conj)) {
            problems.add("no conjugation key");
        } else if (keys.galois(conj).level() < boot.conjugationLevel()) {
            short_.add("conjugation (cut to level " + keys.galois(conj).level() + ", used at "
                    + boot.conjugationLevel() + ")");
        }
        SwitchingKey relin = null;
        try {
            relin = keys.relinearization();
        } catch (IllegalStateException none) {
            problems.add("no relinearization key");
        }
        if (relin != null && relin.level() < boot.relinearizationLevel()) {
            short_.add("relinearization (cut to level " + relin.level() + ", used at " + boot.relinearizationLevel()
                    + ")");
        }
        if (!short_.isEmpty()) {
            problems.add("keys cut below their use: " + String.join(", ", short_));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(what + ": " + String.join("; ", problems) + " (generate the keys for the"
                    + " plan's slot counts " + slotCounts + " with NetworkKeys)");
        }
        keysChecked.add(slots);
    }

    /** The bootstraps so far by slot count (slot counts not used yet left out). */
    public SortedMap<Integer, Stats> stats() {
        SortedMap<Integer, Stats> out = new TreeMap<>();
        counts.forEach((s, c) -> {
            Map<String, Long> p = new LinkedHashMap<>();
            for (String phase : PHASES) {
                Long t = phases.getOrDefault(s, Map.of()).get(phase);
                if (t != null) {
                    p.put(phase, t);
                }
            }
            out.put(s, new Stats(s, c[0], c[1], c[2], p));
        });
        return Collections.unmodifiableSortedMap(out);
    }

    /** Bootstraps of all slot counts together. */
    public long bootstraps() {
        return counts.values().stream().mapToLong(c -> c[0]).sum();
    }

    /** One line per slot count used, for reports. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        for (Stats st : stats().values()) {
            sb.append(String.format("bootstrap %6d slots: %3d x %8.1f ms (%d key switches each)", st.slots(),
                    st.bootstraps(), st.meanMillis(), st.bootstraps() == 0 ? 0 : st.keySwitches() / st.bootstraps()));
            st.phaseNanos().forEach((phase, t) -> sb.append(String.format(", %s %.1f ms", phase,
                    t / 1e6 / st.bootstraps())));
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Frees what the bootstrappers keep between bootstraps (encoded DFT diagonals, if the design keeps them). */
    @Override
    public synchronized void close() {
        bootstrappers.values().forEach(Bootstrapper::close);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
