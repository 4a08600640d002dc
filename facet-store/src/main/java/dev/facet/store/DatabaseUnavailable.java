package dev.facet.store;

/** The database cannot be opened or migrated; start-up stops with this message. */
public class DatabaseUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatabaseUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
