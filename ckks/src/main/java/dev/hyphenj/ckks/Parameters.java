package dev.hyphenj.ckks;

import dev.hyphenj.ntt.Primes;
import dev.hyphenj.ntt.RnsBasis;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * An RNS-CKKS parameter set, immutable and validated.
 *
 * <p>The ciphertext modulus is a chain of levels. Level 0 is the base q0 (one or more primes); every level above
 * adds a group of one or two primes, so that rescaling divides by about 2^30 or about 2^60 (all primes are below
 * 2^30). A ciphertext at level l is held modulo Q_l, the product of the primes of levels 0..l. Key switching is
 * hybrid: the special modulus P (primes of its own) and digits of {@code digitPrimes} primes of Q, so
 * dnum = ceil(|Q| / digitPrimes).
 */
public final class Parameters {
    private final String name;
    private final int logN;
    private final long[][] levels;
    private final long[] special;
    private final int digitPrimes;
    private final double logScale;
    private final SecretDistribution secret;
    private final int logSlots;
    private final Security security;

    private final long[] q;
    private final int[] levelEnd;
    private final RnsBasis[] basisQ;
    private final RnsBasis[] basisQP;
    private final RnsBasis basisP;
    private final byte[] hash;

    private Parameters(Builder b) {
        this.name = b.name;
        this.logN = b.logN;
        this.levels = b.levels;
        this.special = b.special;
        this.digitPrimes = b.digitPrimes;
        this.logScale = b.logScale;
        this.secret = b.secret;
        this.logSlots = b.logSlots;
        this.security = b.security;

        int count = 0;
        levelEnd = new int[levels.length];
        for (int l = 0; l < levels.length; l++) {
            count += levels[l].length;
            levelEnd[l] = count;
        }
        q = new long[count];
        for (int l = 0, i = 0; l < levels.length; l++) {
            for (long p : levels[l]) {
                q[i++] = p;
            }
        }
        validate();
        int n = 1 << logN;
        basisQ = new RnsBasis[levels.length];
        basisQP = new RnsBasis[levels.length];
        for (int l = 0; l < levels.length; l++) {
            long[] ql = Arrays.copyOf(q, levelEnd[l]);
            basisQ[l] = RnsBasis.of(n, ql);
            long[] qp = Arrays.copyOf(ql, ql.length + special.length);
            System.arraycopy(special, 0, qp, ql.length, special.length);
            basisQP[l] = RnsBasis.of(n, qp);
        }
        basisP = RnsBasis.of(n, special);
        hash = computeHash();
    }

    private void validate() {
        String where = "parameters '" + name + "': ";
        if (logN < 1 || logN > Primes.MAX_LOG_N) {
            throw new IllegalArgumentException(where + "log2 N = " + logN + " is outside 1.." + Primes.MAX_LOG_N);
        }
        if (levels.length == 0) {
            throw new IllegalArgumentException(where + "the modulus chain has no level");
        }
        for (int l = 1; l < levels.length; l++) {
            if (levels[l].length < 1 || levels[l].length > 2) {
                throw new IllegalArgumentException(where + "level " + l + " has " + levels[l].length
                        + " primes; a level above the base must have one or two");
            }
        }
        if (levels[0].length < 1) {
            throw new IllegalArgumentException(where + "the base level q0 has no prime");
        }
        if (special.length == 0) {
            throw new IllegalArgumentException(where + "key switching needs at least one special prime P");
        }
        int n = 1 << logN;
        List<Long> all = new ArrayList<>();
        for (long p : q) {
            all.add(p);
        }
        for (long p : special) {
            all.add(p);
        }
        for (int i = 0; i < all.size(); i++) {
            long p = all.get(i);
            if (!Primes.isNttFriendly(p, n)) {
                throw new IllegalArgumentException(where + "prime " + p + " is not NTT-friendly for N = 2^" + logN
                        + " (it must be a prime below 2^30 with p = 1 mod 2N)");
            }
            if (all.subList(0, i).contains(p)) {
                throw new IllegalArgumentException(where + "prime " + p + " appears twice");
            }
        }
        if (digitPrimes < 1 || digitPrimes > special.length) {
            throw new IllegalArgumentException(where + "a key-switching digit of " + digitPrimes + " primes needs "
                    + "1 <= digit <= |P| = " + special.length + " (P must be at least as large as a digit)");
        }
        if (logSlots < 0 || logSlots > logN - 1) {
            throw new IllegalArgumentException(where + "log2 slots = " + logSlots + " is outside 0.." + (logN - 1));
        }
        if (!(logScale > 0) || logScale >= logQ(levels.length - 1)) {
            throw new IllegalArgumentException(where + "log2 scale " + logScale + " must be positive and below log2 Q");
        }
        if (!security.insecure() && logQP() > security.maxLogQP()) {
            throw new IllegalArgumentException(String.format(
                    "%slog2(QP) = %.1f exceeds %.0f, the %d-bit bound for N = 2^%d with a %s secret (%s)",
                    where, logQP(), security.maxLogQP(), security.bits(), logN, secret, security.source()));
        }
    }

