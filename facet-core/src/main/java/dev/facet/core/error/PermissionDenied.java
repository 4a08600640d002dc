package dev.facet.core.error;

/** The caller is known but lacks the permission the request needs. */
public class PermissionDenied extends FacetException {
    private static final long serialVersionUID = 1L;

    public PermissionDenied(String message) {
        super(message, null);
    }
}
