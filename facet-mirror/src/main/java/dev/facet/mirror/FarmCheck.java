package dev.facet.mirror;

import dev.facet.core.doctor.Finding;
import java.util.List;

/**
 * What {@code facet doctor} checks about the farm a node belongs to: the members it sees and the
 * ones its list names, how far it is behind the farm's published state, the farm id. A lone mirror
 * belongs to no farm and has nothing to check ({@link #NONE}).
 */
public interface FarmCheck {
    FarmCheck NONE = List::of;

    /** Each problem found, with the step that fixes it; none when the farm is healthy as this node sees it. */
    List<Finding> examine();
}
