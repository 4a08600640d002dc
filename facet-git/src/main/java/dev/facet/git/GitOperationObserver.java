package dev.facet.git;

/** Counts what Git serves; metrics implement it. */
public interface GitOperationObserver {
    GitOperationObserver NONE = new GitOperationObserver() { };

    /** A clone (the client had nothing) or a fetch finished sending a pack. */
    default void onUpload(long repositoryId, boolean clone, long bytesSent) {
    }

    /** A push finished; {@code refsUpdated} refs moved. */
    default void onPush(long repositoryId, int refsUpdated) {
    }
}
