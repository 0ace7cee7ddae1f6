package dev.hyphenj.ckks.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.Ciphertext;
import dev.hyphenj.ckks.Decryptor;
import dev.hyphenj.ckks.Encoder;
import dev.hyphenj.ckks.Encryptor;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.Plaintext;
import dev.hyphenj.ckks.SecretKey;
import dev.hyphenj.ckks.KeyGenerator;
import dev.hyphenj.ntt.RnsPoly;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.function.Executable;

/** Small insecure parameters (N = 2^11) and helpers shared by the serialization tests. */
final class IoFixture {
    private IoFixture() {}

    /** Levels: q0 of two primes, two one-prime levels, one two-prime level; P of 3 primes, digits of 2 primes. */
    static final Parameters PARAMS = Parameters.builder("io-test").logN(11)
            .levelBits(new int[] {30, 30}, new int[] {30}, new int[] {30}, new int[] {30, 30})
            .specialBits(30, 30, 30).digitPrimes(2).logScale(30).insecure().build();

    /** The same shape under another name: another hash. */
    static final Parameters OTHER = Parameters.builder("io-test-other").logN(11)
            .levelBits(new int[] {30, 30}, new int[] {30}, new int[] {30}, new int[] {30, 30})
            .specialBits(30, 30, 30).digitPrimes(2).logScale(30).insecure().build();

    static final Encoder ENCODER = new Encoder(PARAMS);
    static final SecretKey SK = new KeyGenerator(PARAMS).secretKey();

    static double[] values(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[PARAMS.slots()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextDouble(-1, 1);
        }
        return v;
    }

    static Ciphertext encrypt(double[] v, int level) {
        try (Plaintext pt = ENCODER.encode(v, level, PARAMS.scale())) {
            return new Encryptor(PARAMS, SK).encrypt(pt);
        }
    }

    static double[] decrypt(Ciphertext ct, SecretKey sk) {
        try (Plaintext pt = new Decryptor(PARAMS, sk).decrypt(ct)) {
            return ENCODER.decodeReal(pt);
        }
    }

    static void assertSamePoly(RnsPoly want, RnsPoly got, String what) {
        assertEquals(want.basis(), got.basis(), what + ": basis");
        assertTrue(want.equalResidues(got), what + ": residues differ");
    }

    static void assertSameCiphertext(Ciphertext want, Ciphertext got) {
        assertEquals(want.level(), got.level());
        assertEquals(want.scale(), got.scale());
        assertEquals(want.logSlots(), got.logSlots());
        assertSamePoly(want.c0(), got.c0(), "c0");
        assertSamePoly(want.c1(), got.c1(), "c1");
    }

    interface Writer {
        void write(ByteArrayOutputStream out) throws IOException;
    }

    static byte[] bytes(Writer w) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.write(out);
        return out.toByteArray();
    }

    static ByteArrayInputStream in(byte[] b) {
        return new ByteArrayInputStream(b);
    }

    /** Recomputes the trailing CRC32C after a test edits the body (to reach the checks behind the checksum). */
    static byte[] withFixedChecksum(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, 8, b.length - 12);
        int v = (int) crc.getValue();
        for (int i = 0; i < 4; i++) {
            b[b.length - 4 + i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    /** Asserts that reading throws a SerializationException of this kind with a one-line message; returns it. */
    static SerializationException assertProblem(SerializationException.Problem problem, Executable read) {
        SerializationException e = assertThrows(SerializationException.class, read);
        assertEquals(problem, e.problem(), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().length() > 10, e.getMessage());
        return e;
    }
}
