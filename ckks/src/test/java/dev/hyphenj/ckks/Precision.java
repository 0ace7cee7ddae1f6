package dev.hyphenj.ckks;

/** Precision of decrypted values against plain double math, in bits: -log2 of the mean and the worst error. */
record Precision(double meanBits, double worstBits) {
    static Precision of(double[] got, double[] want) {
        return of(got, new double[got.length], want, new double[want.length]);
    }

    static Precision of(double[] gotRe, double[] gotIm, double[] wantRe, double[] wantIm) {
        double sum = 0, worst = 0;
        for (int i = 0; i < wantRe.length; i++) {
            double e = Math.hypot(gotRe[i] - wantRe[i], gotIm[i] - wantIm[i]);
            sum += e;
            worst = Math.max(worst, e);
        }
        return new Precision(-log2(sum / wantRe.length), -log2(worst));
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Override
    public String toString() {
        return String.format("%.1f bits mean, %.1f bits worst", meanBits, worstBits);
    }
}
