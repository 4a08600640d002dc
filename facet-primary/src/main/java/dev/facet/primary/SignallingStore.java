package dev.facet.primary;

import dev.facet.core.event.Event;
import dev.facet.core.event.EventChain;
import dev.facet.core.event.EventSignal;
import dev.facet.core.event.EventType;
import dev.facet.core.store.AccessTokens;
import dev.facet.core.store.SshKeys;
import dev.facet.core.store.UsedSshLogins;
import dev.facet.core.store.AuditLog;
import dev.facet.core.store.Events;
import dev.facet.core.store.FarmNodes;
import dev.facet.core.store.Grants;
import dev.facet.core.store.Groups;
import dev.facet.core.store.InstanceSettings;
import dev.facet.core.store.MirrorRequests;
import dev.facet.core.store.MirrorServers;
import dev.facet.core.store.Projects;
import dev.facet.core.store.Repositories;
import dev.facet.core.store.RepositoryStates;
import dev.facet.core.store.ServiceUsers;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import dev.facet.core.store.Users;
import dev.facet.core.store.Webhooks;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * A store that fires the event signal after each transaction that appended events has
 * committed, so that long-polling mirrors hear of a change the moment it is visible to them.
 */
public final class SignallingStore implements Store {
    private final Store delegate;
    private final EventSignal signal;

    public SignallingStore(Store delegate, EventSignal signal) {
        this.delegate = delegate;
        this.signal = signal;
    }

    @Override
    public <T> T inTransaction(Function<StoreTransaction, T> work) {
        boolean[] appended = {false};
        T result = delegate.inTransaction(tx -> work.apply(new Watching(tx, appended)));
        if (appended[0]) {
            signal.fire();
        }
        return result;
    }

    @Override
    public void close() {
        delegate.close();
    }

    private record Watching(StoreTransaction tx, boolean[] appended) implements StoreTransaction {
        @Override
        public Projects projects() {
            return tx.projects();
        }

        @Override
        public Repositories repositories() {
            return tx.repositories();
        }

        @Override
        public RepositoryStates repositoryStates() {
            return tx.repositoryStates();
        }

        @Override
        public Users users() {
            return tx.users();
        }

        @Override
        public AccessTokens accessTokens() {
            return tx.accessTokens();
        }

        @Override
        public SshKeys sshKeys() {
            return tx.sshKeys();
        }

        @Override
        public UsedSshLogins usedSshLogins() {
            return tx.usedSshLogins();
        }

        @Override
        public ServiceUsers serviceUsers() {
            return tx.serviceUsers();
        }

        @Override
        public Grants grants() {
            return tx.grants();
        }

        @Override
        public Groups groups() {
            return tx.groups();
        }

        @Override
        public InstanceSettings instanceSettings() {
            return tx.instanceSettings();
        }

        @Override
        public MirrorRequests mirrorRequests() {
            return tx.mirrorRequests();
        }

        @Override
        public MirrorServers mirrorServers() {
            return tx.mirrorServers();
        }

        @Override
        public FarmNodes farmNodes() {
            return tx.farmNodes();
        }

        @Override
        public AuditLog audit() {
            return tx.audit();
        }

        @Override
        public Webhooks webhooks() {
            return tx.webhooks();
        }

        @Override
        public Events events() {
            Events events = tx.events();
            return new Events() {
                @Override
                public Event append(EventType type, Long repositoryId, String payload, Instant createdAt) {
                    appended[0] = true;
                    return events.append(type, repositoryId, payload, createdAt);
                }

                @Override
                public List<Event> after(long sequence, int limit) {
                    return events.after(sequence, limit);
                }

                @Override
                public List<Event> ofRepository(long repositoryId, EventType type, long sequence, int limit) {
                    return events.ofRepository(repositoryId, type, sequence, limit);
                }

                @Override
                public EventChain.Link head() {
                    return events.head();
                }

                @Override
                public long oldestRetained() {
                    return events.oldestRetained();
                }

                @Override
                public int deleteCreatedBefore(Instant cutoff) {
                    return events.deleteCreatedBefore(cutoff);
                }
            };
        }

        @Override
        public dev.facet.core.store.LfsObjectRecords lfsObjects() {
            return tx.lfsObjects();
        }

        @Override
        public dev.facet.core.store.LfsLockRecords lfsLocks() {
            return tx.lfsLocks();
        }
    }
}
