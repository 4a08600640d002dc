package dev.facet.farm;

/**
 * This node belongs to another farm than the one its members form: its home holds another farm
 * id. It does not start, so that one farm's registration never serves another's data.
 */
public final class FarmMismatch extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FarmMismatch(String message) {
        super(message);
    }
}
