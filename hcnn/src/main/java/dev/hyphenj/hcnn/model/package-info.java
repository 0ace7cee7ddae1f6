/**
 * Models: the ResNet-20 for CIFAR-10 with its pretrained weights (BatchNorm folded into the convolutions), its plain
 * double-precision forward pass, and the same network on packed ciphertexts through an
 * {@link dev.hyphenj.hcnn.eval.HeEvaluator}.
 */
package dev.hyphenj.hcnn.model;
