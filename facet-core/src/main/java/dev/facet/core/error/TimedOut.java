package dev.facet.core.error;

/** Something this instance depends on (its upstream) started but did not finish answering in time. */
public class TimedOut extends Unavailable {
    private static final long serialVersionUID = 1L;

    public TimedOut(String message) {
        super(message);
    }
}
