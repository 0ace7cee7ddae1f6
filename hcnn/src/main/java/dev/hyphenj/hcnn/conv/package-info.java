/**
 * Convolutions: {@link dev.hyphenj.hcnn.conv.Convolution} (weights, bias, stride, and the direct double-precision
 * convolution), and the two homomorphic algorithms of DESIGN section 5, {@link dev.hyphenj.hcnn.conv.CAConv}
 * (CA in, PR(m) out) and {@link dev.hyphenj.hcnn.conv.RAConv} (PR(m) in, CA out), which alternate without layout
 * conversions.
 */
package dev.hyphenj.hcnn.conv;
