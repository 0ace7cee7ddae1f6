package dev.hyphenj.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyphenj.ckks.io.Profiles;
import dev.hyphenj.ntt.Primes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParametersTest {
    @Test
    void primesFromBitsAreDeterministicDistinctAndNttFriendly() {
        Parameters a = TestParameters.SCALE_30, b = Parameters.builder("test-2^30").logN(12)
                .levelBits(new int[] {30, 30}, new int[] {30}, new int[] {30}, new int[] {30}, new int[] {30},
                        new int[] {30, 30})
                .specialBits(30, 30, 30).digitPrimes(2).logScale(30).insecure().build();
        assertArrayEquals(a.qPrimes(), b.qPrimes());
        assertArrayEquals(a.hash(), b.hash());
        for (long p : a.qPrimes()) {
            assertTrue(Primes.isNttFriendly(p, a.n()));
        }
        assertEquals(8, a.primesAtLevel(a.maxLevel()));
        assertEquals(2, a.primesAtLevel(0));
        assertEquals(4, a.dnum());
    }

    @Test
    void securityBoundsAreEnforced() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parameters.builder("big")
                .logN(12).levelBits(new int[] {30, 30, 30, 30}).specialBits(30).digitPrimes(1).logScale(30).build());
        assertTrue(e.getMessage().contains("exceeds 109"), e.getMessage());
        Parameters ok = Parameters.builder("ok").logN(12).levelBits(new int[] {30, 30}).specialBits(30)
                .digitPrimes(1).logScale(30).build();
        assertEquals(128, ok.security().bits());
        assertThrows(IllegalArgumentException.class, () -> Parameters.builder("sparse").logN(12)
                .levelBits(new int[] {30}).specialBits(30).digitPrimes(1).logScale(20)
                .secret(SecretDistribution.sparse(64)).build());
    }

    @Test
    void inconsistentSetsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Parameters.builder("x").logN(12)
                .levelBits(new int[] {30}, new int[] {30, 30, 30}).specialBits(30, 30).digitPrimes(1).logScale(30)
                .insecure().build(), "a level of three primes");
        assertThrows(IllegalArgumentException.class, () -> Parameters.builder("x").logN(12)
                .levelBits(new int[] {30}).specialBits(30).digitPrimes(2).logScale(30).insecure().build(),
                "digit larger than P");
        long q = Primes.below(30, 4096, 1)[0];
        assertThrows(IllegalArgumentException.class, () -> Parameters.builder("x").logN(12)
                .levels(new long[] {q}).specialPrimes(q).digitPrimes(1).logScale(30).insecure().build(),
                "repeated prime");
        assertThrows(IllegalArgumentException.class, () -> Parameters.builder("x").logN(12)
                .levels(new long[] {q + 2}).specialPrimes(q).digitPrimes(1).logScale(30).insecure().build(),
                "not NTT-friendly");
    }

    @Test
    void benchProfileLoadsByName() {
        Parameters p = Profiles.parameters("bench-860");
        assertEquals(16, p.logN());
        assertEquals(29, p.qPrimes().length);
        assertTrue(Math.abs(p.logQ(p.maxLevel()) - 868) < 3, "about 860 bits of Q: " + p.logQ(p.maxLevel()));
        assertEquals(3, p.dnum());
        assertEquals(128, p.security().bits());
    }

    @Test
    void malformedProfilesGiveClearErrors(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"name\": \"bad\", \"logN\": 12,");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Profiles.parameters(bad.toString()));
        assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
        Files.writeString(bad, "{\"name\": \"bad\", \"logN\": \"twelve\"}");
        e = assertThrows(IllegalArgumentException.class, () -> Profiles.parameters(bad.toString()));
        assertTrue(e.getMessage().contains("\"logN\" must be an integer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Profiles.parameters("no-such-profile"));
        assertTrue(e.getMessage().contains("no profile named"), e.getMessage());
    }
}
