package dev.facet.core.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.facet.core.access.Permission;
import dev.facet.core.event.EventPayload.MirrorSelectionChanged;
import dev.facet.core.event.EventPayload.MirrorSynchronized;
import dev.facet.core.event.EventPayload.PermissionsChanged;
import dev.facet.core.event.EventPayload.RefsChanged;
import dev.facet.core.event.EventPayload.Repository;
import dev.facet.core.event.EventPayload.RepositoryCreated;
import dev.facet.core.event.EventPayload.RepositoryDeleted;
import dev.facet.core.event.EventPayload.RepositoryRenamed;
import dev.facet.core.name.GroupName;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositoryName;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.name.Username;
import dev.facet.core.ref.RefChange;
import dev.facet.core.ref.RefsHash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The one JSON form of event payloads, written by the primary and read by the primary's stream and
 * by mirrors. The field names and their order are those the primary has always written, so events
 * already in an outbox (whose hashes cover their payload text) still read. A payload that does not
 * fit its type is refused with {@link MalformedEventPayload}; fields a later version may add are
 * ignored, so a newer primary's events still read on an older mirror.
 */
public final class EventPayloadCodec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{40}");

    private EventPayloadCodec() {
    }

    public static String encode(EventPayload payload) {
        Objects.requireNonNull(payload, "payload");
        ObjectNode root = JSON.createObjectNode();
        if (payload instanceof RepositoryCreated created) {
            root.set("repository", repository(created.repository()));
        } else if (payload instanceof RepositoryDeleted deleted) {
            root.set("repository", repository(deleted.repository()));
        } else if (payload instanceof RepositoryRenamed renamed) {
            root.set("repository", repository(renamed.repository()));
            root.put("previousSlug", renamed.previousSlug().value());
            root.put("previousName", renamed.previousName().value());
        } else if (payload instanceof RefsChanged refs) {
            root.set("repository", repository(refs.repository()));
            root.put("refsHash", refs.refsHash().value());
            changes(root, refs.changes());
            // Written only when HEAD moved, so that every payload written before HEAD changes were announced reads the same.
            refs.movedHead().ifPresent(head -> root.put("head", head));
            refs.madeBy().ifPresent(actor -> root.put("actor", actor.value()));
        } else if (payload instanceof PermissionsChanged permissions) {
            permissions(root, permissions);
        } else if (payload instanceof MirrorSelectionChanged selection) {
            root.put("mirrorId", selection.mirrorId());
        } else if (payload instanceof MirrorSynchronized synced) {
            root.set("repository", repository(synced.repository()));
            root.put("mirrorId", synced.mirrorId());
            root.put("mirrorName", synced.mirrorName());
            root.put("refsHash", synced.refsHash().value());
            changes(root, synced.changes());
            root.put("snapshot", synced.snapshot());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree of strings, numbers and booleans always serializes", e);
        }
    }

    /** Reads the payload of an event of {@code type}. */
    public static EventPayload decode(EventType type, String json) {
        if (type == null) {
            throw new MalformedEventPayload(null, "the event has no type", null);
        }
        JsonNode root;
        try {
            root = json == null ? null : JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedEventPayload(type, "not JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEventPayload(type, "not a JSON object", null);
        }
        Reader reader = new Reader(type);
        try {
            return switch (type) {
                case REPOSITORY_CREATED -> new RepositoryCreated(reader.repository(root));
                case REPOSITORY_DELETED -> new RepositoryDeleted(reader.repository(root));
                case REPOSITORY_RENAMED -> new RepositoryRenamed(reader.repository(root),
                        new RepositorySlug(reader.text(root, "previousSlug")),
                        new RepositoryName(reader.text(root, "previousName")));
                case REFS_CHANGED -> new RefsChanged(reader.repository(root),
                        new RefsHash(reader.text(root, "refsHash")), reader.changes(root),
                        reader.optionalText(root, "head"),
                        reader.optionalUser(root, "actor"));
                case PERMISSIONS_CHANGED -> reader.permissions(root);
                case MIRROR_SELECTION_CHANGED -> new MirrorSelectionChanged(reader.text(root, "mirrorId"));
                case MIRROR_SYNCHRONIZED -> new MirrorSynchronized(reader.repository(root),
                        reader.text(root, "mirrorId"), reader.text(root, "mirrorName"),
                        new RefsHash(reader.text(root, "refsHash")), reader.changes(root),
                        reader.bool(root, "", "snapshot"));
            };
        } catch (MalformedEventPayload e) {
            throw e;
        } catch (RuntimeException e) {
            // A value type refused what the field holds (a bad key, slug, hash or permission); its message says why.
            throw new MalformedEventPayload(type, e.getMessage(), e);
        }
    }

    /** Decodes the payload of {@code event}. */
    public static EventPayload decode(Event event) {
        return decode(event.type(), event.payload());
    }

    private static ObjectNode repository(Repository repository) {
        return JSON.createObjectNode()
                .put("id", repository.id())
                .put("project", repository.project().value())
                .put("slug", repository.slug().value())
                .put("name", repository.name().value())
                .put("public", repository.isPublic());
    }

    private static void changes(ObjectNode root, List<RefChange> refChanges) {
        ArrayNode changes = root.putArray("changes");
        for (RefChange change : refChanges) {
            changes.addObject().put("ref", change.refName()).put("from", change.oldId().name())
                    .put("to", change.newId().name());
        }
    }

    private static void permissions(ObjectNode root, PermissionsChanged change) {
        root.put("scope", change.scope().name());
        if (change.scope() == PermissionsChanged.Scope.USER) {
            root.put("user", change.user().value());
            return;
        }
        if (change.scope() == PermissionsChanged.Scope.GROUP) {
            root.put("group", change.group().value());
            return;
        }
        root.put("project", change.projectKey().value());
        if (change.repositoryId() != null) {
            root.put("repositoryId", change.repositoryId());
        }
        if (change.user() != null) {
            root.put("user", change.user().value());
        }
        if (change.group() != null) {
            root.put("group", change.group().value());
        }
        root.put("permission", change.permission() == null ? null : change.permission().name());
    }

    /** Reads fields of one payload, naming the payload's type and the field in each refusal. */
    private record Reader(EventType type) {
        Repository repository(JsonNode root) {
            JsonNode node = root.get("repository");
            if (node == null || !node.isObject()) {
                throw missing("repository", "an object");
            }
            return new Repository(number(node, "repository.", "id"), new ProjectKey(text(node, "repository.", "project")),
                    new RepositorySlug(text(node, "repository.", "slug")),
                    new RepositoryName(text(node, "repository.", "name")), bool(node, "repository.", "public"));
        }

        List<RefChange> changes(JsonNode root) {
            JsonNode node = root.get("changes");
            if (node == null || !node.isArray()) {
                throw missing("changes", "an array");
            }
            List<RefChange> changes = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                JsonNode change = node.get(i);
                String at = "changes[" + i + "].";
                if (!change.isObject()) {
                    throw missing("changes[" + i + "]", "an object");
                }
                changes.add(new RefChange(text(change, at, "ref"), objectId(change, at, "from"),
                        objectId(change, at, "to")));
            }
            return changes;
        }

        PermissionsChanged permissions(JsonNode root) {
            PermissionsChanged.Scope scope = named(PermissionsChanged.Scope.class, "scope", text(root, "scope"));
            String project = optionalText(root, "project");
            Long repositoryId = root.hasNonNull("repositoryId") ? number(root, "", "repositoryId") : null;
            String permission = optionalText(root, "permission");
            String group = optionalText(root, "group");
            return new PermissionsChanged(scope, project == null ? null : new ProjectKey(project), repositoryId,
                    optionalUser(root, "user"),
                    permission == null ? null : named(Permission.class, "permission", permission),
                    group == null ? null : new GroupName(group));
        }

        private <E extends Enum<E>> E named(Class<E> kind, String field, String value) {
            try {
                return Enum.valueOf(kind, value);
            } catch (IllegalArgumentException e) {
                throw new MalformedEventPayload(type, field + " '" + value + "' is not one of "
                        + Arrays.toString(kind.getEnumConstants()), e);
            }
        }

        String text(JsonNode node, String field) {
            return text(node, "", field);
        }

        private String text(JsonNode node, String path, String field) {
            JsonNode value = node.get(field);
            if (value == null || !value.isTextual()) {
                throw missing(path + field, "a string");
            }
            return value.textValue();
        }

        private String optionalText(JsonNode node, String field) {
            return node.hasNonNull(field) ? text(node, field) : null;
        }

        private Username optionalUser(JsonNode node, String field) {
            String name = optionalText(node, field);
            return name == null ? null : new Username(name);
        }

        private long number(JsonNode node, String path, String field) {
            JsonNode value = node.get(field);
            if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
                throw missing(path + field, "a whole number");
            }
            return value.longValue();
        }

        private boolean bool(JsonNode node, String path, String field) {
            JsonNode value = node.get(field);
            if (value == null || !value.isBoolean()) {
                throw missing(path + field, "true or false");
            }
            return value.booleanValue();
        }

        private ObjectId objectId(JsonNode node, String path, String field) {
            String value = text(node, path, field);
            if (!OBJECT_ID.matcher(value).matches()) {
                throw new MalformedEventPayload(type, path + field + " is not a 40-digit object id: '" + value + "'",
                        null);
            }
            return ObjectId.fromString(value);
        }

        private MalformedEventPayload missing(String field, String kind) {
            return new MalformedEventPayload(type, field + " must be " + kind, null);
        }
    }
}
