package dev.hyphenj.app;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A selection of image indices such as {@code 0-999}, {@code 5} or {@code 0-9,20}: comma-separated single indices
 * and inclusive ranges, in the order given, each index once.
 */
final class ImageRange {
    private ImageRange() {}

    /** The indices {@code spec} names, each in [0, available); throws a one-line message otherwise. */
    static int[] parse(String spec, int available) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("--images: empty image selection (expected e.g. 0-999, 5 or 0-9,20)");
        }
        Set<Integer> out = new LinkedHashSet<>();
        for (String part : spec.split(",", -1)) {
            String p = part.strip();
            int dash = p.indexOf('-', 1);
            int from = index(p, dash < 0 ? p : p.substring(0, dash), spec);
            int to = dash < 0 ? from : index(p, p.substring(dash + 1), spec);
            if (to < from) {
                throw new IllegalArgumentException("--images '" + spec + "': range " + p + " ends before it starts");
            }
            if (to >= available) {
                throw new IllegalArgumentException("--images '" + spec + "': image " + to + " does not exist (the "
                        + "data directory has images 0-" + (available - 1) + ")");
            }
            for (int i = from; i <= to; i++) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int index(String part, String s, String spec) {
        String t = s.strip();
        if (t.isEmpty() || !t.chars().allMatch(Character::isDigit) || t.length() > 9) {
            throw new IllegalArgumentException("--images '" + spec + "': '" + part + "' is not an index or a range "
                    + "of indices (expected e.g. 0-999, 5 or 0-9,20)");
        }
        return Integer.parseInt(t);
    }
}
