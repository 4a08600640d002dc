package dev.facet.core.mirror.protocol;

import java.util.List;

/**
 * The answer of {@code GET events?after=SEQ}: events in order, the primary's head when it answered,
 * and the oldest event it still keeps (older ones passed the retention period; a mirror that needs
 * them reconciles instead).
 */
public record EventBatch(List<StreamedEvent> events, long headSequence, String headHash, long oldestRetained) {
}
