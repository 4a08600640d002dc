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

    /** Tells {@code first}, then {@code second}. */
    static GitOperationObserver both(GitOperationObserver first, GitOperationObserver second) {
        return new GitOperationObserver() {
            @Override
            public void onUpload(long repositoryId, boolean clone, long bytesSent) {
                first.onUpload(repositoryId, clone, bytesSent);
                second.onUpload(repositoryId, clone, bytesSent);
            }

            @Override
            public void onPush(long repositoryId, int refsUpdated) {
                first.onPush(repositoryId, refsUpdated);
                second.onPush(repositoryId, refsUpdated);
            }
        };
    }
}
