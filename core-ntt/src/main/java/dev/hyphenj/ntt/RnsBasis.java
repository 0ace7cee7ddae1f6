package dev.hyphenj.ntt;

import java.util.Arrays;

/** A ring degree N and an ordered list of distinct NTT-friendly primes, with their moduli and NTT tables. */
public final class RnsBasis {
    private final int n;
    private final long[] primes;
    private final Modulus[] moduli;
    private final NttTables[] tables;

    private RnsBasis(int n, long[] primes) {
        Primes.checkRingDegree(n);
        if (primes.length == 0) {
            throw new IllegalArgumentException("an RNS basis needs at least one prime");
        }
        this.n = n;
        this.primes = primes.clone();
        this.moduli = new Modulus[primes.length];
        this.tables = new NttTables[primes.length];
        for (int i = 0; i < primes.length; i++) {
            for (int j = 0; j < i; j++) {
                if (primes[i] == primes[j]) {
                    throw new IllegalArgumentException("prime " + primes[i] + " appears twice in the RNS basis");
                }
            }
            tables[i] = NttTables.of(n, primes[i]);
            moduli[i] = tables[i].modulus;
        }
    }

    /** The basis of degree n over the given primes; each must be NTT-friendly for n. */
    public static RnsBasis of(int n, long... primes) {
        return new RnsBasis(n, primes);
    }

    public int n() {
        return n;
    }

    public int size() {
        return primes.length;
    }

    public long prime(int i) {
        return primes[i];
    }

    public long[] primes() {
        return primes.clone();
    }

    public Modulus modulus(int i) {
        return moduli[i];
    }

    public NttTables tables(int i) {
        return tables[i];
    }

    /** The basis of primes [from, to). */
    public RnsBasis sub(int from, int to) {
        return new RnsBasis(n, Arrays.copyOfRange(primes, from, to));
    }

    /** Bytes of one limb: N residues of 4 bytes. */
    public long limbBytes() {
        return (long) n * Integer.BYTES;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RnsBasis b && b.n == n && Arrays.equals(b.primes, primes);
    }

    @Override
    public int hashCode() {
        return 31 * n + Arrays.hashCode(primes);
    }

    @Override
    public String toString() {
        return "RnsBasis[N=" + n + ", " + primes.length + " primes]";
    }
}
