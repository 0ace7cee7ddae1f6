package dev.hyphenj.hcnn.ckks;

import dev.hyphenj.hcnn.act.Activation;
import dev.hyphenj.hcnn.act.AppRelu;
import dev.hyphenj.hcnn.eval.NetworkHooks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network hooks of a CKKS run ({@code PlannedResNet20.logits} with a {@link CkksHeEvaluator}): the activation of
 * each layer is the same {@link Activation} the simulated network applies ({@code SimulatedResNet20}: AppReLU with
 * the layer's bound from the profile, {@code PlannedResNet20.appRelu(profile)}), here on the CKKS evaluator; the
 * bootstrap is {@link CkksBootstrapService#bootstrap(CkksCiphertext, int, double)} with the bound of the activation
 * layer it precedes (by default AppReLU's B, which bounds the inputs AppReLU accepts; 1 for other activations unless
 * given); each layer's wall time and bootstraps are recorded ({@link #layers()}).
 *
 * <p>Why B: a bootstrap is precise relative to its bound (about 2^-21 of it on the test chain, whatever the bound),
 * so B costs log2(B) bits against bound 1 for slots with a small mean, but guards against a large mean, which bound 1
 * would bend (see {@link CkksBootstrapService}); AppReLU's own error is about 2^-13 B, far above either.
 */
public final class CkksNetworkHooks implements NetworkHooks<CkksCiphertext> {
    /**
     * One layer of a run, as {@code layerDone} reports it.
     *
     * @param name the layer ({@code stem}, {@code layer1.0.conv1}, ..., {@code head})
     * @param nanos wall time since the previous layer ended (linear operations, bootstraps and activations)
     * @param bootstraps bootstraps in it
     * @param bootstrapNanos their wall time
     * @param activationNanos wall time of its activations
     */
    public record Layer(String name, long nanos, long bootstraps, long bootstrapNanos, long activationNanos) {}

    private final CkksHeEvaluator ev;
    private final CkksBootstrapService boot;
    private final Map<String, Activation> activations;
    private final Map<String, Double> bootstrapBounds;
    private final List<Layer> layers = new ArrayList<>();
    private long layerStart = System.nanoTime();
    private long bootstraps, bootstrapNanos, activationNanos;

    /**
     * Hooks on {@code ev} bootstrapping with {@code boot} (null for a leveled run: a bootstrap then throws), with an
     * activation per activation layer and bootstrap bounds from {@link #bootstrapBounds(Map)}.
     */
    public CkksNetworkHooks(CkksHeEvaluator ev, CkksBootstrapService boot,
            Map<String, ? extends Activation> activations) {
        this(ev, boot, activations, bootstrapBounds(activations));
    }

    /**
     * As above with the bound on the slots of each bootstrap given by the activation layer it precedes (layers not
     * named: 1).
     */
    public CkksNetworkHooks(CkksHeEvaluator ev, CkksBootstrapService boot,
            Map<String, ? extends Activation> activations, Map<String, Double> bootstrapBounds) {
        if (boot != null && boot.evaluator() != ev) {
            throw new IllegalArgumentException("the bootstrap service bootstraps another evaluator's ciphertexts");
        }
        this.ev = ev;
        this.boot = boot;
        this.activations = Collections.unmodifiableMap(new LinkedHashMap<>(activations));
        for (Map.Entry<String, Double> e : bootstrapBounds.entrySet()) {
            if (!(e.getValue() > 0) || Double.isInfinite(e.getValue())) {
                throw new IllegalArgumentException("bootstrap bound of " + e.getKey() + ": " + e.getValue());
            }
        }
        this.bootstrapBounds = Collections.unmodifiableMap(new LinkedHashMap<>(bootstrapBounds));
    }

    /**
     * The bootstrap bound of each activation layer: AppReLU's B (its inputs must lie in [-B, B] anyway); other
     * activations are left out (bound 1).
     */
    public static Map<String, Double> bootstrapBounds(Map<String, ? extends Activation> activations) {
        Map<String, Double> out = new LinkedHashMap<>();
        activations.forEach((name, a) -> {
            if (a instanceof AppRelu r) {
                out.put(name, r.bound());
            }
        });
        return out;
    }

    public CkksBootstrapService bootstrapService() {
        return boot;
    }

    /** The bound a bootstrap before activation layer {@code layer} uses. */
    public double bootstrapBound(String layer) {
        return bootstrapBounds.getOrDefault(layer, 1.0);
    }

    /** Not supported: the CKKS activations are per layer ({@link #activate(String, int, CkksCiphertext)}). */
    @Override
    public CkksCiphertext activate(CkksCiphertext x) {
        throw new UnsupportedOperationException("CKKS activations are chosen by layer name; activate(x) names none");
    }

    @Override
    public CkksCiphertext activate(String layer, int ciphertext, CkksCiphertext x) {
        Activation a = activations.get(layer);
        if (a == null) {
            throw new IllegalArgumentException("no activation for layer " + layer + " (have " + activations.keySet()
                    + ")");
        }
        long start = System.nanoTime();
        CkksCiphertext y = a.apply(ev, x, ciphertext);
        activationNanos += System.nanoTime() - start;
        return y;
    }

    /** A bootstrap with bound 1 (slots of magnitude at most about 1). */
    @Override
    public CkksCiphertext bootstrap(CkksCiphertext x, int slots) {
        return timedBootstrap(x, slots, 1, 1);
    }

    /**
     * The bootstrap before activation layer {@code layer}, with the layer's bound, times the activation's
     * {@link Activation#inputScale()} (free: the bootstrap's output scale).
     */
    @Override
    public CkksCiphertext bootstrap(String layer, int ciphertext, CkksCiphertext x, int slots) {
        Activation a = activations.get(layer);
        return timedBootstrap(x, slots, bootstrapBound(layer), a == null ? 1 : a.inputScale());
    }

    @Override
    public void layerDone(String name) {
        long now = System.nanoTime();
        layers.add(new Layer(name, now - layerStart, bootstraps, bootstrapNanos, activationNanos));
        layerStart = now;
        bootstraps = bootstrapNanos = activationNanos = 0;
    }

    /** The layers reported so far, in order. */
    public List<Layer> layers() {
        return List.copyOf(layers);
    }

    /** Starts the clock of the next layer now (call before a run; the constructor starts it too). */
    public void startRun() {
        layerStart = System.nanoTime();
        bootstraps = bootstrapNanos = activationNanos = 0;
    }

    private CkksCiphertext timedBootstrap(CkksCiphertext x, int slots, double bound, double factor) {
        if (boot == null) {
            throw new IllegalStateException("a bootstrap in a leveled run (hooks without a bootstrap service)");
        }
        long start = System.nanoTime();
        CkksCiphertext y = boot.bootstrap(x, slots, bound, factor);
        bootstraps++;
        bootstrapNanos += System.nanoTime() - start;
        return y;
    }
}
