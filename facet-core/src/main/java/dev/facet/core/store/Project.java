package dev.facet.core.store;

import dev.facet.core.name.ProjectKey;

/** A project: a named group of repositories that permissions can be granted on. */
public record Project(long id, ProjectKey key, String name, String description, boolean isPublic) {
}
