package dev.hyphenj.ckks.boot;

import dev.hyphenj.ckks.ChebyshevPolynomial;
import dev.hyphenj.ckks.Parameters;
import java.util.Map;

/**
 * How a parameter set bootstraps: the depths of the two homomorphic DFTs and the design of EvalMod. The levels
 * follow from them, from the top of the chain down: CoeffToSlot uses the top {@code coeffsToSlotsDepth} levels,
 * EvalMod the next {@link #evalModDepth()}, SlotToCoeff the next {@code slotsToCoeffsDepth}; the result is at
 * {@link #outputLevel(Parameters)}.
 *
 * <p><b>EvalMod.</b> After ModRaise the coefficients are t = Delta' m + q0 I with |I| small (the secret is sparse:
 * with h non-zero ternary entries I is about normal with standard deviation sqrt((h + 1) / 12), 4.0 for h = 192).
 * CoeffToSlot puts y = t / (q0 K) in the slots; EvalMod computes sin(2 pi K y) = sin(2 pi t / q0), which is about
 * 2 pi Delta' m / q0 when q0 / Delta' = 2^logMessageRatio is large: a Chebyshev interpolant of
 * cos(2 pi (K y - 1/4) / 2^r) of degree {@code sineDegree} on [-1, 1], then r = {@code doubleAngles} steps
 * c -> 2 c^2 - 1. K bounds |I|: a coefficient with |I| beyond about K + 1 is reduced wrongly, so K is about 6
 * standard deviations (24 for h = 192: about 1e-4 failures per bootstrap at N = 2^16). The error of sin(x) against x
 * at ratio 2^12 is about 2^-21 of the message at |m| = 1; the interpolant's error is amplified about 2^(r + 12).
 *
 * @param coeffsToSlotsDepth levels of CoeffToSlot (groups of FFT stages)
 * @param slotsToCoeffsDepth levels of SlotToCoeff
 * @param k                  the range of I that EvalMod reduces, [-K, K]
 * @param sineDegree         degree of the cosine interpolant
 * @param doubleAngles       double-angle steps r
 * @param logMessageRatio    log2(q0 / Delta'): the input is multiplied by a power of two to reach it
 * @param keepEncodedDiagonals whether the homomorphic DFTs keep their encoded diagonals between bootstraps
 *                           ({@link dev.hyphenj.ckks.LinearTransform#keepingEncodings()}): faster, but at N = 2^16
 *                           about 3 GB for full slots
 */
public record BootstrapParameters(int coeffsToSlotsDepth, int slotsToCoeffsDepth, int k, int sineDegree,
        int doubleAngles, int logMessageRatio, boolean keepEncodedDiagonals) {

    /** A design that encodes the DFT diagonals at every bootstrap (no memory held between bootstraps). */
    public BootstrapParameters(int coeffsToSlotsDepth, int slotsToCoeffsDepth, int k, int sineDegree,
            int doubleAngles, int logMessageRatio) {
        this(coeffsToSlotsDepth, slotsToCoeffsDepth, k, sineDegree, doubleAngles, logMessageRatio, false);
    }

    public BootstrapParameters {
        check(coeffsToSlotsDepth >= 1 && coeffsToSlotsDepth <= 8, "coeffsToSlotsDepth", coeffsToSlotsDepth, "1..8");
        check(slotsToCoeffsDepth >= 1 && slotsToCoeffsDepth <= 8, "slotsToCoeffsDepth", slotsToCoeffsDepth, "1..8");
        check(k >= 1 && k <= 256, "K", k, "1..256");
        check(sineDegree >= 3 && sineDegree <= 255, "sineDegree", sineDegree, "3..255");
        check(doubleAngles >= 0 && doubleAngles <= 8, "doubleAngles", doubleAngles, "0..8");
        check(logMessageRatio >= 4 && logMessageRatio <= 30, "logMessageRatio", logMessageRatio, "4..30");
    }

    /**
     * Reads {"coeffsToSlotsDepth", "slotsToCoeffsDepth", "K", "sineDegree", "doubleAngles", "logMessageRatio"} and
     * the optional "keepEncodedDiagonals" (default false).
     */
    public static BootstrapParameters fromJson(Map<String, Object> json, String source) {
        Object keep = json.getOrDefault("keepEncodedDiagonals", Boolean.FALSE);
        if (!(keep instanceof Boolean)) {
            throw new IllegalArgumentException(source + ": \"bootstrap\".keepEncodedDiagonals must be true or false, got "
                    + keep);
        }
        return new BootstrapParameters(integer(json, "coeffsToSlotsDepth", source),
                integer(json, "slotsToCoeffsDepth", source), integer(json, "K", source),
                integer(json, "sineDegree", source), integer(json, "doubleAngles", source),
                integer(json, "logMessageRatio", source), (Boolean) keep);
    }

    /** Levels EvalMod consumes: the interpolant's depth plus one per double angle. */
    public int evalModDepth() {
        return 32 - Integer.numberOfLeadingZeros(sineDegree) + doubleAngles;
    }

    /** Levels a bootstrap consumes above its output level. */
    public int depth() {
        return coeffsToSlotsDepth + evalModDepth() + slotsToCoeffsDepth;
    }

    /** The level of a bootstrapped ciphertext; throws if the chain is too short. */
    public int outputLevel(Parameters params) {
        int out = params.maxLevel() - depth();
        if (out < 1) {
            throw new IllegalArgumentException("bootstrapping needs " + depth() + " levels above its output level, "
                    + "parameters '" + params.name() + "' have " + params.maxLevel() + " levels above q0");
        }
        return out;
    }

    /** The level EvalMod starts at (CoeffToSlot's result). */
    public int evalModLevel(Parameters params) {
        return params.maxLevel() - coeffsToSlotsDepth;
    }

    /**
     * EvalMod's polynomial: the interpolant of cos(2 pi (K y - 1/4) / 2^r) on [-1, 1]. After r double angles
     * (c -> 2 c^2 - 1) it is sin(2 pi K y).
     */
    public ChebyshevPolynomial cosine() {
        double period = Math.scalb(1.0, doubleAngles);
        return ChebyshevPolynomial.interpolate(y -> Math.cos(2 * Math.PI * (k * y - 0.25) / period), -1, 1,
                sineDegree);
    }

    private static void check(boolean ok, String name, int value, String range) {
        if (!ok) {
            throw new IllegalArgumentException("bootstrap parameter " + name + " = " + value + " is outside " + range);
        }
    }

    private static int integer(Map<String, Object> json, String key, String source) {
        if (json.get(key) instanceof Long v && v == v.intValue()) {
            return v.intValue();
        }
        throw new IllegalArgumentException(source + ": \"bootstrap\"." + key + " must be an integer, got "
                + json.get(key));
    }
}
