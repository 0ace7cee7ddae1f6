package dev.hyphenj.hcnn.eval;

import dev.hyphenj.ckks.ChebyshevEvaluator;
import dev.hyphenj.ckks.ChebyshevPolynomial;
import java.util.List;

/**
 * What evaluating a composite polynomial costs in counted operations, as {@link ChebyshevEvaluator#evaluateComposite}
 * spends them: the first stage's change of variable (a constant product and a rescale unless the interval is free,
 * a plaintext addition for a shift), then per stage the ciphertext products of its baby-step giant-step evaluation,
 * one constant product and one addition per non-zero coefficient, and a rescale per product plus one. The ciphertext
 * product counts are exact (from the evaluator's own helpers); the others follow its structure.
 */
public record PolynomialCost(int ciphertextMultiplies, int constantMultiplies, int additions, int plaintextAdditions,
        int rescales) {

    /** The cost of stage k applied to stage k-1's output, for all stages. */
    public static PolynomialCost of(List<ChebyshevPolynomial> stages) {
        ChebyshevPolynomial first = stages.getFirst();
        int ctMul = 0, constMul = 0, adds = 0, plainAdds = 0, rescales = 0;
        if (!first.freeChangeOfVariable()) {
            constMul++;
            rescales++;
        }
        if (first.beta() != 0) {
            plainAdds++;
        }
        for (int k = 0; k < stages.size(); k++) {
            double[] c = stages.get(k).coefficients();
            if (k + 1 < stages.size()) { // the next stage's change of variable, folded in as evaluateComposite does
                ChebyshevPolynomial next = stages.get(k + 1);
                c = ChebyshevPolynomial.onUnitInterval(c).affineOutput(next.alpha(), next.beta()).coefficients();
            }
            ChebyshevPolynomial unit = ChebyshevPolynomial.onUnitInterval(c);
            int products = unit.degree() == 0 ? 0 : ChebyshevEvaluator.multiplications(unit, 0);
            int terms = 0;
            for (int j = 1; j < c.length; j++) {
                terms += c[j] != 0 ? 1 : 0;
            }
            ctMul += products;
            constMul += terms;
            adds += terms;
            rescales += products + 1;
        }
        return new PolynomialCost(ctMul, constMul, adds, plainAdds, rescales);
    }
}
