package dev.facet.store;

import dev.facet.core.store.InstanceSettings;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

final class JdbcInstanceSettings implements InstanceSettings {
    private final Handle handle;

    JdbcInstanceSettings(Handle handle) {
        this.handle = handle;
    }

    @Override
    public Optional<String> get(String name) {
        return handle.createQuery("SELECT setting_value FROM instance_settings WHERE name = :name")
                .bind("name", name).mapTo(String.class).findOne();
    }

    @Override
    public void put(String name, String value) {
        int updated = handle.createUpdate("UPDATE instance_settings SET setting_value = :value WHERE name = :name")
                .bind("name", name).bind("value", value).execute();
        if (updated == 0) {
            handle.createUpdate("INSERT INTO instance_settings (name, setting_value) VALUES (:name, :value)")
                    .bind("name", name).bind("value", value).execute();
        }
    }
}
