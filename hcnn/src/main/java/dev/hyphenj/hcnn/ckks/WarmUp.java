package dev.hyphenj.hcnn.ckks;

import dev.hyphenj.ckks.Ciphertext;
import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.SwitchingKey;
import dev.hyphenj.ntt.LimbAllocator;
import dev.hyphenj.ntt.RnsBasis;
import dev.hyphenj.ntt.RnsPoly;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The server's warm-up before its first image: the operations a network's layers use (hoisted and summed rotations,
 * sums of plaintext products with their encodings, ciphertext products, rescales, plaintext additions) run on a
 * trivial ciphertext, the result thrown away, so that the JIT has compiled the vector kernels and the limb pool holds
 * the top level's temporaries before the first image arrives, as they are for every image after it.
 *
 * <p>Why: in a fresh JVM the Vector API code runs in the interpreter and C1 until C2 compiles it (boxed vectors, tens
 * of times slower), and the first layer maps and zeroes every limb the pool will reuse later. That cost 5-6 s of the
 * degree-2 network's first image (its stem took 5.5-7.3 s, 0.8 s on the third image of the same process; Zen 5, 2
 * threads). The warm-up runs {@value #ROUNDS} rounds at a low level, where each round costs a few milliseconds, and
 * one at the input's level, then fills the pool with {@value #RESERVED_POLYNOMIALS} polynomials' limbs. It uses its
 * own evaluator, so the network's operation counts are untouched, and an all-zero ciphertext, so no client data is
 * involved.
 */
public final class WarmUp {
    /** Rounds at the low level: enough calls for C2 to compile every kernel the rounds reach. */
    static final int ROUNDS = 24;
    /** The level of the rounds (or the input's, if lower): some primes, so the threads split limbs and digits. */
    static final int LOW_LEVEL = 5;
    /**
     * Polynomials over Q_l P at the input level the pool is filled with: about what a degree-2 layer at the top of its
     * chain has live at once (its tap rotations, their products and sums: 611 MB of limbs in the demo, 314 MB after
     * the rounds alone). The pool never frees them, so this is also the least the process keeps mapped.
     */
    static final int RESERVED_POLYNOMIALS = 48;
    /** Rotations per hoisted batch, as a 3 x 3 convolution's taps. */
    private static final int TAPS = 8;

    private WarmUp() {}

    /**
     * Runs the warm-up with the server's {@code keys} for ciphertexts up to {@code inputLevel} (the level the images
     * are encrypted at); returns its wall time in nanoseconds.
     */
    public static long run(Parameters params, EvaluationKeys keys, int inputLevel) {
        if (inputLevel < 1 || inputLevel > params.maxLevel()) {
            throw new IllegalArgumentException("warm-up at level " + inputLevel + " of '" + params.name()
                    + "' (levels 1 .. " + params.maxLevel() + ")");
        }
        long start = System.nanoTime();
        CkksHeEvaluator ev = new CkksHeEvaluator(params, keys, new PlaintextCache(0));
        SplittableRandom random = new SplittableRandom(1);
        Map<Integer, Integer> keyLevels = rotationKeyLevels(params, keys);
        int low = Math.min(LOW_LEVEL, inputLevel);
        int[] lowSteps = steps(keyLevels, low);
        for (int r = 0; r < ROUNDS; r++) {
            round(ev, keys, low, lowSteps, random);
        }
        round(ev, keys, inputLevel, steps(keyLevels, inputLevel), random);
        RnsBasis extended = params.basisQP(inputLevel);
        LimbAllocator.shared().allocate(extended.limbBytes(), RESERVED_POLYNOMIALS * extended.size()).close();
        return System.nanoTime() - start;
    }

    /** One pass over the layers' operations at {@code level}, with the rotation keys valid there. */
    private static void round(CkksHeEvaluator ev, EvaluationKeys keys, int level, int[] steps,
            SplittableRandom random) {
        Parameters params = ev.parameters();
        CkksCiphertext x = ev.wrap(new Ciphertext(RnsPoly.zeros(params.basisQ(level)),
                RnsPoly.zeros(params.basisQ(level)), level, ev.nominalScale(), params.logSlots()));
        List<CkksCiphertext> terms = new ArrayList<>(List.of(x));
        if (steps.length > 0) {
            terms.addAll(ev.rotateHoisted(x, steps));
        }
        List<double[]> plains = new ArrayList<>();
        for (int i = 0; i < terms.size(); i++) {
            plains.add(randomSlots(ev.slots(), random));
        }
        CkksCiphertext sum = ev.multiplyPlainSum(terms, plains);
        terms.forEach(ev::release);
        CkksCiphertext gathered = sum;
        if (steps.length > 0) {
            List<CkksCiphertext> copies = List.of(sum, ev.rotate(sum, 0));
            gathered = ev.rotateSum(copies, new int[] {0, steps[0]});
            copies.forEach(ev::release);
        }
        CkksCiphertext rescaled = ev.rescale(gathered);
        ev.release(gathered);
        CkksCiphertext y = ev.addPlain(rescaled, randomSlots(ev.slots(), random));
        ev.release(rescaled);
        if (level >= 2 && hasRelinearization(keys, y.level())) {
            CkksCiphertext square = ev.multiply(y, y);
            ev.release(ev.rescale(square));
            ev.release(square);
        }
        ev.release(y);
    }

    /** The rotation steps the keys serve, with each key's level. */
    private static Map<Integer, Integer> rotationKeyLevels(Parameters params, EvaluationKeys keys) {
        Map<Integer, Integer> levels = new TreeMap<>();
        for (int s = 1; s < params.slots(); s++) {
            long k = Encoder.galoisElement(s, params.n());
            if (keys.hasGalois(k)) {
                levels.put(s, keys.galois(k).level());
            }
        }
        return levels;
    }

    /** Up to {@value #TAPS} rotation steps whose keys serve ciphertexts at {@code level}, smallest first. */
    private static int[] steps(Map<Integer, Integer> keyLevels, int level) {
        return keyLevels.entrySet().stream().filter(e -> e.getValue() >= level).mapToInt(Map.Entry::getKey)
                .limit(TAPS).toArray();
    }

    private static boolean hasRelinearization(EvaluationKeys keys, int level) {
        try {
            SwitchingKey relin = keys.relinearization();
            return relin.level() >= level;
        } catch (IllegalStateException none) {
            return false;
        }
    }

    private static double[] randomSlots(int slots, SplittableRandom random) {
        double[] v = new double[slots];
        for (int i = 0; i < slots; i++) {
            v[i] = random.nextDouble(-1, 1);
        }
        return v;
    }
}
