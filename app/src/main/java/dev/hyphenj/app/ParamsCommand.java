package dev.hyphenj.app;

import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.io.Profiles;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hyphen params --profile NAME}: the CKKS parameter set of a profile, its security claim and the size of
 * one rotation key, plain, seeded and cut to lower levels. Insecure test sets are refused, as by every command.
 */
@Command(name = "params", mixinStandardHelpOptions = true,
        description = "Show a profile's CKKS parameters, security level and key sizes.")
final class ParamsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--profile", required = true, paramLabel = "NAME|FILE",
            description = "a profile name (looked up in profiles/) or a path to a profile file")
    String profile;

    @Override
    public Integer call() {
        Parameters p = secureParameters(profile);
        PrintWriter out = spec.commandLine().getOut();
        out.println(p.name() + " (hash " + p.shortHash() + ")");
        out.printf("  ring degree     N = 2^%d, %d slots, scale 2^%.1f, %s secret%n", p.logN(), p.slots(),
                p.logScale(), p.secret());
        out.printf("  modulus chain   %d levels, %d primes of Q (log2 Q = %.1f), %d special primes%n",
                p.maxLevel() + 1, p.qPrimes().length, p.logQ(p.maxLevel()), p.pPrimes().length);
        out.printf("  key switching   digits of %d primes, dnum = %d%n", p.digitPrimes(), p.dnum());
        out.printf("  security        %s%n", p.security());
        out.printf("  rotation key    %s plain, %s seeded%n", mib(keyBytes(p, p.maxLevel())),
                mib(keyBytes(p, p.maxLevel()) / 2));
        for (int level = p.maxLevel() / 2; level > 0; level /= 2) {
            out.printf("    cut to level %-3d %s plain, %s seeded%n", level, mib(keyBytes(p, level)),
                    mib(keyBytes(p, level) / 2));
        }
        out.flush();
        return 0;
    }

    /** Bytes of one switching key usable up to the given level: 2 halves x dnum x (Q_level and P limbs) x N x 4. */
    static long keyBytes(Parameters p, int level) {
        return 2L * p.dnum(level) * (p.primesAtLevel(level) + p.pPrimes().length) * p.n() * Integer.BYTES;
    }

    /** The parameters of a profile; throws (the CLI prints one line) if the set is an insecure test set. */
    static Parameters secureParameters(String profile) {
        Parameters p = Profiles.parameters(profile);
        if (p.security().insecure()) {
            throw new IllegalArgumentException("profile '" + profile + "' is an insecure test parameter set ("
                    + p.name() + "); the hyphen command refuses it");
        }
        return p;
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
