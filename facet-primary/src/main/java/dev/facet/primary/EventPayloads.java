package dev.facet.primary;

import dev.facet.core.access.Permission;
import dev.facet.core.event.EventPayload;
import dev.facet.core.event.EventPayload.PermissionsChanged;
import dev.facet.core.event.EventPayload.RefsChanged;
import dev.facet.core.event.EventPayload.RepositoryCreated;
import dev.facet.core.event.EventPayload.RepositoryDeleted;
import dev.facet.core.event.EventPayload.RepositoryRenamed;
import dev.facet.core.event.EventPayloadCodec;
import dev.facet.core.mirror.MirrorServer;
import dev.facet.core.name.GroupName;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.Username;
import dev.facet.core.ref.RefChange;
import dev.facet.core.ref.RefsHash;
import dev.facet.core.store.Project;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.StoreTransaction;
import java.util.List;

/**
 * The payloads of the primary's outbox events, built from what the primary knows at the moment of the change
 * and written by the one {@link EventPayloadCodec} mirrors read them with.
 */
final class EventPayloads {
    private EventPayloads() {
    }

    static String created(StoreTransaction tx, RepositoryRecord repository) {
        return EventPayloadCodec.encode(new RepositoryCreated(describe(tx, repository)));
    }

    static String deleted(StoreTransaction tx, RepositoryRecord repository) {
        return EventPayloadCodec.encode(new RepositoryDeleted(describe(tx, repository)));
    }

    static String renamed(StoreTransaction tx, RepositoryRecord before, RepositoryRecord after) {
        return EventPayloadCodec.encode(new RepositoryRenamed(describe(tx, after), before.slug(), before.name()));
    }

    /** Refs moved, or HEAD pointed at {@code head} (a full branch name; null when HEAD stayed), by {@code actor}. */
    static String refsChanged(StoreTransaction tx, RepositoryRecord repository, List<RefChange> changes,
                              RefsHash refsHash, String head, Username actor) {
        return EventPayloadCodec.encode(new RefsChanged(describe(tx, repository), refsHash, changes, head, actor));
    }

    /** A permission granted or changed on a project, or revoked ({@code permission} null). */
    static String projectPermission(ProjectKey project, Username user, Permission permission) {
        return EventPayloadCodec.encode(PermissionsChanged.onProject(project, user, permission));
    }

    /** A permission granted or changed on a repository, or revoked ({@code permission} null). */
    static String repositoryPermission(ProjectKey project, long repositoryId, Username user, Permission permission) {
        return EventPayloadCodec.encode(PermissionsChanged.onRepository(project, repositoryId, user, permission));
    }

    /** A permission granted to a group on a project, or revoked ({@code permission} null). */
    static String groupOnProject(ProjectKey project, GroupName group, Permission permission) {
        return EventPayloadCodec.encode(PermissionsChanged.groupOnProject(project, group, permission));
    }

    /** A permission granted to a group on a repository, or revoked ({@code permission} null). */
    static String groupOnRepository(ProjectKey project, long repositoryId, GroupName group, Permission permission) {
        return EventPayloadCodec.encode(PermissionsChanged.groupOnRepository(project, repositoryId, group, permission));
    }

    /** A group's members or global permission changed, or the group was deleted with its grants. */
    static String groupChanged(GroupName group) {
        return EventPayloadCodec.encode(PermissionsChanged.groupChanged(group));
    }

    /** A repository became public or private. */
    static String visibility(ProjectKey project, long repositoryId) {
        return EventPayloadCodec.encode(PermissionsChanged.visibility(project, repositoryId));
    }

    /**
     * A user's credentials changed (password, a token revoked, the account disabled or deleted): mirrors drop the
     * verdicts they cached for everyone, since a cached verdict is keyed by credentials, not by user.
     */
    static String accountChanged(Username user) {
        return EventPayloadCodec.encode(PermissionsChanged.account(user));
    }

    /** The projects a mirror carries changed. */
    static String selectionChanged(String mirrorId) {
        return EventPayloadCodec.encode(new EventPayload.MirrorSelectionChanged(mirrorId));
    }

    /** A mirror serves the repository at {@code refsHash}, reached by {@code changes}. */
    static String mirrorSynchronized(StoreTransaction tx, RepositoryRecord repository, MirrorServer mirror,
                                     RefsHash refsHash, List<RefChange> changes, boolean snapshot) {
        return EventPayloadCodec.encode(new EventPayload.MirrorSynchronized(describe(tx, repository), mirror.id(),
                mirror.name(), refsHash, changes, snapshot));
    }

    /** A repository as mirrors need it; public if anyone may read it, through its project or itself. */
    private static EventPayload.Repository describe(StoreTransaction tx, RepositoryRecord repository) {
        boolean projectPublic = tx.projects().findById(repository.projectId()).map(Project::isPublic).orElse(false);
        return new EventPayload.Repository(repository.id(), repository.projectKey(), repository.slug(),
                repository.name(), repository.isPublic() || projectPublic);
    }
}
