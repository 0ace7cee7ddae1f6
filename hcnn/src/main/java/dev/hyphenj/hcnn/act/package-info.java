/**
 * Activations on ciphertexts: AppReLU with the composite minimax sign ({@link dev.hyphenj.hcnn.act.AppRelu},
 * {@link dev.hyphenj.hcnn.act.CompositeSign}, fitted by our {@link dev.hyphenj.hcnn.act.Remez}) and the degree-2
 * activation of networks trained with one ({@link dev.hyphenj.hcnn.act.QuadraticActivation}); the activation
 * settings of a model profile ({@link dev.hyphenj.hcnn.act.ActivationProfile}).
 */
package dev.hyphenj.hcnn.act;
