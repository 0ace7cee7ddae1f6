/**
 * Reading NumPy arrays: {@code .npy} files (format versions 1.0 to 3.0, little-endian, C order) and {@code .npz}
 * archives (zips of {@code .npy} files), with clear errors on malformed input.
 */
package dev.hyphenj.hcnn.npy;
