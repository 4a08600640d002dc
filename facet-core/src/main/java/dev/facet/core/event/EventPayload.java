package dev.facet.core.event;

import dev.facet.core.access.Permission;
import dev.facet.core.name.GroupName;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositoryName;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.name.Username;
import dev.facet.core.ref.RefChange;
import dev.facet.core.ref.RefsHash;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an outbox event says, one record per {@link EventType}: what a mirror needs to act
 * without asking the primary again. {@link EventPayloadCodec} turns each into the JSON object the
 * event stores and back.
 */
public sealed interface EventPayload {

    EventType type();

    /** The project the event is about, or empty for an instance-wide event (an account change, a selection). */
    Optional<ProjectKey> project();

    /** A repository as mirrors need it; {@code isPublic} is whether anyone may read it, through its project or itself. */
    record Repository(long id, ProjectKey project, RepositorySlug slug, RepositoryName name, boolean isPublic) {
        public Repository {
            if (id <= 0) {
                throw new IllegalArgumentException("A repository id is positive, not " + id);
            }
            Objects.requireNonNull(project, "project");
            Objects.requireNonNull(slug, "slug");
            Objects.requireNonNull(name, "name");
        }
    }

    record RepositoryCreated(Repository repository) implements EventPayload {
        public RepositoryCreated {
            Objects.requireNonNull(repository, "repository");
        }

        @Override
        public EventType type() {
            return EventType.REPOSITORY_CREATED;
        }

        @Override
        public Optional<ProjectKey> project() {
            return Optional.of(repository.project());
        }
    }

    /** Describes the repository as it was just before it was deleted. */
    record RepositoryDeleted(Repository repository) implements EventPayload {
        public RepositoryDeleted {
            Objects.requireNonNull(repository, "repository");
        }

        @Override
        public EventType type() {
            return EventType.REPOSITORY_DELETED;
        }

        @Override
        public Optional<ProjectKey> project() {
            return Optional.of(repository.project());
        }
    }

    /** Describes the repository under its new name, and says what it was called before. */
    record RepositoryRenamed(Repository repository, RepositorySlug previousSlug, RepositoryName previousName)
            implements EventPayload {
        public RepositoryRenamed {
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(previousSlug, "previousSlug");
            Objects.requireNonNull(previousName, "previousName");
        }

        @Override
        public EventType type() {
            return EventType.REPOSITORY_RENAMED;
        }

        @Override
        public Optional<ProjectKey> project() {
            return Optional.of(repository.project());
        }
    }

    /**
     * A push, or refs changed through the REST API: the refs it moved, and the refs hash of the repository right after
     * it. {@code head} is the branch HEAD was pointed at (a full ref name) when the change moved HEAD, else null; a
     * HEAD change alone moves no refs and leaves the refs hash as it was, so it is what tells a mirror to follow.
     * {@code actor} is the account that made the change (null in events written before actors were recorded).
     */
    record RefsChanged(Repository repository, RefsHash refsHash, List<RefChange> changes, String head, Username actor)
            implements EventPayload {
        public RefsChanged {
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(refsHash, "refsHash");
            changes = List.copyOf(changes);
            if (head != null && !head.startsWith("refs/heads/")) {
                throw new IllegalArgumentException("HEAD points at a branch (refs/heads/…), not '" + head + "'");
            }
        }

        public RefsChanged(Repository repository, RefsHash refsHash, List<RefChange> changes) {
            this(repository, refsHash, changes, null, null);
        }

        /** Who made the change, when the event says. */
        public Optional<Username> madeBy() {
            return Optional.ofNullable(actor);
        }

        /** The branch HEAD now points at, when this change moved it. */
        public Optional<String> movedHead() {
            return Optional.ofNullable(head);
        }

        @Override
        public EventType type() {
            return EventType.REFS_CHANGED;
        }

        @Override
        public Optional<ProjectKey> project() {
            return Optional.of(repository.project());
        }
    }

