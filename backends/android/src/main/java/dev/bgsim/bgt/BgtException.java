package dev.bgsim.bgt;

/** A core error (code from core/bgt_error.h, message from bgt_strerror). */
public final class BgtException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;

    BgtException(int code, String message) {
        super(message + " (" + code + ")");
        this.code = code;
    }

    /** The negative bgt_err value. */
    public int code() {
        return code;
    }
}
