package dev.facet.core.store;

import dev.facet.core.name.Username;
import java.util.List;

/**
 * The service users behind project and repository access tokens and SSH access keys. Each holds one token or one
 * key and the one grant that credential acts with, and belongs to its project or repository: deleting either deletes it, its token and its grant.
 * {@link Users} neither finds nor lists nor counts them, so no user-facing path can name one (to grant it more,
 * add it to a group or sign in as it); only its token, found by its secret, acts as it.
 */
public interface ServiceUsers {
    /** A service user of a project, for a project token; it has no password. */
    User createForProject(long projectId, Username name, String displayName);

    /** A service user of one repository, for a repository token; it has no password. */
    User createForRepository(long repositoryId, Username name, String displayName);

    /** The tokens of a project's service users (not those of its repositories), newest first. */
    List<AccessToken> tokensOfProject(long projectId);

    /** The tokens of a repository's service users, newest first. */
    List<AccessToken> tokensOfRepository(long repositoryId);

    /** The SSH access keys of a project's service users (not those of its repositories), oldest first. */
    List<SshKey> accessKeysOfProject(long projectId);

    /** The SSH access keys of a repository's service users, oldest first. */
    List<SshKey> accessKeysOfRepository(long repositoryId);
}
