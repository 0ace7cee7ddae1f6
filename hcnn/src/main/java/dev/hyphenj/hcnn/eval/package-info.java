/**
 * The homomorphic operations the CNN layers are written against, once: {@link dev.hyphenj.hcnn.eval.HeEvaluator}
 * over opaque ciphertext handles, implemented by the slot simulator ({@code dev.hyphenj.hcnn.sim}) and, later, by
 * RNS-CKKS; and {@link dev.hyphenj.hcnn.eval.OpCounts}, the operation counts a run reports.
 */
package dev.hyphenj.hcnn.eval;
