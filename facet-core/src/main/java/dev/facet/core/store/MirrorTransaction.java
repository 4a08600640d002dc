package dev.facet.core.store;

/** A mirror's tables as seen from inside one transaction. */
public interface MirrorTransaction {
    UpstreamLinks upstream();

    MirroredRepositories repositories();

    InstanceSettings instanceSettings();

    AuditLog audit();

    UpstreamAlerts alerts();

    /** Which carried repository holds which Git LFS object, as the primary said when asked. */
    LfsObjectRecords lfsObjects();
}
