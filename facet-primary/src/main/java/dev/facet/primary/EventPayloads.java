package dev.facet.primary;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.facet.core.access.Permission;
import dev.facet.core.name.Username;
import dev.facet.core.ref.RefChange;
import dev.facet.core.ref.RefsHash;
import dev.facet.core.store.Project;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.StoreTransaction;
import java.util.List;

/** The JSON bodies of outbox events: what a mirror needs to act without asking again. */
final class EventPayloads {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventPayloads() {
    }

    static String repository(StoreTransaction tx, RepositoryRecord repository) {
        ObjectNode root = JSON.createObjectNode();
        root.set("repository", describe(tx, repository));
        return write(root);
    }

    static String renamed(StoreTransaction tx, RepositoryRecord before, RepositoryRecord after) {
        ObjectNode root = JSON.createObjectNode();
        root.set("repository", describe(tx, after));
        root.put("previousSlug", before.slug().value());
        root.put("previousName", before.name().value());
        return write(root);
    }

    static String refsChanged(StoreTransaction tx, RepositoryRecord repository, List<RefChange> changes,
                              RefsHash refsHash) {
        ObjectNode root = JSON.createObjectNode();
        root.set("repository", describe(tx, repository));
        root.put("refsHash", refsHash.value());
        ArrayNode list = root.putArray("changes");
        for (RefChange change : changes) {
            list.addObject().put("ref", change.refName()).put("from", change.oldId().name())
                    .put("to", change.newId().name());
        }
        return write(root);
    }

    /** A permission granted, changed or revoked ({@code permission} null), or a visibility change. */
    static String permissionChanged(String scope, String project, Long repositoryId, Username user,
                                    Permission permission) {
        ObjectNode root = JSON.createObjectNode();
        root.put("scope", scope);
        root.put("project", project);
        if (repositoryId != null) {
            root.put("repositoryId", repositoryId);
        }
        if (user != null) {
            root.put("user", user.value());
        }
        root.put("permission", permission == null ? null : permission.name());
        return write(root);
    }

    /**
     * A user's credentials changed (password, a token revoked, the account disabled or deleted): mirrors drop the
     * verdicts they cached for everyone, since a cached verdict is keyed by credentials, not by user.
     */
    static String accountChanged(Username user) {
        ObjectNode root = JSON.createObjectNode();
        root.put("scope", "USER");
        root.put("user", user.value());
        return write(root);
    }

    /** A repository as mirrors need it; {@code public} is whether anyone may read it, through its project or itself. */
    private static ObjectNode describe(StoreTransaction tx, RepositoryRecord repository) {
        boolean projectPublic = tx.projects().findById(repository.projectId()).map(Project::isPublic).orElse(false);
        return JSON.createObjectNode()
                .put("id", repository.id())
                .put("project", repository.projectKey().value())
                .put("slug", repository.slug().value())
                .put("name", repository.name().value())
                .put("public", repository.isPublic() || projectPublic);
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An event payload is always serializable", e);
        }
    }
}
