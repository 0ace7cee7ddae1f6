package dev.hyphenj.hcnn.act;

import dev.hyphenj.ckks.io.Profiles;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The activation settings of a model profile ({@code profiles/resnet20-cifar10.json}): its {@code network} object's
 * {@code activation} (such as {@code "appRelu"}) and {@code activationBounds.values}, the bound B of each activation
 * layer by name ({@code relu_stem}, {@code layer1.0.relu1}, ...).
 *
 * @param source where the settings come from, for messages
 * @param activation the activation kind
 * @param bounds B per activation layer, in the profile's order
 */
public record ActivationProfile(String source, String activation, Map<String, Double> bounds) {
    /** The activation kind of AppReLU profiles. */
    public static final String APP_RELU = "appRelu";

    public ActivationProfile {
        bounds = Collections.unmodifiableMap(new LinkedHashMap<>(bounds));
    }

    /** The settings of the profile named (or at the path) {@code nameOrPath}. */
    public static ActivationProfile load(String nameOrPath) {
        return of(Profiles.read(nameOrPath), Profiles.resolve(nameOrPath).toString());
    }

    /** The settings of a parsed profile document. */
    public static ActivationProfile of(Map<String, Object> profile, String source) {
        Map<?, ?> network = object(profile.get("network"), source, "network");
        Object kind = network.get("activation");
        if (!(kind instanceof String activation)) {
            throw new IllegalArgumentException(source + ": network.activation must be a string, got " + kind);
        }
        Map<String, Double> bounds = new LinkedHashMap<>();
        if (network.get("activationBounds") != null) {
            Map<?, ?> values = object(object(network.get("activationBounds"), source, "network.activationBounds")
                    .get("values"), source, "network.activationBounds.values");
            for (Map.Entry<?, ?> e : values.entrySet()) {
                if (!(e.getValue() instanceof Number n) || !(n.doubleValue() > 0)
                        || Double.isInfinite(n.doubleValue())) {
                    throw new IllegalArgumentException(source + ": activation bound " + e.getKey()
                            + " must be a positive number, got " + e.getValue());
                }
                bounds.put((String) e.getKey(), n.doubleValue());
            }
        }
        return new ActivationProfile(source, activation, bounds);
    }

    /** B of the named layer; throws naming the profile if it has none. */
    public double bound(String layer) {
        Double b = bounds.get(layer);
        if (b == null) {
            throw new IllegalArgumentException(source + ": no activation bound for layer '" + layer
                    + "' in network.activationBounds.values");
        }
        return b;
    }

    private static Map<?, ?> object(Object v, String source, String what) {
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(source + ": " + what + (v == null ? " is missing" : " is not an object"));
        }
        return m;
    }
}
