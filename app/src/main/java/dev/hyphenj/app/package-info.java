/**
 * The {@code hyphen} command line ({@link dev.hyphenj.app.HyphenCli}), run by the {@code ./hyphen} launcher at the
 * repository root. It sits at the top of the one-way chain {@code core-ntt -> ckks -> hcnn -> app} and must not know
 * arithmetic internals: it calls the public APIs of the modules below it.
 */
package dev.hyphenj.app;
