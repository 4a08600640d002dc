package dev.facet.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A repository's default branch is the branch its HEAD names. A new repository's HEAD names a
 * branch nobody has pushed yet. When the first branches arrive, HEAD follows one of them
 * ({@code main}, else {@code master}, else the first by name) so that clones check out a branch
 * instead of warning about a dangling HEAD, unless an administrator chose the default branch: that
 * choice stands even while the branch does not exist yet, as Bitbucket's configured default branch does.
 */
public final class DefaultBranch {
    private static final Logger log = LoggerFactory.getLogger(DefaultBranch.class);
    private static final List<String> PREFERRED = List.of("refs/heads/main", "refs/heads/master");
    /** Kept in the repository's own config, so that the choice travels with its files (backups, restores). */
    private static final String SECTION = "facet";
    private static final String CHOSEN = "defaultBranchChosen";

    private DefaultBranch() {
    }

    /** The branch HEAD names (a full ref name), whether or not it exists yet; empty when HEAD is detached. */
    public static Optional<String> of(Repository repository) {
        try {
            Ref head = repository.exactRef(Constants.HEAD);
            return head != null && head.isSymbolic() ? Optional.of(head.getTarget().getName()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read HEAD of " + repository.getDirectory(), e);
        }
    }

    /**
     * Points HEAD at {@code branch} (a full ref name under {@code refs/heads/}) as an administrator's choice.
     *
     * @return whether HEAD moved
     */
    public static boolean choose(Repository repository, String branch) {
        if (!branch.startsWith(Constants.R_HEADS)) {
            throw new IllegalArgumentException("A default branch is a branch, not " + branch);
        }
        try {
            StoredConfig config = repository.getConfig();
            if (!config.getBoolean(SECTION, CHOSEN, false)) {
                config.setBoolean(SECTION, null, CHOSEN, true);
                config.save();
            }
            if (of(repository).filter(branch::equals).isPresent()) {
                return false;
            }
            RefUpdate update = repository.updateRef(Constants.HEAD);
            update.disableRefLog();
            RefUpdate.Result result = update.link(branch);
            if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FORCED
                    && result != RefUpdate.Result.NO_CHANGE) {
                throw new IllegalStateException("HEAD of " + repository.getDirectory() + " not pointed at " + branch
                        + ": " + result);
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot point HEAD of " + repository.getDirectory() + " at " + branch, e);
        }
    }

    static void adoptWhenDangling(Repository repository) {
        try {
            if (repository.getConfig().getBoolean(SECTION, CHOSEN, false)) {
                return;
            }
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
