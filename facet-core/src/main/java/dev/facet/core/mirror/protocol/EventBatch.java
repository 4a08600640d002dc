package dev.facet.core.mirror.protocol;

import java.util.List;

/** The answer of {@code GET events?after=SEQ}: events in order, and the primary's head when it answered. */
public record EventBatch(List<StreamedEvent> events, long headSequence, String headHash) {
}
