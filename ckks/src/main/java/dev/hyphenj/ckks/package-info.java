/**
 * RNS-CKKS approximate homomorphic encryption on top of {@code core-ntt}: parameters ({@link
 * dev.hyphenj.ckks.Parameters}), the encoder, keys, encryption and decryption, and the {@link
 * dev.hyphenj.ckks.Evaluator} (add, multiply, relinearize, rescale, rotate, hoisted rotations; linear transforms,
 * polynomial evaluation, bootstrapping and serialization follow). It must not know about layers or models.
 *
 * <p>Dependencies run one way: {@code core-ntt -> ckks -> hcnn -> app}.
 */
package dev.hyphenj.ckks;
