package dev.facet.mirror;

/**
 * The upstream could not be reached or answered with an error. {@code status} is the HTTP status,
 * or 0 when no answer came at all.
 */
public class UpstreamUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public UpstreamUnavailable(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
