package dev.hyphenj.hcnn.plan;

import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.eval.NetworkHooks;
import dev.hyphenj.hcnn.head.ClassifierHead;
import dev.hyphenj.hcnn.layout.TensorLayout;
import java.util.List;

/**
 * A ResNet-20 laid out on packed ciphertexts end to end, written once against {@link HeEvaluator}: the ReLU/AppReLU
 * network ({@link PlannedResNet20}) or the degree-2 one ({@link PolyResNet20}). The slot simulator and the demo run
 * either through this.
 */
public interface PackedNetwork {
    /** The layout choices (stem m, m and baby steps per block). */
    NetworkPlan plan();

    /** The layout the client packs the normalized image in. */
    TensorLayout inputLayout();

    /** The head (pooling and the linear layer); its {@code decode} reads the logits ciphertext. */
    ClassifierHead head();

    /** The 19 activation layers in order of evaluation, by name. */
    List<String> activationNames();

    /** The logits of the packed normalized image (input handles stay the caller's). */
    <C> C logits(HeEvaluator<C> ev, NetworkHooks<C> hooks, List<C> image);
}
