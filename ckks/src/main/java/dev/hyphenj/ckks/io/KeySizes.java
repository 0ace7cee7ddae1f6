package dev.hyphenj.ckks.io;

/**
 * Serialized bytes of one key-switching key in each form (see {@link Serializer#keySizes}): the exact sizes of
 * what {@link Serializer#write(java.io.OutputStream, dev.hyphenj.ckks.SwitchingKey, KeyForm, int)} produces,
 * header and checksum included.
 *
 * @param keyLevel  the key's own level
 * @param plain     both halves at the key's level
 * @param seeded    b halves and seed at the key's level
 * @param cutLevel  the level of the cut forms
 * @param plainCut  both halves, cut to {@code cutLevel}
 * @param seededCut b halves and seed, cut to {@code cutLevel}
 */
public record KeySizes(int keyLevel, long plain, long seeded, int cutLevel, long plainCut, long seededCut) {
    private static final double MIB = 1 << 20;

    @Override
    public String toString() {
        return String.format("plain %d B (%.2f MiB), seeded %d B (%.2f MiB), seeded cut to level %d %d B (%.2f MiB), "
                        + "plain cut to level %d %d B (%.2f MiB)", plain, plain / MIB, seeded, seeded / MIB, cutLevel,
                seededCut, seededCut / MIB, cutLevel, plainCut, plainCut / MIB);
    }
}
