/**
 * How tensors lie in ciphertext slots (DESIGN section 5). A {@link dev.hyphenj.hcnn.layout.Frame} cuts a
 * ciphertext into blocks, one channel plane each; a {@link dev.hyphenj.hcnn.layout.TensorLayout} places a tensor's
 * channels in the blocks (CA or PR(m)) and its values in the plane (2D gap g), and packs and unpacks tensors.
 */
package dev.hyphenj.hcnn.layout;
