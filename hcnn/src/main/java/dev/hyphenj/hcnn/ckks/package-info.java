/**
 * The CNN layers on RNS-CKKS: {@link dev.hyphenj.hcnn.ckks.CkksHeEvaluator} implements the layers' evaluator
 * interface on the ckks module's ciphertexts, with weight plaintexts encoded when used under a memory budget
 * ({@link dev.hyphenj.hcnn.ckks.PlaintextCache}); {@link dev.hyphenj.hcnn.ckks.CkksBootstrapService} bootstraps its
 * handles at the plan's sparse slot counts; {@link dev.hyphenj.hcnn.ckks.CkksNetworkHooks} are a network run's
 * activations and bootstraps; {@link dev.hyphenj.hcnn.ckks.NetworkKeys} plans and generates (on the client) the
 * evaluation keys of a run, each cut to the level it is used at.
 */
package dev.hyphenj.hcnn.ckks;
