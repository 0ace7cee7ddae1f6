/**
 * The CNN layers on RNS-CKKS: {@link dev.hyphenj.hcnn.ckks.CkksHeEvaluator} implements the layers' evaluator
 * interface on the ckks module's ciphertexts, with weight plaintexts encoded when used under a memory budget
 * ({@link dev.hyphenj.hcnn.ckks.PlaintextCache}).
 */
package dev.hyphenj.hcnn.ckks;
