/**
 * Residual connections on packed ciphertexts: {@link dev.hyphenj.hcnn.residual.OptionAShortcut}, the
 * parameter-free downsampling shortcut of CIFAR ResNets (the identity shortcut is the block input itself).
 */
package dev.hyphenj.hcnn.residual;
