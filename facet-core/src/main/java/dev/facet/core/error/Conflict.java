package dev.facet.core.error;

/** The request is well formed but the current state forbids it (a project that still has repositories). */
public class Conflict extends FacetException {
    private static final long serialVersionUID = 1L;

    public Conflict(String context, String message) {
        super(message, context);
    }
}
