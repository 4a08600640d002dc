package dev.facet.core.mirror.protocol;

import java.util.List;

/**
 * A mirror's report, sent once it serves new states: for each repository, the refs hash it now serves. The primary
 * tells webhooks ({@code mirror:repo_synchronized}) from it; clients can then fetch that state from the mirror.
 */
public record ServedRepositories(List<Served> repositories) {
    /** One repository, by its id on the primary, and the refs hash the mirror serves it at. */
    public record Served(long id, String refsHash) {
    }
}
