package dev.hyphenj.ckks.io;

import dev.hyphenj.ckks.EvaluationKeys;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.PublicKey;
import dev.hyphenj.ckks.SecretKey;
import dev.hyphenj.ckks.SwitchingKey;
import dev.hyphenj.ntt.RnsPoly;
import java.lang.foreign.Arena;
import java.util.Map;

/**
 * Not API: the bridge through which this package reaches the key material that {@code dev.hyphenj.ckks} keeps
 * package-private (key polynomials, seeds, constructors), so that serialization needs no public accessor that
 * would let any caller read a secret key or overwrite a key. {@link SwitchingKey} installs the one implementation
 * when it is initialized; {@link #install} refuses every other caller and a second installation.
 */
public final class Internals {
    private static volatile Bridge bridge;

    private Internals() {}

    /** What the {@code ckks} package gives this one. Polynomials are the live ones, not copies. */
    public interface Bridge {
        SwitchingKey newSwitchingKey(Parameters params, int level, long galoisElement, byte[] seed, RnsPoly[] b,
                RnsPoly[] a);

        /** Keys whose polynomials view a file mapping that {@code mapping} owns; closing them closes it. */
        EvaluationKeys newEvaluationKeys(SwitchingKey relinearization, Map<Long, SwitchingKey> galois, Arena mapping);

        /** The b halves by digit, in Montgomery form. */
        RnsPoly[] b(SwitchingKey key);

        /** The a halves by digit, in Montgomery form. */
        RnsPoly[] a(SwitchingKey key);

        byte[] seed(SwitchingKey key);

        /** Digit {@code digit}'s a half of a key at {@code level}, regenerated from the seed exactly as keygen made it. */
        RnsPoly regenerateA(Parameters params, int level, long galoisElement, byte[] seed, int digit);

        SecretKey newSecretKey(Parameters params, RnsPoly s);

        RnsPoly secretPoly(SecretKey key);

        PublicKey newPublicKey(Parameters params, RnsPoly b, RnsPoly a);

        RnsPoly publicB(PublicKey key);

        RnsPoly publicA(PublicKey key);
    }

    /** Called once, by {@link SwitchingKey}'s static initializer. */
    public static void install(Bridge implementation) {
        Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        if (caller != SwitchingKey.class) {
            throw new SecurityException("only dev.hyphenj.ckks.SwitchingKey installs the serialization bridge, not "
                    + caller.getName());
        }
        synchronized (Internals.class) {
            if (bridge != null) {
                throw new IllegalStateException("the serialization bridge is already installed");
            }
            bridge = implementation;
        }
    }

    static Bridge bridge() {
        Bridge b = bridge;
        if (b == null) {
            try { // initializing SwitchingKey installs the bridge
                Class.forName(SwitchingKey.class.getName(), true, SwitchingKey.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            b = bridge;
            if (b == null) {
                throw new IllegalStateException("dev.hyphenj.ckks.SwitchingKey did not install the serialization bridge");
            }
        }
        return b;
    }
}
