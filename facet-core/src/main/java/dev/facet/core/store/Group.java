package dev.facet.core.store;

import dev.facet.core.access.GlobalRole;
import dev.facet.core.name.GroupName;

/**
 * A named set of users, granted permissions as one.
 *
 * @param role the global role every member holds through the group; null when the group grants none
 */
public record Group(long id, GroupName name, GlobalRole role) {
}
