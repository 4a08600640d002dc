package dev.facet.primary;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.facet.core.event.Event;
import dev.facet.core.event.EventPayload;
import dev.facet.core.event.EventPayloadCodec;
import dev.facet.core.event.MalformedEventPayload;
import dev.facet.core.name.Username;
import dev.facet.core.ref.RefChange;
import dev.facet.core.store.Project;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.StoreTransaction;
import dev.facet.core.store.User;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Bitbucket's webhook bodies, made from outbox events: {@code repo:refs_changed} from a push,
 * {@code repo:modified} from a rename, {@code mirror:repo_synchronized} from a mirror's report. Everything in a
 * body comes from the event itself (its time, its refs, the repository as it was then), so a retry sends the same
 * body as the first attempt; only a project's name and the pusher's details are read as they are now.
 */
final class WebhookPayloads {
    static final String REFS_CHANGED = "repo:refs_changed";
    static final String MODIFIED = "repo:modified";
    static final String MIRROR_SYNCHRONIZED = "mirror:repo_synchronized";
    static final String PING = "diagnostics:ping";
    /** The events Facet delivers; a hook may subscribe to others Bitbucket knows, which never fire here. */
    static final List<String> DELIVERED = List.of(REFS_CHANGED, MODIFIED, MIRROR_SYNCHRONIZED);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ")
            .withZone(ZoneOffset.UTC);

    /** What one event means to webhooks: its key, the repository it is about, and the body to send. */
    record Delivery(String eventKey, EventPayload.Repository repository, String body) {
    }

    private WebhookPayloads() {
    }

    /** The delivery an event makes, or empty for an event webhooks do not hear of. */
    static Optional<Delivery> of(StoreTransaction tx, Event event) {
        EventPayload payload;
        try {
            payload = EventPayloadCodec.decode(event);
        } catch (MalformedEventPayload e) {
            return Optional.empty();
        }
        ObjectNode root = JSON.createObjectNode();
        if (payload instanceof EventPayload.RefsChanged refs && !refs.changes().isEmpty()) {
            root.put("eventKey", REFS_CHANGED).put("date", DATE.format(event.createdAt()));
            refs.madeBy().ifPresent(actor -> root.set("actor", actor(tx, actor)));
            root.set("repository", repository(tx, refs.repository()));
            root.set("changes", changes(refs.changes()));
            return Optional.of(new Delivery(REFS_CHANGED, refs.repository(), write(root)));
        }
        if (payload instanceof EventPayload.RepositoryRenamed renamed) {
            EventPayload.Repository before = new EventPayload.Repository(renamed.repository().id(),
                    renamed.repository().project(), renamed.previousSlug(), renamed.previousName(),
                    renamed.repository().isPublic());
            root.put("eventKey", MODIFIED).put("date", DATE.format(event.createdAt()));
            root.set("old", repository(tx, before));
            root.set("new", repository(tx, renamed.repository()));
            return Optional.of(new Delivery(MODIFIED, renamed.repository(), write(root)));
        }
        if (payload instanceof EventPayload.MirrorSynchronized synced) {
            root.put("eventKey", MIRROR_SYNCHRONIZED).put("date", DATE.format(event.createdAt()));
            root.putObject("mirrorServer").put("id", synced.mirrorId()).put("name", synced.mirrorName());
            root.put("syncType", synced.snapshot() ? "SNAPSHOT" : "INCREMENTAL");
            root.put("refLimitExceeded", false);
            root.set("repository", repository(tx, synced.repository()));
            root.set("changes", changes(synced.changes()));
            return Optional.of(new Delivery(MIRROR_SYNCHRONIZED, synced.repository(), write(root)));
        }
        return Optional.empty();
    }

    /** The body of {@code …/webhooks/test}: Bitbucket's ping. */
    static String ping(Instant now) {
        ObjectNode root = JSON.createObjectNode().put("test", true);
        root.put("eventKey", PING).put("date", DATE.format(now));
        return write(root);
    }

    private static ObjectNode repository(StoreTransaction tx, EventPayload.Repository repository) {
        Optional<Project> project = tx.projects().find(repository.project());
        Optional<RepositoryRecord> current = tx.repositories().findById(repository.id());
        ObjectNode node = JSON.createObjectNode()
                .put("slug", repository.slug().value())
                .put("id", repository.id())
                .put("name", repository.name().value())
                .put("hierarchyId", Long.toHexString(repository.id()))
                .put("scmId", "git")
                .put("state", "AVAILABLE")
                .put("statusMessage", "Available")
                .put("forkable", current.map(RepositoryRecord::forkable).orElse(true));
        ObjectNode projectNode = node.putObject("project").put("key", repository.project().value());
        project.ifPresent(found -> projectNode.put("id", found.id()).put("name", found.name())
                .put("public", found.isPublic()));
        projectNode.put("type", "NORMAL");
        node.put("public", repository.isPublic());
        return node;
    }

    /**
     * Bitbucket's {@code RestApplicationUser} for who pushed: the name comes from the event, the rest is read as it
     * is now. The service user behind a project or repository token or access key is no account anyone can look up,
     * so it is shown by its name alone, as a {@code SERVICE} user.
     */
    private static ObjectNode actor(StoreTransaction tx, Username name) {
        ObjectNode node = JSON.createObjectNode().put("name", name.value());
        Optional<User> account = tx.users().find(name);
        account.ifPresent(user -> node.put("emailAddress", user.emailAddress()).put("id", user.id())
                .put("displayName", user.displayName()).put("active", user.active()));
        return node.put("slug", name.value()).put("type", account.isPresent() ? "NORMAL" : "SERVICE");
    }

    private static ArrayNode changes(List<RefChange> changes) {
        ArrayNode array = JSON.createArrayNode();
        for (RefChange change : changes) {
            boolean tag = change.refName().startsWith("refs/tags/");
            String displayId = change.refName().startsWith("refs/heads/") ? change.refName().substring(11)
                    : tag ? change.refName().substring(10) : change.refName();
            String type = change.oldId().equals(ObjectId.zeroId()) ? "ADD"
                    : change.newId().equals(ObjectId.zeroId()) ? "DELETE" : "UPDATE";
            ObjectNode node = array.addObject();
            node.putObject("ref").put("id", change.refName()).put("displayId", displayId)
                    .put("type", tag ? "TAG" : "BRANCH");
            node.put("refId", change.refName()).put("fromHash", change.oldId().name())
                    .put("toHash", change.newId().name()).put("type", type);
        }
        return array;
    }

    private static String write(ObjectNode root) {
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree of strings, numbers and booleans always serializes", e);
        }
    }
}
