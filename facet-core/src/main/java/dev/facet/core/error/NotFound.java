package dev.facet.core.error;

/** Something named in a request does not exist, or the caller may not know that it does. */
public class NotFound extends FacetException {
    private static final long serialVersionUID = 1L;

    public NotFound(String context, String message) {
        super(message, context);
    }
}
