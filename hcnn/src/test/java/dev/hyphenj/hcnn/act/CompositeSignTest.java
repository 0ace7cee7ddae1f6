package dev.hyphenj.hcnn.act;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hyphenj.ckks.ChebyshevPolynomial;
import dev.hyphenj.ckks.io.Json;
import dev.hyphenj.hcnn.data.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Our Remez composite sign against the reference in shared/data/appRelu/, and Remez on known cases. */
class CompositeSignTest {
    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Test
    void matchesTheReferenceStageByStage() throws IOException {
        Path file;
        try {
            file = DataDirectory.resolve(null).resolve("appRelu/composite_sign_eps2m9.json");
        } catch (IllegalStateException e) {
            file = null;
        }
        assumeTrue(file != null && Files.isRegularFile(file), "skipped: no appRelu reference at " + file);
        List<?> reference = (List<?>) Json.parse(Files.readString(file), file.toString());
        CompositeSign ours = CompositeSign.standard();
        assertEquals(3, reference.size());
        assertArrayEquals(new int[] {15, 15, 27}, ours.degrees());
        System.out.println("composite sign {15, 15, 27}, gap 2^-9: stage errors, ours vs reference");
        for (int k = 0; k < 3; k++) {
            Map<?, ?> ref = (Map<?, ?>) reference.get(k);
            CompositeSign.Stage s = ours.stages().get(k);
            double refErr = ((Number) ref.get("err")).doubleValue();
            List<?> domain = (List<?>) ref.get("domain");
            double[] refCoeffs = ((List<?>) ref.get("cheb_on_minus_hi_hi")).stream()
                    .mapToDouble(v -> ((Number) v).doubleValue()).toArray();
            System.out.printf("  stage %d (degree %d): ours %.16g, reference %.16g, relative difference %.2e%n",
                    k + 1, s.degree(), s.error(), refErr, Math.abs(s.error() - refErr) / refErr);
            assertEquals(((Number) ref.get("deg")).intValue(), s.degree());
            assertEquals(refErr, s.error(), 1e-7 * refErr, "stage " + (k + 1) + " error");
            assertEquals(((Number) domain.get(0)).doubleValue(), s.lo(), 1e-8, "stage " + (k + 1) + " domain");
            assertEquals(((Number) domain.get(1)).doubleValue(), s.hi(), 1e-8, "stage " + (k + 1) + " domain");
            double[] c = s.polynomial().coefficients();
            assertEquals(refCoeffs.length, c.length);
            for (int j = 0; j < c.length; j++) {
                assertEquals(refCoeffs[j], c[j], 1e-6, "stage " + (k + 1) + " coefficient " + j);
            }
        }
        double measured = compositeError(ours);
        System.out.printf("  composite sign error on [2^-9, 1]: 2^%.3f (reference 2^-13.3)%n", log2(measured));
        assertEquals(-13.3, log2(measured), 0.05);
        assertEquals(ours.error(), measured, 1e-3 * measured, "the composite error is the last stage's");
    }

    /** max |p3(p2(p1(x))) - 1| on [gap, 1] over a fine grid (odd, so the negative side is the same). */
    private static double compositeError(CompositeSign s) {
        double worst = 0;
        int n = 200_000;
        for (int i = 0; i <= n; i++) {
            double x = s.gap() + (1 - s.gap()) * (1 - Math.cos(Math.PI * i / n)) / 2;
            worst = Math.max(worst, Math.abs(s.evaluate(x) - 1));
            assertEquals(-s.evaluate(x), s.evaluate(-x), 1e-12, "odd");
        }
        return worst;
    }

    @Test
    void eachStageEquioscillates() {
        for (CompositeSign.Stage s : CompositeSign.standard().stages()) {
            ChebyshevPolynomial p = s.polynomial();
            Remez.Result r = Remez.oddMinimax(x -> 1, s.degree(), s.lo(), s.hi());
            double[] pts = r.alternation();
            assertEquals((s.degree() + 1) / 2 + 1, pts.length);
            assertEquals(s.lo(), pts[0], 0, "the reference includes the lower end");
            for (int i = 0; i < pts.length; i++) {
                double e = p.evaluate(pts[i]) - 1;
                assertEquals(s.error(), Math.abs(e), 1e-8 * s.error(), "point " + i);
                if (i > 0) {
                    assertTrue(e * (p.evaluate(pts[i - 1]) - 1) < 0, "alternates at " + i);
                }
            }
            for (double c : new double[] {0, 2, 4}) {
                assertEquals(0, p.coefficients()[(int) c], "odd");
            }
        }
    }

    @Test
    void remezReproducesAKnownMinimax() {
        // Degree 1 has a closed form: p(x) = a x with a lo - 1 = -(a - 1), so a = 2 / (1 + lo) and the error
        // (1 - lo) / (1 + lo).
        double lo = 0.25;
        Remez.Result r = Remez.oddMinimax(x -> 1, 1, lo, 1);
        assertEquals((1 - lo) / (1 + lo), r.error(), 1e-12);
        assertEquals(2 / (1 + lo), r.polynomial().coefficients()[1], 1e-12);
        // Odd functions other than sign: the minimax of sin on [0.1, 1] with degree 7 is far below the error of
        // its Taylor polynomial (1/9! = 2.8e-6 at 1).
        Remez.Result sin = Remez.oddMinimax(Math::sin, 7, 0.1, 1);
        assertTrue(sin.error() < 2e-8 && sin.error() > 0, "sin error " + sin.error());
        for (double x = 0.1; x <= 1; x += 0.001) {
            assertTrue(Math.abs(sin.polynomial().evaluate(x) - Math.sin(x)) <= sin.error() * (1 + 1e-6));
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Remez.oddMinimax(x -> 1, 4, 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> Remez.oddMinimax(x -> 1, 5, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> CompositeSign.minimax(new int[] {15}, 1.5));
        assertThrows(IllegalArgumentException.class, () -> CompositeSign.minimax(new int[] {15, 14}, 0x1p-9));
        assertThrows(IllegalArgumentException.class, () -> CompositeSign.minimax(new int[0], 0x1p-9));
    }
}
