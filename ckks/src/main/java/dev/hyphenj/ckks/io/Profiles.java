package dev.hyphenj.ckks.io;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.SecretDistribution;
import dev.hyphenj.ckks.boot.BootstrapParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Profiles: JSON files under {@code profiles/} (see its README). A command that takes {@code --profile} accepts a
 * name, looked up as {@code profiles/NAME.json} under the directory named by the system property {@code hyphen.home},
 * else under the working directory or one of its parents, or a path to a file.
 *
 * <p>The CKKS parameters are the profile's {@code "parameters"} object, or the whole document when it has none:
 * <pre>
 * { "name": "bench-860", "logN": 16,
 *   "levelBits": [[30], [30], ...],      or "levelPrimes": [[p, ...], ...]   (level 0 first)
 *   "specialBits": [30, ...],            or "specialPrimes": [p, ...]
 *   "digitPrimes": 10, "logScale": 30, "logSlots": 15,
 *   "secret": "ternary" | {"hammingWeight": 192},
 *   "insecure": false }
 * </pre>
 */
public final class Profiles {
    private Profiles() {}

    /** The file a profile name or path refers to; throws with the places searched if there is none. */
    public static Path resolve(String nameOrPath) {
        Path direct = Path.of(nameOrPath);
        if (Files.isRegularFile(direct)) {
            return direct;
        }
        if (nameOrPath.contains("/") || nameOrPath.endsWith(".json")) {
            throw new IllegalArgumentException("profile file " + nameOrPath + " does not exist");
        }
        String file = nameOrPath + ".json";
        String home = System.getProperty("hyphen.home");
        if (home != null) {
            Path p = Path.of(home, "profiles", file);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("profiles").resolve(file);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no profile named '" + nameOrPath + "': looked for profiles/" + file
                + (home != null ? " under " + home + " and" : "") + " under the working directory and its parents");
    }

    /** The profile's JSON document. */
    public static Map<String, Object> read(String nameOrPath) {
        Path path = resolve(nameOrPath);
        try {
            Object doc = Json.parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
            if (!(doc instanceof Map<?, ?>)) {
                throw new IllegalArgumentException(path + ": a profile is a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) doc;
            return map;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read profile " + path + ": " + e.getMessage(), e);
        }
    }

    /** The profile's bootstrapping design (its "bootstrap" object); throws if it has none. */
    public static BootstrapParameters bootstrap(String nameOrPath) {
        Map<String, Object> doc = read(nameOrPath);
        if (!(doc.get("bootstrap") instanceof Map<?, ?> boot)) {
            throw new IllegalArgumentException("profile '" + nameOrPath + "' has no \"bootstrap\" section");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) boot;
        return BootstrapParameters.fromJson(map, resolve(nameOrPath).toString());
    }

    /** The CKKS parameters of a profile. */
    public static Parameters parameters(String nameOrPath) {
        Map<String, Object> doc = read(nameOrPath);
        Object inner = doc.get("parameters");
        @SuppressWarnings("unchecked")
        Map<String, Object> p = inner instanceof Map<?, ?> ? (Map<String, Object>) inner : doc;
        return parameters(p, resolve(nameOrPath).toString());
    }

    /** Parameters from a parsed JSON object; {@code source} names it in error messages. */
    public static Parameters parameters(Map<String, Object> p, String source) {
        Fields f = new Fields(p, source);
        Parameters.Builder b = Parameters.builder(f.string("name"));
        b.logN(f.integer("logN"));
        if (p.containsKey("levelPrimes")) {
            b.levels(f.longMatrix("levelPrimes"));
        } else {
            int[][] bits = f.intMatrix("levelBits");
            b.levelBits(bits);
        }
        if (p.containsKey("specialPrimes")) {
            b.specialPrimes(f.longArray("specialPrimes"));
        } else {
            b.specialBits(f.intArray("specialBits"));
        }
        b.digitPrimes(f.integer("digitPrimes"));
        b.logScale(f.number("logScale"));
        if (p.containsKey("logSlots")) {
            b.logSlots(f.integer("logSlots"));
        }
        Object secret = p.getOrDefault("secret", "ternary");
        if (secret instanceof Map<?, ?> s && s.get("hammingWeight") instanceof Number h) {
            b.secret(h.intValue() == 0 ? SecretDistribution.TERNARY : SecretDistribution.sparse(h.intValue()));
        } else if (!"ternary".equals(secret)) {
            throw new IllegalArgumentException(source + ": \"secret\" must be \"ternary\" or {\"hammingWeight\": h}");
        }
        if (Boolean.TRUE.equals(p.get("insecure"))) {
            b.insecure();
        }
        return b.build();
    }

    /** Typed access to a JSON object's fields, with errors that name the field and the file. */
    private record Fields(Map<String, Object> map, String source) {
        Object get(String key) {
            Object v = map.get(key);
            if (v == null) {
                throw new IllegalArgumentException(source + ": missing \"" + key + "\"");
            }
            return v;
        }

        String string(String key) {
            if (get(key) instanceof String s) {
                return s;
            }
            throw wrong(key, "a string");
        }

        double number(String key) {
            if (get(key) instanceof Number x) {
                return x.doubleValue();
            }
            throw wrong(key, "a number");
        }

        int integer(String key) {
            if (get(key) instanceof Long x && x == x.intValue()) {
                return x.intValue();
            }
            throw wrong(key, "an integer");
        }

        List<?> list(String key) {
            if (get(key) instanceof List<?> l) {
                return l;
            }
            throw wrong(key, "an array");
        }

        long[] longArray(String key) {
            List<?> l = list(key);
            long[] r = new long[l.size()];
            for (int i = 0; i < r.length; i++) {
                if (!(l.get(i) instanceof Long x)) {
                    throw wrong(key, "an array of integers");
                }
                r[i] = x;
            }
            return r;
        }

        int[] intArray(String key) {
            long[] l = longArray(key);
            int[] r = new int[l.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = Math.toIntExact(l[i]);
            }
            return r;
        }

        long[][] longMatrix(String key) {
            List<?> l = list(key);
            long[][] r = new long[l.size()][];
            for (int i = 0; i < r.length; i++) {
                if (!(l.get(i) instanceof List<?> row)) {
                    throw wrong(key, "an array of arrays of integers");
                }
                r[i] = new Fields(Map.of("row", row), source + " \"" + key + "\"[" + i + "]").longArray("row");
            }
            return r;
        }

        int[][] intMatrix(String key) {
            long[][] l = longMatrix(key);
            int[][] r = new int[l.length][];
            for (int i = 0; i < r.length; i++) {
                r[i] = new int[l[i].length];
                for (int j = 0; j < r[i].length; j++) {
                    r[i][j] = Math.toIntExact(l[i][j]);
                }
            }
            return r;
        }

        private IllegalArgumentException wrong(String key, String what) {
            return new IllegalArgumentException(source + ": \"" + key + "\" must be " + what + ", got " + map.get(key));
        }
    }
}
