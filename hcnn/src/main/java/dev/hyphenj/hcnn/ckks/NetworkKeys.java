package dev.hyphenj.hcnn.ckks;

import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.KeyGenerator;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.SecretKey;
import dev.hyphenj.ckks.SwitchingKey;
import dev.hyphenj.ckks.boot.BootstrapParameters;
import dev.hyphenj.ckks.boot.Bootstrapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The evaluation keys of an encrypted network run, on the client side (the secret key never leaves it): the Galois
 * keys of the CNN layers' rotations, every key set of the bootstraps at the plan's slot counts, the conjugation key
 * and the relinearization key, in one {@link EvaluationKeys}. Each key is cut to the highest level it is used at; a
 * Galois element needed twice (a step two slot counts share, or a CNN step a bootstrap uses too) is generated once, at
 * the higher of the levels.
 *
 * <p>{@link #plan} says what to generate and {@link KeyPlan#bytes} what it will take, without generating anything;
 * {@link #generate} is a pure function of (generator, secret key, plan). The CNN part comes from the planner's run:
 * {@code PlanReport.Network.keyLevels()} or {@code CostMeter.keyLevels()} (steps normalized into (-slots/2, slots/2],
 * each with the highest level it is used at), or, without levels, every step at the top network level.
 */
public final class NetworkKeys {
    private NetworkKeys() {}

    /**
     * What to generate.
     *
     * @param galoisLevels every Galois element (rotations as 5^step mod 2N, the conjugation as 2N - 1) with the level
     *     to cut its key to
     * @param relinearizationLevel the level of the relinearization key, or -1 for none
     * @param cnnRotations rotation keys the CNN layers need
     * @param bootstrapRotations rotation keys the bootstraps need (all slot counts together)
     * @param sharedRotations of those, keys both need (counted once in {@code galoisLevels})
     * @param conjugation whether the conjugation key is in {@code galoisLevels}
     */
    public record KeyPlan(SortedMap<Long, Integer> galoisLevels, int relinearizationLevel, int cnnRotations,
            int bootstrapRotations, int sharedRotations, boolean conjugation) {
        public KeyPlan {
            galoisLevels = Collections.unmodifiableSortedMap(new TreeMap<>(galoisLevels));
        }

        /** Galois keys (rotations and the conjugation). */
        public int galoisKeys() {
            return galoisLevels.size();
        }

        /** Bytes of all keys as generated (in memory, not seeded): {@link #keyBytes} of each. */
        public long bytes(Parameters params) {
            long b = relinearizationLevel < 0 ? 0 : keyBytes(params, relinearizationLevel);
            for (int level : galoisLevels.values()) {
                b += keyBytes(params, level);
            }
            return b;
        }

        /** The same keys, all at the top level (what cutting saves: {@code uncut.bytes - bytes}). */
        public KeyPlan uncut(Parameters params) {
            SortedMap<Long, Integer> top = new TreeMap<>();
            galoisLevels.keySet().forEach(k -> top.put(k, params.maxLevel()));
            return new KeyPlan(top, relinearizationLevel < 0 ? -1 : params.maxLevel(), cnnRotations,
                    bootstrapRotations, sharedRotations, conjugation);
        }

        /** One line for reports. */
        public String summary(Parameters params) {
            return String.format("%d Galois keys (%d CNN rotations, %d bootstrap rotations, %d shared%s)%s: %.1f MiB"
                    + " (%.1f MiB uncut)", galoisKeys(), cnnRotations, bootstrapRotations, sharedRotations,
                    conjugation ? ", conjugation" : "", relinearizationLevel < 0 ? ""
                            : " + relinearization at level " + relinearizationLevel, bytes(params) / 1048576.0,
                    uncut(params).bytes(params) / 1048576.0);
        }
    }

    /**
     * The keys of a network run: the CNN rotation steps of {@code cnnStepLevels} (step, as the layers call
     * {@code rotate}, to the highest level it is used at; step 0 needs no key), relinearization up to
     * {@code cnnRelinearizationLevel} for the activations (-1: none), and every key of each bootstrapper
     * ({@link Bootstrapper#rotationKeyUses()}, {@link Bootstrapper#conjugationLevel()},
     * {@link Bootstrapper#relinearizationLevel()}). A sparse bootstrap's DFT rotation takes the key of a congruent
     * step (modulo its slot count) that a CNN layer or a wider bootstrap already needs, instead of a key of its own.
     */
    public static KeyPlan plan(Parameters params, Map<Integer, Integer> cnnStepLevels, int cnnRelinearizationLevel,
            Collection<Bootstrapper> bootstrappers) {
        int n = params.n();
        SortedMap<Long, Integer> cnn = new TreeMap<>(), boot = new TreeMap<>();
        for (Map.Entry<Integer, Integer> e : cnnStepLevels.entrySet()) {
            // as CkksHeEvaluator rotates: the step modulo the parameters' slots
            long k = Encoder.galoisElement(Math.floorMod(e.getKey(), params.slots()), n);
            if (k != 1) {
                cnn.merge(k, checkLevel(params, e.getValue(), "rotation by " + e.getKey()), Math::max);
            }
        }
        int relin = cnnRelinearizationLevel < 0 ? -1 : checkLevel(params, cnnRelinearizationLevel, "relinearization");
        int conjugationLevel = -1;
        // larger slot counts first: a sparse bootstrap's rotation takes a planned key of a congruent step if any
        List<Bootstrapper> widestFirst = new ArrayList<>(bootstrappers);
        widestFirst.sort(Comparator.comparingInt(Bootstrapper::logSlots).reversed());
        for (Bootstrapper b : widestFirst) {
            for (Bootstrapper.RotationKeyUse use : b.rotationKeyUses()) {
                long[] candidates = Encoder.galoisElements(use.step(), Integer.numberOfTrailingZeros(use.period()), n);
                long k = candidates[0];
                for (long c : candidates) {
                    if (cnn.containsKey(c) || boot.containsKey(c)) {
                        k = c;
                        break;
                    }
                }
                boot.merge(k, use.level(), Math::max);
            }
            conjugationLevel = Math.max(conjugationLevel, b.conjugationLevel());
            relin = Math.max(relin, b.relinearizationLevel());
        }
        SortedMap<Long, Integer> all = new TreeMap<>(cnn);
        boot.forEach((k, level) -> all.merge(k, level, Math::max));
        int shared = cnn.size() + boot.size() - all.size();
        if (conjugationLevel >= 0) {
            all.put(Encoder.conjugationElement(n), conjugationLevel);
        }
        return new KeyPlan(all, relin, cnn.size(), boot.size(), shared, conjugationLevel >= 0);
    }

    /**
     * {@link #plan(Parameters, Map, int, Collection)} with the bootstrappers of {@code design} at each of
     * {@code slotCounts} (the plan's {@code bootstrapSlots}; none: no bootstrap keys), built here for their key
     * levels and dropped.
     */
    public static KeyPlan plan(Parameters params, Map<Integer, Integer> cnnStepLevels, int cnnRelinearizationLevel,
            BootstrapParameters design, Collection<Integer> slotCounts) {
        List<Bootstrapper> bootstrappers = new ArrayList<>();
        if (!slotCounts.isEmpty()) {
            for (int s : CkksBootstrapService.checkSlotCounts(params, slotCounts)) {
                bootstrappers.add(new Bootstrapper(params, design, Integer.numberOfTrailingZeros(s)));
            }
        }
        return plan(params, cnnStepLevels, cnnRelinearizationLevel, bootstrappers);
    }

    /** The keys of {@code plan}, generated with {@code sk}; the caller owns (and closes) them. */
    public static EvaluationKeys generate(KeyGenerator generator, SecretKey sk, KeyPlan plan) {
        return generate(generator, sk, plan, done -> { });
    }

    /**
     * As {@link #generate(KeyGenerator, SecretKey, KeyPlan)}, telling {@code progress} the number of keys generated
     * so far after each key (Galois keys in {@link KeyPlan#galoisLevels()} order, then the relinearization key): a
     * full plan at N = 2^16 takes minutes, and a client wants to see it move.
     */
    public static EvaluationKeys generate(KeyGenerator generator, SecretKey sk, KeyPlan plan,
            java.util.function.IntConsumer progress) {
        Map<Long, SwitchingKey> galois = new HashMap<>();
        try {
            for (Map.Entry<Long, Integer> e : plan.galoisLevels().entrySet()) {
                galois.put(e.getKey(), generator.galoisKey(sk, e.getKey(), e.getValue()));
                progress.accept(galois.size());
            }
            SwitchingKey relin = plan.relinearizationLevel() < 0 ? null
                    : generator.relinearizationKey(sk, plan.relinearizationLevel());
            if (relin != null) {
                progress.accept(galois.size() + 1);
            }
            return new EvaluationKeys(relin, galois);
        } catch (RuntimeException | Error e) {
            galois.values().forEach(SwitchingKey::close);
            throw e;
        }
    }

    /** Bytes of one switching key cut to {@code level}: 2 halves x dnum x (Q_level and P primes) x N x 4. */
    public static long keyBytes(Parameters params, int level) {
        return 2L * params.dnum(level) * (params.primesAtLevel(level) + params.pPrimes().length) * params.n()
                * Integer.BYTES;
    }

    private static int checkLevel(Parameters params, int level, String what) {
        if (level < 0 || level > params.maxLevel()) {
            throw new IllegalArgumentException(what + ": level " + level + " is outside 0.." + params.maxLevel()
                    + " of '" + params.name() + "'");
        }
        return level;
    }
}
