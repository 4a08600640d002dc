package dev.facet.core.store;

import dev.facet.core.mirror.MirroredRepository;
import java.util.List;
import java.util.Optional;

/** The repositories a mirror carries. */
public interface MirroredRepositories {
    /** Inserts or replaces the row with this repository's id. */
    void save(MirroredRepository repository);

    Optional<MirroredRepository> find(long repositoryId);

    Optional<MirroredRepository> find(String projectKey, String slug);

    List<MirroredRepository> all();

    void delete(long repositoryId);
}
