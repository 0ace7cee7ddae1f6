/**
 * The baseline HyPHEN compares against: the multiplexed parallel convolution (MPConv) of Lee et al., "Low-complexity
 * deep convolutional neural networks on fully homomorphic encryption using multiplexed parallel convolutions" (ICML
 * 2022), as its public code (snu-ccl/FHE-MP-CNN, {@code cnn_seal.cpp}) performs it, written again for our
 * {@link dev.hyphenj.hcnn.eval.HeEvaluator}: the whole tensor in one ciphertext in the multiplexed layout
 * ({@link dev.hyphenj.hcnn.baseline.MultiplexedLayout}), tap rotations one by one without hoisting, plaintext
 * multiplies, rotate-and-sum over the channels, the collection rotations that re-multiplex the outputs and the
 * rotations that replicate them. {@link dev.hyphenj.hcnn.baseline.MpResNet20} runs ResNet-20 as the code's
 * {@code infer_seal.cpp} does. docs/mpconv-baseline.md gives the rotation formulas and the published figures.
 */
package dev.hyphenj.hcnn.baseline;
