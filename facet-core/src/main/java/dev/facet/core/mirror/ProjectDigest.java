package dev.facet.core.mirror;

/**
 * The digest of one project's repositories, as one side of a reconciliation holds them.
 *
 * @param projectId the primary's id of the project; 0 on a mirror, which knows projects by key only
 */
public record ProjectDigest(String projectKey, long projectId, StateDigest digest, long repositories) {
}
