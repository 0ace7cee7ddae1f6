package dev.hyphenj.hcnn.npy;

import java.io.IOException;

/** A file that is not a well-formed NumPy array (or archive) of a supported kind; the message names it. */
public final class NpyFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public NpyFormatException(String source, String problem) {
        super(source + ": " + problem);
    }
}
