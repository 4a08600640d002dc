package dev.facet.core.error;

/**
 * A domain failure a user can act on. The web layer maps each subclass to one HTTP status and
 * an {@code errors[]} body; the message is shown to the user as it is, so it names the problem
 * and never holds a secret.
 */
public abstract class FacetException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String context;

    protected FacetException(String message, String context) {
        super(message);
        this.context = context;
    }

    /** The field or parameter the failure is about, or null. */
    public String context() {
        return context;
    }
}
