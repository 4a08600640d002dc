package dev.facet.core.mirror.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One row of {@code GET repo-hashes}: a repository a mirror carries and its current refs hash. */
public record RepositoryState(long id, String project, String slug, String name,
                              @JsonProperty("public") boolean isPublic, String refsHash) {
}
