/**
 * The data directory (CIFAR-10 images, pretrained weights, reference logits; never committed) and the CIFAR-10
 * test images in it. See {@code ../shared/data/README.md} for what the directory holds and where it comes from.
 */
package dev.hyphenj.hcnn.data;
