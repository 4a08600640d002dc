package dev.facet.core.ref;

import java.util.Objects;
import org.eclipse.jgit.lib.ObjectId;

/** One ref moved by a push: created when {@code oldId} is zero, deleted when {@code newId} is zero. */
public record RefChange(String refName, ObjectId oldId, ObjectId newId) {
    public RefChange {
        Objects.requireNonNull(refName, "refName");
        oldId = oldId == null ? ObjectId.zeroId() : oldId.copy();
        newId = newId == null ? ObjectId.zeroId() : newId.copy();
    }
}
