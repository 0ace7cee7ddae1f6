package dev.hyphenj.app;

import dev.hyphenj.hcnn.data.Cifar10;
import dev.hyphenj.hcnn.eval.HeEvaluator;
import dev.hyphenj.hcnn.eval.NetworkHooks;
import dev.hyphenj.hcnn.eval.OpCounts;
import dev.hyphenj.hcnn.model.ResNet20;
import dev.hyphenj.hcnn.model.SimulatedResNet20;
import dev.hyphenj.hcnn.plan.PackedNetwork;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The steps of {@code hyphen demo}, written once against a {@link Backend}: the client's key generation, then image by
 * image the client's encryption of the normalized image packed in the plan's input layout, the server's evaluation of
 * the planned network (ciphertexts in, logits ciphertext out: {@link PackedNetwork#logits}), the client's
 * decryption, and the plaintext model's logits to compare with. Every layer's wall time, bootstraps, bootstrap and
 * activation time and operation counts are recorded, and a progress line per layer goes to stderr.
 *
 * <p>The CKKS backend ({@link CkksBackend}) is the demo; the simulator backend ({@link SimulatedBackend},
 * {@code demo --dry-run}) runs the same steps on the slot simulator in seconds, which is how the steps and the
 * report are tested without N = 2^16 keys.
 */
final class DemoRun {
    private DemoRun() {}

    /**
     * Keys, encryption, evaluation and decryption for one network run.
     *
     * @param <C> the ciphertext handle
     */
    interface Backend<C> extends AutoCloseable {
        /** {@code ckks} or {@code simulator}. */
        String name();

        /** The client's key generation (secret key and evaluation keys); called once, first. */
        void generateKeys(String command, PrintWriter progress);

        /** Bytes of the evaluation keys as held in memory (the key plan's for the simulator). */
        long keyBytes();

        /** Bytes of the evaluation keys in seeded form (what a client sends). */
        long keyBytesSeeded();

        /** The server's evaluator. */
        HeEvaluator<C> evaluator();

        /**
         * The server's warm-up before its first image, for images encrypted at {@code inputLevel}; returns its wall
         * time in nanoseconds (0 if there is none).
         */
        long warmUp(int inputLevel);

        /** Fresh hooks (activations and bootstraps) for one image. */
        NetworkHooks<C> hooks();

        /** The client's encryption of slot vectors at {@code level}. */
        List<C> encrypt(List<double[]> slots, int level);

        /** The client's decryption of a handle's slots (the handle stays the caller's). */
        double[] decrypt(C ct);

        /** The evaluator's operation counts so far (bootstraps not included). */
        OpCounts counts();

        /** Key switches of the bootstraps so far (rotations, conjugations, relinearizations; 0 if not counted). */
        long bootstrapKeySwitches();

        /** Backend-specific figures for the report (bootstrap statistics, caches, operation times). */
        Map<String, Object> details();

        @Override
        void close();
    }

    /**
     * One layer of one image.
     *
     * @param name stem, layerS.B.conv1, layerS.B.conv2 or head (each with its bootstraps and activation)
     * @param nanos wall time
     * @param bootstraps bootstraps in it
     * @param bootstrapNanos their wall time
     * @param activationNanos wall time of its activations
     * @param counts the evaluator's operations in it (bootstraps not included)
     */
    record Layer(String name, long nanos, long bootstraps, long bootstrapNanos, long activationNanos,
            OpCounts counts) {}

    /**
     * One image.
     *
     * @param index the image's index in the data directory
     * @param label its CIFAR-10 label
     * @param logits the decrypted logits
     * @param plaintextLogits the plaintext model's
     * @param encryptNanos the client's encryption
     * @param evaluateNanos the server's evaluation, ciphertexts in to ciphertext out
     * @param decryptNanos the client's decryption and decoding
     * @param layers per layer
     * @param counts the evaluator's operations during the evaluation
     * @param bootstrapKeySwitches the bootstraps' key switches during the evaluation
     */
    record Image(int index, int label, double[] logits, double[] plaintextLogits, long encryptNanos,
            long evaluateNanos, long decryptNanos, List<Layer> layers, OpCounts counts, long bootstrapKeySwitches) {
        int top1() {
            return SimulatedResNet20.argmax(logits);
        }

        int plaintextTop1() {
            return SimulatedResNet20.argmax(plaintextLogits);
        }

        /** Whether the encrypted run's class is the plaintext model's. */
        boolean agrees() {
            return top1() == plaintextTop1() && top1() >= 0;
        }

        /** The largest |decrypted - plaintext| logit (not finite if a decrypted logit is not). */
        double maxLogitError() {
            double worst = 0;
            for (int k = 0; k < logits.length; k++) {
                worst = Math.max(worst, Math.abs(logits[k] - plaintextLogits[k])); // NaN stays NaN
            }
            return worst;
        }

        long bootstraps() {
            return layers.stream().mapToLong(Layer::bootstraps).sum();
        }
    }

    /** A run: key generation and the images. */
    record Result(String backend, long keygenNanos, long warmUpNanos, long keyBytes, long keyBytesSeeded,
            List<Image> images, Map<String, Object> details) {
        long encryptNanos() {
            return images.stream().mapToLong(Image::encryptNanos).sum();
        }

        long evaluateNanos() {
            return images.stream().mapToLong(Image::evaluateNanos).sum();
        }

        long decryptNanos() {
            return images.stream().mapToLong(Image::decryptNanos).sum();
        }

        /** The images whose encrypted class is the plaintext model's. */
        int agreeing() {
            return (int) images.stream().filter(Image::agrees).count();
        }

        /** The images whose encrypted class is their label. */
        int correct() {
            return (int) images.stream().filter(img -> img.top1() == img.label()).count();
        }
    }

    /**
     * Generates the keys, then runs the images {@code selected} (at least one) of {@code cifar} through
     * {@code backend} with the network {@code net} (image encrypted at {@code inputLevel}) and the plaintext model
     * {@code plain}, telling {@code afterEachImage} the run so far after each image; progress on {@code err}, each line
     * starting with {@code command} (demo, e2e-bench).
     */
    static <C> Result run(Backend<C> backend, PackedNetwork net, ResNet20 plain, Cifar10 cifar, int[] selected,
            int inputLevel, String command, PrintWriter err, Consumer<Result> afterEachImage) {
        long start = System.nanoTime();
        backend.generateKeys(command, err);
        long keygen = System.nanoTime() - start;
        err.printf("%s: keys ready in %.1f s: %.1f MiB (seeded %.1f MiB)%n", command, keygen / 1e9,
                backend.keyBytes() / MIB, backend.keyBytesSeeded() / MIB);
        err.flush();
        long warmUp = backend.warmUp(inputLevel);
        if (warmUp > 0) {
            err.printf("%s: server warmed up in %.1f s (kernels compiled, limb pool filled; not part of any image's"
                    + " time)%n", command, warmUp / 1e9);
            err.flush();
        }
        List<Image> images = new ArrayList<>();
        Result soFar = null;
        for (int i = 0; i < selected.length; i++) {
            String tag = command + ": image " + selected[i] + " (" + (i + 1) + "/" + selected.length + ")";
            images.add(runImage(backend, net, plain, cifar, selected[i], inputLevel, tag, err));
            soFar = new Result(backend.name(), keygen, warmUp, backend.keyBytes(), backend.keyBytesSeeded(),
                    List.copyOf(images), backend.details());
            afterEachImage.accept(soFar);
        }
        return soFar;
    }

    private static <C> Image runImage(Backend<C> backend, PackedNetwork net, ResNet20 plain, Cifar10 cifar,
            int index, int inputLevel, String tag, PrintWriter err) {
        double[][][] input = plain.normalize(cifar.pixels(index));
        HeEvaluator<C> ev = backend.evaluator();

        long t0 = System.nanoTime();
        List<C> encrypted = backend.encrypt(net.inputLayout().pack(input), inputLevel);
        long encrypt = System.nanoTime() - t0;
        err.printf("%s: encrypted (%d ciphertext%s at level %d) in %.2f s; evaluating%n", tag, encrypted.size(),
                encrypted.size() == 1 ? "" : "s", inputLevel, encrypt / 1e9);
        err.flush();

        Evaluation<C> run = evaluate(backend, net, encrypted, tag, err);
        encrypted.forEach(ev::release);
        C logits = run.logits();
        long evaluate = run.nanos();
        OpCounts counts = run.counts();

        long t2 = System.nanoTime();
        double[] decrypted = net.head().decode(backend.decrypt(logits));
        long decrypt = System.nanoTime() - t2;
        ev.release(logits);

        double[] expected = plain.classify(plain.features(input));
        Image img = new Image(index, cifar.label(index), decrypted, expected, encrypt, evaluate, decrypt,
                run.layers(), counts, run.bootstrapKeySwitches());
        err.printf("%s: class %d (plaintext model %d, label %d), max logit error %.3g, %.1f s, %d bootstraps,"
                + " %d rotations%n", tag, img.top1(), img.plaintextTop1(), img.label(), img.maxLogitError(),
                evaluate / 1e9, img.bootstraps(), counts.allRotations());
        err.flush();
        return img;
    }

    private static final double MIB = 1 << 20;

    /**
     * The server's evaluation of one image.
     *
     * @param logits the logits ciphertext (the caller's to release)
     * @param nanos wall time, ciphertexts in to ciphertext out
     * @param counts the evaluator's operations in it (bootstraps not included)
     * @param bootstrapKeySwitches the bootstraps' key switches in it
     * @param layers per layer
     */
    record Evaluation<C>(C logits, long nanos, OpCounts counts, long bootstrapKeySwitches, List<Layer> layers) {
        long bootstraps() {
            return layers.stream().mapToLong(Layer::bootstraps).sum();
        }
    }

    /**
     * Evaluates the planned network {@code net} on the encrypted image {@code encrypted} (left to the caller) with
     * fresh hooks of {@code backend}, recording each layer; a progress line per layer on {@code err}, starting
     * {@code tag}.
     */
    static <C> Evaluation<C> evaluate(Backend<C> backend, PackedNetwork net, List<C> encrypted, String tag,
            PrintWriter err) {
        LayerRecorder<C> hooks = new LayerRecorder<>(backend.hooks(), backend::counts, tag, err);
        OpCounts before = backend.counts();
        long bootSwitches = backend.bootstrapKeySwitches();
        long t1 = System.nanoTime();
        hooks.start();
        C logits = net.logits(backend.evaluator(), hooks, encrypted);
        long evaluate = System.nanoTime() - t1;
        return new Evaluation<>(logits, evaluate, backend.counts().since(before),
                backend.bootstrapKeySwitches() - bootSwitches, hooks.layers());
    }

    /**
     * Hooks around a backend's: times the bootstraps and activations (a degree-2 layer's products from
     * {@code activationStarts} to the layer's end), counts the bootstraps, records each layer when it ends (with the evaluator's operation counts in it) and prints a progress line for it.
     */
    static final class LayerRecorder<C> implements NetworkHooks<C> {
        private final NetworkHooks<C> inner;
        private final Supplier<OpCounts> counts;
        private final String tag;
        private final PrintWriter err;
        private final List<Layer> layers = new ArrayList<>();
        private long runStart, layerStart, bootstraps, bootstrapNanos, activationNanos;
        /** When the layer's product activation began ({@link #activationStarts}; 0: none), and bootstrapNanos then. */
        private long productStart, bootstrapNanosAtProductStart;
        private OpCounts layerCounts;

        LayerRecorder(NetworkHooks<C> inner, Supplier<OpCounts> counts, String tag, PrintWriter err) {
            this.inner = inner;
            this.counts = counts;
            this.tag = tag;
            this.err = err;
            start();
        }

        /** Starts the clock of the run and of its first layer. */
        void start() {
            runStart = layerStart = System.nanoTime();
            layerCounts = counts.get();
            bootstraps = bootstrapNanos = activationNanos = productStart = 0;
        }

        @Override
        public C activate(C x) {
            long t = System.nanoTime();
            C y = inner.activate(x);
            activationNanos += System.nanoTime() - t;
            return y;
        }

        @Override
        public C activate(String layer, int ciphertext, C x) {
            long t = System.nanoTime();
            C y = inner.activate(layer, ciphertext, x);
            activationNanos += System.nanoTime() - t;
            return y;
        }

        @Override
        public C bootstrap(C x, int slots) {
            long t = System.nanoTime();
            C y = inner.bootstrap(x, slots);
            bootstrapNanos += System.nanoTime() - t;
            bootstraps++;
            return y;
        }

        @Override
        public C bootstrap(String layer, int ciphertext, C x, int slots) {
            long t = System.nanoTime();
            C y = inner.bootstrap(layer, ciphertext, x, slots);
            bootstrapNanos += System.nanoTime() - t;
            bootstraps++;
            return y;
        }

        @Override
        public void activationStarts(String layer) {
            inner.activationStarts(layer);
            productStart = System.nanoTime();
            bootstrapNanosAtProductStart = bootstrapNanos;
        }

        @Override
        public void layerDone(String name) {
            inner.layerDone(name);
            long now = System.nanoTime();
            if (productStart != 0) { // the activation ran to the layer's end, bootstraps aside
                activationNanos += now - productStart - (bootstrapNanos - bootstrapNanosAtProductStart);
                productStart = 0;
            }
            OpCounts c = counts.get();
            Layer l = new Layer(name, now - layerStart, bootstraps, bootstrapNanos, activationNanos,
                    c.since(layerCounts));
            layers.add(l);
            err.printf("%s: %-15s %7.2f s (bootstraps %d, %.2f s; activation %.2f s; %d rotations),"
                    + " %.1f s so far%n", tag, name, l.nanos() / 1e9, l.bootstraps(), l.bootstrapNanos() / 1e9,
                    l.activationNanos() / 1e9, l.counts().allRotations(), (now - runStart) / 1e9);
            err.flush();
            layerStart = now;
            layerCounts = c;
            bootstraps = bootstrapNanos = activationNanos = 0;
        }

        List<Layer> layers() {
            return List.copyOf(layers);
        }
    }
}
