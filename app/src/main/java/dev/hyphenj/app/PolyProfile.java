package dev.hyphenj.app;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.io.Profiles;
import dev.hyphenj.hcnn.model.ResNet20Weights;
import dev.hyphenj.hcnn.plan.CostModel;
import dev.hyphenj.hcnn.plan.PolyPlanner;
import java.util.List;
import java.util.Map;

/**
 * A profile of the degree-2 ResNet-20 ({@code network.activation} {@value #ACTIVATION}, such as
 * profiles/resnet20-cifar10-poly.json): its bootstrapping chain ({@code parameters}, bootstraps returning to the top
 * of {@code network.networkLevels}) and its leveled chain ({@code leveledParameters}), both refused if insecure, and
 * the planner that chooses between them.
 */
final class PolyProfile {
    /** The activation kind of degree-2 profiles. */
    static final String ACTIVATION = "poly2";

    final String name;
    final Parameters bootstrapping;
    final Parameters leveled;
    final int topLevel;

    private PolyProfile(String name, Parameters bootstrapping, Parameters leveled, int topLevel) {
        this.name = name;
        this.bootstrapping = bootstrapping;
        this.leveled = leveled;
        this.topLevel = topLevel;
    }

    /** Whether the profile describes the degree-2 network. */
    static boolean is(String profile) {
        return Profiles.read(profile).get("network") instanceof Map<?, ?> n && ACTIVATION.equals(n.get("activation"));
    }

    /** The profile's chains; throws (one line) if one is missing or insecure. */
    static PolyProfile load(String profile) {
        Map<String, Object> doc = Profiles.read(profile);
        if (!(doc.get("leveledParameters") instanceof Map<?, ?> leveledDoc)) {
            throw new IllegalArgumentException("profile '" + profile + "' has no \"leveledParameters\" chain");
        }
        @SuppressWarnings("unchecked")
        Parameters leveled = Profiles.parameters((Map<String, Object>) leveledDoc,
                Profiles.resolve(profile) + " (leveledParameters)");
        if (leveled.security().insecure()) {
            throw new IllegalArgumentException("profile '" + profile + "': leveledParameters is an insecure test"
                    + " parameter set (" + leveled.name() + "); the hyphen command refuses it");
        }
        Map<?, ?> network = (Map<?, ?>) doc.get("network");
        if (!(network.get("networkLevels") instanceof List<?> levels && levels.size() == 2
                && levels.get(1) instanceof Number top)) {
            throw new IllegalArgumentException("profile '" + profile
                    + "': network.networkLevels must be [first, last]");
        }
        return new PolyProfile(profile, ParamsCommand.secureParameters(profile), leveled, top.intValue());
    }

    /**
     * The planner with the operation times {@code costs}, at most {@code maxKeys} rotation keys, for the weights
     * {@code w} (their quadratics' signs choose each layer's form, {@link dev.hyphenj.hcnn.act.FusedQuadratic}).
     */
    PolyPlanner planner(String costs, int maxKeys, ResNet20Weights w) {
        return new PolyPlanner(leveled, bootstrapping, topLevel, costModel(costs), maxKeys, w.activations());
    }

    static CostModel costModel(String costs) {
        return CostModel.fromJson(Profiles.read(costs));
    }
}
