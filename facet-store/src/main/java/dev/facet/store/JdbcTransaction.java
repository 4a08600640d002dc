package dev.facet.store;

import dev.facet.core.store.AccessTokens;
import dev.facet.core.store.SshKeys;
import dev.facet.core.store.UsedSshLogins;
import dev.facet.core.store.AuditLog;
import dev.facet.core.store.Events;
import dev.facet.core.store.FarmNodes;
import dev.facet.core.store.Grants;
import dev.facet.core.store.Groups;
import dev.facet.core.store.InstanceSettings;
import dev.facet.core.store.LfsLockRecords;
import dev.facet.core.store.LfsObjectRecords;
import dev.facet.core.store.MirrorRequests;
import dev.facet.core.store.MirrorServers;
import dev.facet.core.store.Projects;
import dev.facet.core.store.Repositories;
import dev.facet.core.store.RepositoryStates;
import dev.facet.core.store.StoreTransaction;
import dev.facet.core.store.ServiceUsers;
import dev.facet.core.store.Users;
import dev.facet.core.store.Webhooks;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The tables bound to one JDBI handle, that is to one open transaction. */
final class JdbcTransaction implements StoreTransaction {
    private final Handle handle;
    private final Optional<String> eventNoticeSender;

    JdbcTransaction(Handle handle, Optional<String> eventNoticeSender) {
        this.handle = handle;
        this.eventNoticeSender = eventNoticeSender;
    }

    @Override
    public Projects projects() {
        return new JdbcProjects(handle);
    }

    @Override
    public Repositories repositories() {
        return new JdbcRepositories(handle);
    }

    @Override
    public RepositoryStates repositoryStates() {
        return new JdbcRepositoryStates(handle);
    }

    @Override
    public Users users() {
        return new JdbcUsers(handle);
    }

    @Override
    public AccessTokens accessTokens() {
        return new JdbcAccessTokens(handle);
    }

    @Override
    public SshKeys sshKeys() {
        return new JdbcSshKeys(handle);
    }

    @Override
    public UsedSshLogins usedSshLogins() {
        return new JdbcUsedSshLogins(handle);
    }

    @Override
    public ServiceUsers serviceUsers() {
        return new JdbcServiceUsers(handle);
    }

    @Override
    public Grants grants() {
        return new JdbcGrants(handle);
    }

    @Override
    public Groups groups() {
        return new JdbcGroups(handle);
    }

    @Override
    public Events events() {
        return new JdbcEvents(handle, eventNoticeSender);
    }

    @Override
    public InstanceSettings instanceSettings() {
        return new JdbcInstanceSettings(handle);
    }

    @Override
    public MirrorRequests mirrorRequests() {
        return new JdbcMirrorRequests(handle);
    }

    @Override
    public MirrorServers mirrorServers() {
        return new JdbcMirrorServers(handle);
    }

    @Override
    public FarmNodes farmNodes() {
        return new JdbcFarmNodes(handle);
    }

    @Override
    public AuditLog audit() {
        return new JdbcAuditLog(handle);
    }

    @Override
    public Webhooks webhooks() {
        return new JdbcWebhooks(handle);
    }

    @Override
    public LfsObjectRecords lfsObjects() {
        return new JdbcLfsObjectRecords(handle);
    }

    @Override
    public LfsLockRecords lfsLocks() {
        return new JdbcLfsLockRecords(handle);
    }
}
