package dev.facet.core.error;

/** Something this instance depends on (its upstream) cannot answer now; retrying later may work. */
public class Unavailable extends FacetException {
    private static final long serialVersionUID = 1L;

    public Unavailable(String message) {
        super(message, null);
    }
}
