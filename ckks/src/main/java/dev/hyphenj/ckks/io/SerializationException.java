package dev.hyphenj.ckks.io;

import java.io.IOException;

/**
 * Input that is not a well-formed serialized object of the kind and parameters the reader expects. The message is
 * one line naming the problem; {@link #problem()} says which kind it is, for callers that react differently (a
 * truncated download can be retried, a key for other parameters cannot).
 */
public final class SerializationException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the input. */
    public enum Problem {
        /** The input does not start with the magic bytes: not a HyPHEN-J object at all. */
        NOT_HYPHENJ,
        /** A format version this build does not read. */
        UNSUPPORTED_VERSION,
        /** A HyPHEN-J object of another type than the one asked for (e.g. a ciphertext read as a key). */
        WRONG_TYPE,
        /** The object was made with other parameters than the reader's. */
        PARAMETER_MISMATCH,
        /** The input ends before the object does. */
        TRUNCATED,
        /** A checksum fails, a residue is out of range, or a field has an impossible value. */
        CORRUPTED,
        /** The bytes are intact but describe something this build refuses (e.g. parameters that fail validation). */
        INVALID
    }

    private final Problem problem;

    public SerializationException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public SerializationException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
