package dev.facet.core.store;

import java.util.Optional;

/** Facts an instance keeps about itself in its database (its id, the base URL it last ran with). */
public interface InstanceSettings {
    Optional<String> get(String name);

    void put(String name, String value);
}
