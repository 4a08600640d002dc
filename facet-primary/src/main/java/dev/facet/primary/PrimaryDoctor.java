package dev.facet.primary;

import dev.facet.core.doctor.Finding;
import dev.facet.core.lfs.LfsObjectStore;
import dev.facet.core.lfs.LfsPointer;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.Store;
import dev.facet.git.RepositoryStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a primary's database against its disk: every repository it lists has files that form a
 * Git repository, and every Git LFS object a repository holds is on disk with its size and SHA-256.
 */
public final class PrimaryDoctor {
    private static final int PAGE = 500;

    private final Store store;
    private final RepositoryStore repositories;
    private final LfsObjectStore lfsObjects;

    public PrimaryDoctor(Store store, RepositoryStore repositories, LfsObjectStore lfsObjects) {
        this.store = store;
        this.repositories = repositories;
        this.lfsObjects = lfsObjects;
    }

    public List<Finding> examine() {
        List<Finding> findings = new ArrayList<>();
        for (int start = 0; ; start += PAGE) {
            int from = start;
            List<RepositoryRecord> page = store.inTransaction(tx -> tx.repositories().listAll(from, PAGE));
            for (RepositoryRecord repository : page) {
                examineFiles(repository, findings);
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        for (int start = 0; ; start += PAGE) {
            int from = start;
            List<LfsPointer> page = store.inTransaction(tx -> tx.lfsObjects().listAll(from, PAGE));
            for (LfsPointer pointer : page) {
                lfsObjects.damage(pointer).ifPresent(damage -> findings.add(new Finding(damage + ".",
                        "Put the file back from a backup of data/lfs/objects, or delete it and have a user who has "
                                + "the object push it again (git lfs push --object-id origin " + pointer.oid() + ").")));
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        return findings;
    }

    private void examineFiles(RepositoryRecord repository, List<Finding> findings) {
        String name = "Repository " + repository.projectKey() + "/" + repository.slug() + " (id " + repository.id() + ")";
        if (!repositories.exists(repository.id())) {
            findings.add(new Finding(name + " is in the database but has no files in data/repositories/"
                    + repository.id() + ".", "Restore the home from a backup (facet restore), or delete the "
                    + "repository through the REST API if it is no longer wanted."));
            return;
        }
        try {
            repositories.verify(repository.id());
        } catch (RuntimeException e) {
            findings.add(new Finding(name + " has damaged files: " + e.getMessage(),
                    "Restore the home from a backup (facet restore)."));
        }
    }
}
