package dev.facet.core.error;

/** A create or rename would collide with something that already exists. */
public class AlreadyExists extends FacetException {
    private static final long serialVersionUID = 1L;

    public AlreadyExists(String context, String message) {
        super(message, context);
    }
}
