package dev.hyphenj.hcnn.plan;

import dev.hyphenj.ckks.ChebyshevEvaluator;
import dev.hyphenj.ckks.ChebyshevPolynomial;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.hcnn.act.AppRelu;
import dev.hyphenj.hcnn.act.CompositeSign;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The planner's operation times (profiles/costs-cpu.json and its sources): times in milliseconds for a ciphertext of
 * {@code referenceLimbs} primes of Q, scaled by the primes of Q at the level where an operation runs. A hoisted batch
 * of n rotations costs one rotation plus {@code hoistedExtraFraction} of one for each further output. A bootstrap
 * costs {@code bootstrapRotations} rotations of the reference size. An activation (AppReLU) costs its ciphertext
 * products, each one key switch at the middle of its levels, and takes {@code activationLevels} levels: 14 by
 * default, the composite sign's 13 and one for x * sign, with the 1/B prescale applied for free before it (as MPConv
 * does; {@link AppRelu#normalizedInput()}: the bootstrap's output scale or the stem's weights divide by B).
 *
 * @param referenceLimbs primes of Q the times were measured with
 * @param rotationMs one rotation (key switch)
 * @param hoistedExtraFraction each further output of a hoisted batch, as a fraction of a rotation
 * @param plaintextMultiplyMs a ciphertext times a plaintext (encoded)
 * @param encodeMs encoding the plaintext of a plaintext multiply, the part independent of the level (FFT, rounding)
 * @param encodeLimbMs encoding, per prime of Q at the level (a reduction and an NTT)
 * @param addMs a ciphertext addition (or plaintext addition)
 * @param rescaleMs a rescale
 * @param bootstrapRotations a bootstrap, in rotations of the reference size
 * @param signDegrees degrees of the composite sign polynomials of AppReLU
 * @param extraProducts further ciphertext products of the activation (x * sign)
 * @param activationLevels levels an activation consumes
 * @param measuredBootstrapMs measured bootstrap times by sparse slot count (one thread, the resnet20-cifar10 chain),
 *     which the degree-2 planner uses ({@link #bootstrap(int)}); the AppReLU planner keeps the placeholder
 */
public record CostModel(int referenceLimbs, double rotationMs, double hoistedExtraFraction,
        double plaintextMultiplyMs, double encodeMs, double encodeLimbMs, double addMs, double rescaleMs,
        double bootstrapRotations, int[] signDegrees,
        int extraProducts, int activationLevels, SortedMap<Integer, Double> measuredBootstrapMs) {

    public CostModel {
        measuredBootstrapMs = Collections.unmodifiableSortedMap(new TreeMap<>(measuredBootstrapMs));
    }

    /** The defaults of profiles/costs-cpu.json. */
    public static CostModel defaults() {
        return new CostModel(29, 55.0, 0.6, 0.3, 0.1, 0.19, 0.15, 6.7, 20, new int[] {15, 15, 27}, 1, 14,
                new TreeMap<>(Map.of(4096, 8500.0, 8192, 8000.0, 16384, 9700.0, 32768, 14000.0)));
    }

    /** From a parsed cost profile (see profiles/costs-cpu.json); missing fields take the defaults. */
    public static CostModel fromJson(Map<String, Object> m) {
        CostModel d = defaults();
        int[] degrees = d.signDegrees;
        int extra = d.extraProducts, levels = d.activationLevels;
        if (m.get("activation") instanceof Map<?, ?> a) {
            if (a.get("signDegrees") instanceof List<?> l) {
                degrees = l.stream().mapToInt(x -> ((Number) x).intValue()).toArray();
            }
            extra = a.get("extraProducts") instanceof Number n ? n.intValue() : extra;
            levels = a.get("levels") instanceof Number n ? n.intValue() : levels;
        }
        return new CostModel(integer(m, "referenceLimbs", d.referenceLimbs), number(m, "rotationMs", d.rotationMs),
                number(m, "hoistedExtraFraction", d.hoistedExtraFraction),
                number(m, "plaintextMultiplyMs", d.plaintextMultiplyMs), number(m, "encodeMs", d.encodeMs),
                number(m, "encodeLimbMs", d.encodeLimbMs), number(m, "addMs", d.addMs),
                number(m, "rescaleMs", d.rescaleMs), number(m, "bootstrapRotations", d.bootstrapRotations), degrees,
                extra, levels, measured(m.get("bootstrapMeasuredMs"), d.measuredBootstrapMs));
    }

    private static SortedMap<Integer, Double> measured(Object v, SortedMap<Integer, Double> dflt) {
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("cost profile: \"bootstrapMeasuredMs\" must map slot counts to ms");
        }
        SortedMap<Integer, Double> out = new TreeMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof Number n) || !(n.doubleValue() > 0)) {
                throw new IllegalArgumentException("cost profile: bootstrapMeasuredMs." + e.getKey() + " must be a"
                        + " positive number, got " + e.getValue());
            }
            out.put(Integer.parseInt((String) e.getKey()), n.doubleValue());
        }
        return out;
    }

    private static double number(Map<String, Object> m, String key, double dflt) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n && n.doubleValue() >= 0) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("cost profile: \"" + key + "\" must be a non-negative number, got " + v);
    }

    private static int integer(Map<String, Object> m, String key, int dflt) {
        double v = number(m, key, dflt);
        if (v != Math.rint(v) || v < 1) {
            throw new IllegalArgumentException("cost profile: \"" + key + "\" must be a positive integer, got " + v);
        }
        return (int) v;
    }

    /** The factor for a ciphertext at {@code level}: its primes of Q over the reference's. */
    public double scale(Parameters p, int level) {
        return (double) p.primesAtLevel(level) / referenceLimbs;
    }

    public double rotation(Parameters p, int level) {
        return rotationMs * scale(p, level);
    }

    /** A hoisted batch of n non-zero rotations of one ciphertext at {@code level}. */
    public double hoistedBatch(Parameters p, int level, int n) {
        return n == 0 ? 0 : rotation(p, level) * (1 + hoistedExtraFraction * (n - 1));
    }

    /** A plaintext multiply at {@code level} with the encoding of its plaintext (the layers encode when they use). */
    public double plaintextMultiply(Parameters p, int level) {
        return plaintextMultiplyMs * scale(p, level) + encodeMs + encodeLimbMs * p.primesAtLevel(level);
    }

    public double add(Parameters p, int level) {
        return addMs * scale(p, level);
    }

    public double rescale(Parameters p, int level) {
        return rescaleMs * scale(p, level);
    }

    /** One bootstrap (any slot count, until bootstrapping exists and is measured). */
    public double bootstrap() {
        return bootstrapRotations * rotationMs;
    }

    /**
     * A measured bootstrap of {@code slots} slots: the figure of the smallest measured slot count at least
     * {@code slots}; the placeholder {@link #bootstrap()} if none is measured.
     */
    public double bootstrap(int slots) {
        SortedMap<Integer, Double> tail = measuredBootstrapMs.tailMap(slots);
        return tail.isEmpty() ? bootstrap() : tail.get(tail.firstKey());
    }

    /**
     * Ciphertext products (relinearizations, one key switch each) of one activation: those of the project's
     * {@link AppRelu} with the composite sign of {@code signDegrees} (gap 2^-9) on a layer bound other than 1 (so the
     * first stage pays its change of variable), plus {@code extraProducts} (x * sign).
     */
    public int activationProducts() {
        return PRODUCTS.computeIfAbsent(Arrays.toString(signDegrees) + "+" + extraProducts, k -> {
            CompositeSign sign = Arrays.equals(signDegrees, CompositeSign.STANDARD_DEGREES) ? CompositeSign.standard()
                    : CompositeSign.minimax(signDegrees, CompositeSign.STANDARD_GAP);
            int n = extraProducts;
            for (ChebyshevPolynomial p : new AppRelu(2.0, sign).stages()) {
                n += ChebyshevEvaluator.multiplications(p, 0);
            }
            return n;
        });
    }

    private static final Map<String, Integer> PRODUCTS = new java.util.concurrent.ConcurrentHashMap<>();

    /** One activation of a ciphertext entering at {@code level}: its products at the middle of its levels. */
    public double activation(Parameters p, int level) {
        return activationProducts() * rotation(p, Math.max(0, level - activationLevels / 2));
    }

    /** The model as JSON, for the plan. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("referenceLimbs", (long) referenceLimbs);
        m.put("rotationMs", rotationMs);
        m.put("hoistedExtraFraction", hoistedExtraFraction);
        m.put("plaintextMultiplyMs", plaintextMultiplyMs);
        m.put("addMs", addMs);
        m.put("rescaleMs", rescaleMs);
        m.put("bootstrapMs", bootstrap());
        Map<String, Object> measured = new LinkedHashMap<>();
        measuredBootstrapMs.forEach((slots, ms) -> measured.put(Integer.toString(slots), ms));
        m.put("bootstrapMeasuredMs", measured);
        List<Object> deg = new ArrayList<>();
        for (int d : signDegrees) {
            deg.add((long) d);
        }
        m.put("activationSignDegrees", deg);
        m.put("activationKeySwitches", (long) activationProducts());
        m.put("activationLevels", (long) activationLevels);
        return m;
    }
}
