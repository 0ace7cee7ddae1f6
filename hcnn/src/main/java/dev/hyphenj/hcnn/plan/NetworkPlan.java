package dev.hyphenj.hcnn.plan;

import java.util.List;

/**
 * The choices of a ResNet-20 plan that {@link PlannedResNet20} executes.
 *
 * @param stemM m of the PR(m) layout the client packs the 3-channel image in (the stem is an RAConv)
 * @param stemBabySteps baby steps of the stem's block rotations
 * @param blocks the nine basic blocks
 * @param inputLevel the level the client encrypts the image at
 * @param bootstrapBefore for each activation in order (stem, then conv1 and conv2 of each block), whether a
 *     bootstrap precedes it
 */
public record NetworkPlan(int stemM, int stemBabySteps, List<BlockPlan> blocks, int inputLevel,
        List<Boolean> bootstrapBefore) {

    public NetworkPlan {
        blocks = List.copyOf(blocks);
        bootstrapBefore = List.copyOf(bootstrapBefore);
        if (bootstrapBefore.size() != 1 + 2 * blocks.size()) {
            throw new IllegalArgumentException(bootstrapBefore.size() + " bootstrap flags for " + (1 + 2 * blocks.size())
                    + " activations");
        }
    }

    /**
     * One basic block: conv1 is a CAConv from the block input (CA) to PR(m), conv2 an RAConv from PR(m) to CA.
     *
     * @param name the block's name ({@code layer2.0})
     * @param m the m of the PR(m) layout between the convolutions
     * @param caBabySteps baby steps of conv1's block rotations
     * @param raBabySteps baby steps of conv2's block rotations
     * @param refillMid whether conv1's PR(m) ciphertexts are refilled into one before the bootstrap and activation
     * @param refillOut whether the block output's CA ciphertexts are refilled into one
     */
    public record BlockPlan(String name, int m, int caBabySteps, int raBabySteps, boolean refillMid,
            boolean refillOut) {}
}
