package dev.facet.mirror;

/** A lone mirror is ready when it is synchronized with its upstream, in its own words ({@link MirrorStatus}). */
public final class LoneNodeReadiness implements Readiness {
    private final MirrorStatus status;

    public LoneNodeReadiness(MirrorStatus status) {
        this.status = status;
    }

    @Override
    public Report report() {
        String state = status.progress().state();
        return new Report(state, MirrorStatus.SYNCHRONIZED.equals(state), null);
    }
}
