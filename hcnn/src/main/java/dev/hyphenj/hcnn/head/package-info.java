/**
 * The classifier head on packed ciphertexts, written once against {@link dev.hyphenj.hcnn.eval.HeEvaluator}:
 * global average pooling by rotate-and-sum inside each channel block
 * ({@link dev.hyphenj.hcnn.head.GlobalAveragePool}), and the fully connected layer
 * ({@link dev.hyphenj.hcnn.head.FullyConnected}) as a baby-step giant-step diagonal product
 * ({@link dev.hyphenj.hcnn.head.DiagonalTransform}); {@link dev.hyphenj.hcnn.head.ClassifierHead} chains the two.
 */
package dev.hyphenj.hcnn.head;