    // ------------------------------------------------------------------------------------------------ accessors

    public String name() {
        return name;
    }

    public int logN() {
        return logN;
    }

    public int n() {
        return 1 << logN;
    }

    /** The highest level: a fresh ciphertext's level. */
    public int maxLevel() {
        return levels.length - 1;
    }

    /** Number of primes of Q at the given level (the limb count of a ciphertext there). */
    public int primesAtLevel(int level) {
        checkLevel(level);
        return levelEnd[level];
    }

    /** The primes that level {@code level} adds (what a rescale from that level divides by). */
    public long[] levelPrimes(int level) {
        checkLevel(level);
        return levels[level].clone();
    }

    /** All primes of Q, level 0 first. */
    public long[] qPrimes() {
        return q.clone();
    }

    public long[] pPrimes() {
        return special.clone();
    }

    public int digitPrimes() {
        return digitPrimes;
    }

    /** Number of key-switching digits at the top level. */
    public int dnum() {
        return dnum(maxLevel());
    }

    /** Number of key-switching digits for a ciphertext at the given level. */
    public int dnum(int level) {
        return (primesAtLevel(level) + digitPrimes - 1) / digitPrimes;
    }

    public double logScale() {
        return logScale;
    }

    /** The default scale 2^logScale. */
    public double scale() {
        return Math.pow(2, logScale);
    }

    public SecretDistribution secret() {
        return secret;
    }

    public int logSlots() {
        return logSlots;
    }

    public int slots() {
        return 1 << logSlots;
    }

    public Security security() {
        return security;
    }

    /** The basis of Q_level. */
    public RnsBasis basisQ(int level) {
        checkLevel(level);
        return basisQ[level];
    }

    /** The basis of Q_level followed by P. */
    public RnsBasis basisQP(int level) {
        checkLevel(level);
        return basisQP[level];
    }

    public RnsBasis basisP() {
        return basisP;
    }

    /** log2 of Q_level. */
    public double logQ(int level) {
        double s = 0;
        for (int i = 0; i < primesAtLevel(level); i++) {
            s += Math.log(q[i]) / Math.log(2);
        }
        return s;
    }

    /** log2 of the whole Q times P: the figure the security bound limits. */
    public double logQP() {
        double s = logQ(maxLevel());
        for (long p : special) {
            s += Math.log(p) / Math.log(2);
        }
        return s;
    }

    /** A digest of everything that makes two parameter sets incompatible; serialized objects carry it. */
    public byte[] hash() {
        return hash.clone();
    }

    /** The first 16 hex digits of {@link #hash()}. */
    public String shortHash() {
        return HexFormat.of().formatHex(hash, 0, 8);
    }

    private void checkLevel(int level) {
        if (level < 0 || level > maxLevel()) {
            throw new IllegalArgumentException("level " + level + " is outside 0.." + maxLevel() + " of '" + name + "'");
        }
    }

