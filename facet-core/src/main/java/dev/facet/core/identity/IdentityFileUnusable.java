package dev.facet.core.identity;

import java.nio.file.Path;

/**
 * A file of the instance's identity ({@code keys/instance-id}, {@code keys/instance.jwk}) cannot be
 * used as it is. Start-up stops on it; the message names the file and what to do about it.
 */
public final class IdentityFileUnusable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public IdentityFileUnusable(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
