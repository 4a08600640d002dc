package dev.facet.core.tls;

import java.nio.file.Path;

/**
 * A PEM file named by a TLS setting cannot be used: missing, unreadable, not PEM, a key of a kind
 * Facet does not read, or a key that does not belong to its certificate. The message names the file.
 */
public final class TlsFileUnusable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public TlsFileUnusable(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
