/** Bootstrapping: the homomorphic DFT (CoeffToSlot, SlotToCoeff) matrices, first piece. */
package dev.hyphenj.ckks.boot;