    /**
     * Who may read what changed. Which fields are present depends on the scope: a grant or revocation
     * ({@code permission} null) names the project, the user or the group and, on a repository, its id; a
     * visibility change names the project and the repository; an account change names only the user, whose
     * credentials changed; a group change (members, global permission, the group deleted) names only the group.
     * Mirrors drop every verdict they cached on any of them, since a cached verdict is keyed by credentials,
     * not by user or group.
     */
    record PermissionsChanged(Scope scope, ProjectKey projectKey, Long repositoryId, Username user,
                              Permission permission, GroupName group) implements EventPayload {
        /** What the change is about. */
        public enum Scope { PROJECT, REPOSITORY, PUBLIC, USER, GROUP }

        public PermissionsChanged {
            Objects.requireNonNull(scope, "scope");
            boolean oneGrantee = (user == null) != (group == null);
            switch (scope) {
                case PROJECT -> require(projectKey != null && repositoryId == null && oneGrantee
                        && (permission == null || permission.scope() == Permission.Scope.PROJECT),
                        "a project grant names its project and a user or a group, and a project permission if any");
                case REPOSITORY -> require(projectKey != null && repositoryId != null && oneGrantee
                        && (permission == null || permission.scope() == Permission.Scope.REPOSITORY),
                        "a repository grant names its project, repository and a user or a group, and a repository "
                                + "permission if any");
                case PUBLIC -> require(projectKey != null && repositoryId != null && user == null && group == null
                                && permission == null, "a visibility change names its project and repository only");
                case USER -> require(projectKey == null && repositoryId == null && user != null && group == null
                                && permission == null, "an account change names its user only");
                case GROUP -> require(projectKey == null && repositoryId == null && user == null && group != null
                                && permission == null, "a group change names its group only");
                default -> throw new IllegalStateException("unreachable");
            }
        }

        public PermissionsChanged(Scope scope, ProjectKey projectKey, Long repositoryId, Username user,
                                  Permission permission) {
            this(scope, projectKey, repositoryId, user, permission, null);
        }

        public static PermissionsChanged onProject(ProjectKey project, Username user, Permission permission) {
            return new PermissionsChanged(Scope.PROJECT, project, null, user, permission);
        }

        public static PermissionsChanged onRepository(ProjectKey project, long repositoryId, Username user,
                                                      Permission permission) {
            return new PermissionsChanged(Scope.REPOSITORY, project, repositoryId, user, permission);
        }

        public static PermissionsChanged groupOnProject(ProjectKey project, GroupName group, Permission permission) {
            return new PermissionsChanged(Scope.PROJECT, project, null, null, permission, group);
        }

        public static PermissionsChanged groupOnRepository(ProjectKey project, long repositoryId, GroupName group,
                                                           Permission permission) {
            return new PermissionsChanged(Scope.REPOSITORY, project, repositoryId, null, permission, group);
        }

        public static PermissionsChanged visibility(ProjectKey project, long repositoryId) {
            return new PermissionsChanged(Scope.PUBLIC, project, repositoryId, null, null);
        }

        public static PermissionsChanged account(Username user) {
            return new PermissionsChanged(Scope.USER, null, null, user, null);
        }

        public static PermissionsChanged groupChanged(GroupName group) {
            return new PermissionsChanged(Scope.GROUP, null, null, null, null, group);
        }

        private static void require(boolean holds, String rule) {
            if (!holds) {
                throw new IllegalArgumentException("Invalid permission change: " + rule);
            }
        }

        @Override
        public EventType type() {
            return EventType.PERMISSIONS_CHANGED;
        }

        @Override
        public Optional<ProjectKey> project() {
            return Optional.ofNullable(projectKey);
        }
    }

    /** The projects one mirror carries changed; only that mirror is told. */
    record MirrorSelectionChanged(String mirrorId) implements EventPayload {
        public MirrorSelectionChanged {
            if (mirrorId == null || mirrorId.isBlank()) {
                throw new IllegalArgumentException("A selection change names its mirror");
            }
        }

        @Override
        public EventType type() {
            return EventType.MIRROR_SELECTION_CHANGED;
        }

        @Override
        public Optional<ProjectKey> project() {
            return Optional.empty();
        }
    }

    /**
     * A mirror serves {@code repository} at {@code refsHash}, the state a push left it in; {@code changes} are the
     * refs that moved since the state the mirror reported before (each from its first old to its last new id).
     * {@code snapshot} when the mirror had reported nothing about the repository before.
     */
    record MirrorSynchronized(Repository repository, String mirrorId, String mirrorName, RefsHash refsHash,
                              List<RefChange> changes, boolean snapshot) implements EventPayload {
        public MirrorSynchronized {
            Objects.requireNonNull(repository, "repository");
            if (mirrorId == null || mirrorId.isBlank()) {
                throw new IllegalArgumentException("A mirror synchronization names its mirror");
            }
            Objects.requireNonNull(mirrorName, "mirrorName");
            Objects.requireNonNull(refsHash, "refsHash");
            changes = List.copyOf(changes);
        }

        @Override
        public EventType type() {
            return EventType.MIRROR_SYNCHRONIZED;
        }

        @Override
        public Optional<ProjectKey> project() {
            return Optional.of(repository.project());
        }
    }
}
