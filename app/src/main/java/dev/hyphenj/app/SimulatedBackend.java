package dev.hyphenj.app;

import dev.hyphenj.hcnn.act.Activation;
import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.eval.NetworkHooks;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.sim.SimCiphertext;
import dev.hyphenj.hcnn.sim.SlotSimulator;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code demo --dry-run}: the demo's steps on the slot simulator. No key is generated (the key bytes reported are the
 * key plan's), "encryption" copies the slots, bootstraps return their input, and the activations are the profile's
 * (AppReLU's polynomials in double), so the logits are those {@code simulate} gets. Seconds, not minutes: it checks the
 * data, the plan's levels and the report before an encrypted run.
 */
final class SimulatedBackend implements DemoRun.Backend<SimCiphertext> {
    private final EncryptedPlan plan;
    private final SlotSimulator sim;

    SimulatedBackend(EncryptedPlan plan) {
        this.plan = plan;
        this.sim = new SlotSimulator(plan.params.slots());
    }

    @Override
    public String name() {
        return "simulator";
    }

    @Override
    public void generateKeys(String command, PrintWriter progress) {
        progress.printf("%s: dry run on the slot simulator; no keys generated (the plan's: %s)%n", command,
                plan.keys.summary(plan.params));
        progress.flush();
    }

    @Override
    public long keyBytes() {
        return plan.keys.bytes(plan.params);
    }

    /** Half the plan's bytes: a seeded key stores one of its two halves. */
    @Override
    public long keyBytesSeeded() {
        return keyBytes() / 2;
    }

    @Override
    public HeEvaluator<SimCiphertext> evaluator() {
        return sim;
    }

    @Override
    public long warmUp(int inputLevel) {
        return 0; // nothing to compile or map: the simulator is plain double arithmetic
    }

    @Override
    public NetworkHooks<SimCiphertext> hooks() {
        Map<String, Activation> acts = plan.activations;
        return new NetworkHooks<>() {
            @Override
            public SimCiphertext activate(SimCiphertext x) {
                throw new UnsupportedOperationException("activations are by layer");
            }

            @Override
            public SimCiphertext activate(String layer, int ciphertext, SimCiphertext x) {
                return acts.get(layer).apply(sim, x, ciphertext);
            }

            @Override
            public SimCiphertext bootstrap(SimCiphertext x, int slots) {
                return x;
            }

            /** As the CKKS bootstrap: x times the activation's input scale (a copy of the slots, not counted). */
            @Override
            public SimCiphertext bootstrap(String layer, int ciphertext, SimCiphertext x, int slots) {
                Activation a = acts.get(layer);
                double factor = a == null ? 1 : a.inputScale();
                return factor == 1 ? x : sim.scaledCopy(x, factor);
            }
        };
    }

    @Override
    public List<SimCiphertext> encrypt(List<double[]> slots, int level) {
        List<SimCiphertext> out = new ArrayList<>(slots.size());
        slots.forEach(v -> out.add(sim.encrypt(v)));
        return out;
    }

    @Override
    public double[] decrypt(SimCiphertext ct) {
        return sim.decrypt(ct);
    }

    @Override
    public OpCounts counts() {
        return sim.counts();
    }

    @Override
    public long bootstrapKeySwitches() {
        return 0;
    }

    @Override
    public Map<String, Object> details() {
        return new LinkedHashMap<>();
    }

    @Override
    public void close() {}
}
