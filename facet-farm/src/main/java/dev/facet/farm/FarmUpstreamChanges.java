package dev.facet.farm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.topic.ITopic;
import dev.facet.mirror.UpstreamChanges;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes one node learns of (the coordinator, from the event stream; any node, from a push
 * it forwarded), sent to every node of the farm on a cluster topic and applied there by each
 * node to itself, in the order they were sent. A message lost (a node that was leaving or
 * joining) is repaired by that node's own reconciliation within one interval.
 */
public final class FarmUpstreamChanges implements UpstreamChanges, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("facet.sync");
    static final String TOPIC = "facet-farm-changes";
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Kind { ANNOUNCED, REMOVED, PERMISSIONS_CHANGED, RECONCILE, SYNC_NOW }

    /** One change on the wire: the announcement for ANNOUNCED, the repository for REMOVED and SYNC_NOW. */
    record Message(Kind kind, Long repositoryId, String project, String slug, String name, Boolean isPublic,
                   String upstreamRefsHash, Long changedAtMillis) {
        static Message of(Kind kind, long repositoryId) {
            return new Message(kind, repositoryId, null, null, null, null, null, null);
        }

        static Message of(Kind kind) {
            return new Message(kind, null, null, null, null, null, null, null);
        }
    }

    private final ITopic<String> topic;
    private final UUID listener;
    private final ExecutorService applying = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "facet-farm-changes");
        thread.setDaemon(true);
        return thread;
    });

    /** Applies what any node sends to {@code local}, this node's own changes. */
    public FarmUpstreamChanges(FarmCluster cluster, UpstreamChanges local) {
        this.topic = cluster.hazelcast().getTopic(TOPIC);
        this.listener = topic.addMessageListener(message -> {
            String text = message.getMessageObject();
            try {
                applying.execute(() -> apply(local, text));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                log.debug("farm change not applied: this node is stopping");
            }
        });
    }

    @Override
    public void announced(Announcement announcement) {
        send(new Message(Kind.ANNOUNCED, announcement.id(), announcement.project(), announcement.slug(),
                announcement.name(), announcement.isPublic(), announcement.upstreamRefsHash(),
                announcement.changedAt() == null ? null : announcement.changedAt().toEpochMilli()));
    }

    @Override
    public void removed(long repositoryId) {
        send(Message.of(Kind.REMOVED, repositoryId));
    }

    @Override
    public void permissionsChanged() {
        send(Message.of(Kind.PERMISSIONS_CHANGED));
    }

    @Override
    public void reconcile() {
        send(Message.of(Kind.RECONCILE));
    }

    @Override
    public void syncNow(long repositoryId) {
        send(Message.of(Kind.SYNC_NOW, repositoryId));
    }

    private void send(Message message) {
        try {
            topic.publish(JSON.writeValueAsString(message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A farm change cannot be written", e);
        }
    }

    private static void apply(UpstreamChanges local, String text) {
        try {
            Message message = JSON.readValue(text, Message.class);
            switch (message.kind()) {
                case ANNOUNCED -> local.announced(new Announcement(message.repositoryId(), message.project(),
                        message.slug(), message.name(), message.isPublic(), message.upstreamRefsHash(),
                        message.changedAtMillis() == null ? null : Instant.ofEpochMilli(message.changedAtMillis())));
                case REMOVED -> local.removed(message.repositoryId());
                case PERMISSIONS_CHANGED -> local.permissionsChanged();
                case RECONCILE -> local.reconcile();
                case SYNC_NOW -> local.syncNow(message.repositoryId());
                default -> throw new IllegalStateException("Unknown farm change " + message.kind());
            }
        } catch (JsonProcessingException | RuntimeException e) {
            // The next reconciliation repairs whatever this change would have done.
            log.warn("a farm change could not be applied ({}); the next reconciliation repairs it", e.toString());
        }
    }

    /** Stops applying changes; what was sent meanwhile is repaired by the next reconciliation after a restart. */
    @Override
    public void close() {
        try {
            topic.removeMessageListener(listener);
        } catch (RuntimeException e) {
            log.debug("farm topic listener not removed: {}", e.toString());
        }
        applying.shutdownNow();
        try {
            applying.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
