/**
 * The slot simulator: {@link dev.hyphenj.hcnn.sim.SlotSimulator} runs the layer code on plain {@code double[]} slot
 * vectors and counts every operation. It is the oracle for layouts and layers and the fast path for tests.
 */
package dev.hyphenj.hcnn.sim;
