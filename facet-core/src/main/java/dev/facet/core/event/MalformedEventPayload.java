package dev.facet.core.event;

/**
 * An event payload that is not what its type says it is: not JSON, a field missing or of the wrong
 * kind, or a value its record refuses. Whoever reads it must not guess; a mirror reconciles instead.
 */
public final class MalformedEventPayload extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedEventPayload(EventType type, String problem, Throwable cause) {
        super((type == null ? "Malformed event payload: " : "Malformed " + type + " event payload: ") + problem, cause);
    }
}
