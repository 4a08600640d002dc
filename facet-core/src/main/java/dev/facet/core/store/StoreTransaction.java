package dev.facet.core.store;

/** The tables as seen from inside one transaction. */
public interface StoreTransaction {
    Projects projects();

    Repositories repositories();

    Users users();

    AccessTokens accessTokens();

    Grants grants();

    Events events();

    InstanceSettings instanceSettings();

    MirrorRequests mirrorRequests();

    MirrorServers mirrorServers();

    FarmNodes farmNodes();

    AuditLog audit();

    Webhooks webhooks();
}
