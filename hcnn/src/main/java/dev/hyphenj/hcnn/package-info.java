/**
 * Homomorphic CNN inference on top of {@code ckks}: tensor layouts, CAConv and RAConv, 2D gap packing, partial
 * channel replication (PRCR), activations, pooling, the fully connected layer, the planner (levels, bootstraps,
 * rotation-key set), the models (ResNet-20, ResNet-18), weight loading and the slot simulator. It must not know
 * about the CLI or HTTP.
 *
 * <p>Dependencies run one way: {@code core-ntt -> ckks -> hcnn -> app}. So far it holds only {@link
 * dev.hyphenj.hcnn.HcnnModule}, which marks the module's place in that chain.
 */
package dev.hyphenj.hcnn;