    private byte[] computeHash() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(8 * (q.length + special.length + levels.length + 8));
            buf.putInt(logN).putInt(levels.length);
            for (long[] group : levels) {
                buf.putInt(group.length);
                for (long p : group) {
                    buf.putLong(p);
                }
            }
            for (long p : special) {
                buf.putLong(p);
            }
            buf.putInt(digitPrimes).putInt(secret.hammingWeight()).putInt(logSlots).putDouble(logScale);
            md.update(buf.array(), 0, buf.position());
            md.update(name.getBytes(StandardCharsets.UTF_8));
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        return String.format("%s: N = 2^%d, %d levels (%d primes of Q, log2 Q = %.1f), |P| = %d, dnum = %d, "
                        + "scale 2^%.1f, %d slots, %s secret, log2 QP = %.1f, %s", name, logN, levels.length, q.length,
                logQ(maxLevel()), special.length, dnum(), logScale, slots(), secret, logQP(), security);
    }

    // ------------------------------------------------------------------------------------------------ builder

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Builds a parameter set from explicit primes, or from prime sizes: {@link #levelBits} and {@link #specialBits}
     * take, deterministically, the largest unused NTT-friendly primes below 2^bits (special primes first, so that
     * P is at least as large as a digit of as many primes).
     */
    public static final class Builder {
        private final String name;
        private int logN;
        private long[][] levels;
        private int[][] levelBits;
        private long[] special;
        private int[] specialBits;
        private int digitPrimes;
        private double logScale;
        private SecretDistribution secret = SecretDistribution.TERNARY;
        private int logSlots = -1;
        private Security security;

        private Builder(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a parameter set needs a name");
            }
            this.name = name;
        }

        public Builder logN(int logN) {
            this.logN = logN;
            return this;
        }

        /** Explicit primes per level, level 0 (the base q0) first. */
        public Builder levels(long[]... levels) {
            this.levels = Arrays.stream(levels).map(long[]::clone).toArray(long[][]::new);
            return this;
        }

        /** Prime sizes per level, level 0 first: e.g. {30, 30} for a two-prime level. */
        public Builder levelBits(int[]... bits) {
            this.levelBits = Arrays.stream(bits).map(int[]::clone).toArray(int[][]::new);
            return this;
        }

        public Builder specialPrimes(long... primes) {
            this.special = primes.clone();
            return this;
        }

        public Builder specialBits(int... bits) {
            this.specialBits = bits.clone();
            return this;
        }

        /** Primes of Q per key-switching digit (alpha). */
        public Builder digitPrimes(int digitPrimes) {
            this.digitPrimes = digitPrimes;
            return this;
        }

        public Builder logScale(double logScale) {
            this.logScale = logScale;
            return this;
        }

        public Builder secret(SecretDistribution secret) {
            this.secret = secret;
            return this;
        }

        /** log2 of the slot count; default N/2 slots. */
        public Builder logSlots(int logSlots) {
            this.logSlots = logSlots;
            return this;
        }

        public Builder security(Security security) {
            this.security = security;
            return this;
        }

        /** Marks the set as an insecure test set (refused by the CLI and the server). */
        public Builder insecure() {
            this.security = Security.insecureTestSet();
            return this;
        }

        public Parameters build() {
            if (logN < 1 || logN > Primes.MAX_LOG_N) {
                throw new IllegalArgumentException("parameters '" + name + "': log2 N = " + logN + " is outside 1.."
                        + Primes.MAX_LOG_N);
            }
            if ((levels == null) == (levelBits == null)) {
                throw new IllegalArgumentException("parameters '" + name + "': give either levels or levelBits");
            }
            if ((special == null) == (specialBits == null)) {
                throw new IllegalArgumentException("parameters '" + name + "': give either specialPrimes or specialBits");
            }
            int n = 1 << logN;
            List<Long> used = new ArrayList<>();
            if (special == null) {
                special = new long[specialBits.length];
                for (int i = 0; i < specialBits.length; i++) {
                    special[i] = next(specialBits[i], n, used);
                }
            }
            for (long p : special) {
                used.add(p);
            }
            if (levels == null) {
                levels = new long[levelBits.length][];
                for (int l = 0; l < levelBits.length; l++) {
                    levels[l] = new long[levelBits[l].length];
                    for (int i = 0; i < levelBits[l].length; i++) {
                        levels[l][i] = next(levelBits[l][i], n, used);
                    }
                }
            }
            if (logSlots < 0) {
                logSlots = logN - 1;
            }
            if (security == null) {
                security = Security.bound128(logN, secret);
            }
            return new Parameters(this);
        }

        private static long next(int bits, int n, List<Long> used) {
            long[] exclude = used.stream().mapToLong(Long::longValue).toArray();
            long p = Primes.below(bits, n, 1, exclude)[0];
            used.add(p);
            return p;
        }
    }
}
