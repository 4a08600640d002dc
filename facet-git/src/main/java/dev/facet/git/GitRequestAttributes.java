package dev.facet.git;

/**
 * Request attributes through which the HTTP layer tells the Git seams what it decided: which
 * repository a request is for (after access was checked) and who is asking.
 */
public final class GitRequestAttributes {
    /** A {@code Long}: the id of the repository the caller was authorized for. */
    public static final String REPOSITORY_ID = "facet.git.repositoryId";
    /** A {@code dev.facet.core.access.Caller}. */
    public static final String CALLER = "facet.git.caller";

    private GitRequestAttributes() {
    }
}
