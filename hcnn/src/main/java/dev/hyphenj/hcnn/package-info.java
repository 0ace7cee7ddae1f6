/**
 * Homomorphic CNN inference on top of {@code ckks}, following our reading of HyPHEN (DESIGN section 5). One package
 * per concept:
 * <ul>
 *   <li>{@code eval}: the evaluator interface the layers are written against, and operation counts;</li>
 *   <li>{@code sim}: the slot simulator, an evaluator on plain slot vectors that counts every operation;</li>
 *   <li>{@code layout}: frames, the CA and PR(m) layouts with 2D gaps, packing and unpacking;</li>
 *   <li>{@code conv}: convolutions, plain and as CAConv and RAConv;</li>
 *   <li>{@code residual}: the option-A shortcut;</li>
 *   <li>{@code act}: activations (AppReLU with our Remez composite minimax sign, degree-2) and profile bounds;</li>
 *   <li>{@code head}: global average pooling and the fully connected layer (baby-step giant-step diagonals);</li>
 *   <li>{@code ckks}: the evaluator on RNS-CKKS ciphertexts and its plaintext cache;</li>
 *   <li>{@code npy}, {@code data}: NumPy files and the data directory (CIFAR-10 images, weights);</li>
 *   <li>{@code model}: ResNet-20, its weights, plain and on ciphertexts, and its runs on the simulator;</li>
 *   <li>{@code baseline}: MPConv (Lee et al. ICML 2022) as FHE-MP-CNN runs it, for comparison;</li>
 *   <li>{@code plan}: the planner (m, gap refills, levels, bootstraps, keys by a cost model), its cost meter and the
 *       plan it runs.</li>
 * </ul>
 * Dependencies run one way: {@code core-ntt -> ckks -> hcnn -> app}; this module must not know about the CLI or HTTP.
 */
package dev.hyphenj.hcnn;
