package dev.facet.core.error;

/** The request needs credentials, or the ones it carried were wrong. */
public class AuthenticationRequired extends FacetException {
    private static final long serialVersionUID = 1L;

    public AuthenticationRequired(String message) {
        super(message, null);
    }
}
