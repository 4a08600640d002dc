package dev.facet.core.error;

/** Input that breaks a rule: a bad name, a missing field, a value out of range. */
public class InvalidInput extends FacetException {
    private static final long serialVersionUID = 1L;

    public InvalidInput(String context, String message) {
        super(message, context);
    }
}
