package dev.facet.git;

import java.io.IOException;
import java.util.List;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new repository's HEAD names a branch nobody has pushed yet. When the first branches arrive,
 * HEAD follows one of them ({@code main}, else {@code master}, else the first by name) so that
 * clones check out a branch instead of warning about a dangling HEAD.
 */
final class DefaultBranch {
    private static final Logger log = LoggerFactory.getLogger(DefaultBranch.class);
    private static final List<String> PREFERRED = List.of("refs/heads/main", "refs/heads/master");

    private DefaultBranch() {
    }

    static void adoptWhenDangling(Repository repository) {
        try {
            Ref head = repository.exactRef(Constants.HEAD);
            if (head != null && head.getObjectId() != null) {
                return;
            }
            List<Ref> branches = repository.getRefDatabase().getRefsByPrefix(Constants.R_HEADS);
            if (branches.isEmpty()) {
                return;
            }
            String target = PREFERRED.stream()
                    .filter(name -> branches.stream().anyMatch(b -> b.getName().equals(name)))
                    .findFirst()
                    .orElse(branches.stream().map(Ref::getName).sorted().findFirst().orElseThrow());
            RefUpdate update = repository.updateRef(Constants.HEAD);
            update.disableRefLog();
            update.link(target);
        } catch (IOException e) {
            log.warn("{}: could not point HEAD at a pushed branch", repository.getDirectory(), e);
        }
    }
}
