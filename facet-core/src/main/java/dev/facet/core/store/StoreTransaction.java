package dev.facet.core.store;

/** The tables as seen from inside one transaction. */
public interface StoreTransaction {
    Projects projects();

    Repositories repositories();

    RepositoryStates repositoryStates();

    Users users();

    AccessTokens accessTokens();

    SshKeys sshKeys();

    UsedSshLogins usedSshLogins();

    ServiceUsers serviceUsers();

    Grants grants();

    Groups groups();

    Events events();

    InstanceSettings instanceSettings();

    MirrorRequests mirrorRequests();

    MirrorServers mirrorServers();

    FarmNodes farmNodes();

    AuditLog audit();

    Webhooks webhooks();

    LfsObjectRecords lfsObjects();

    LfsLockRecords lfsLocks();
}
