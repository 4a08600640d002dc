package dev.facet.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevWalk;

/** Builds small histories in a repository with JGit's plain API, so a test shows only the refs that matter to it. */
final class Commits {
    private static final PersonIdent AUTHOR = new PersonIdent("Ada", "ada@example.com",
            Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final Repository repository;
    private int counter;

    Commits(Repository repository) {
        this.repository = repository;
    }

    /** A new commit with one file of its own and the given parents. */
    ObjectId commit(ObjectId... parents) {
        counter++;
        try (ObjectInserter inserter = repository.newObjectInserter()) {
            ObjectId blob = inserter.insert(Constants.OBJ_BLOB,
                    ("content " + counter + "\n").getBytes(StandardCharsets.UTF_8));
            TreeFormatter tree = new TreeFormatter();
            tree.append("file" + counter + ".txt", org.eclipse.jgit.lib.FileMode.REGULAR_FILE, blob);
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(inserter.insert(tree));
            commit.setParentIds(parents);
            commit.setAuthor(AUTHOR);
            commit.setCommitter(AUTHOR);
            commit.setMessage("commit " + counter + "\n");
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Points {@code refName} at {@code id}, however it moves. */
    void set(String refName, ObjectId id) {
        try {
            RefUpdate update = repository.updateRef(refName);
            update.setNewObjectId(id);
            update.setForceUpdate(true);
            RefUpdate.Result result = update.update();
            if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FORCED
                    && result != RefUpdate.Result.FAST_FORWARD && result != RefUpdate.Result.NO_CHANGE) {
                throw new IllegalStateException("Could not set " + refName + ": " + result);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void delete(String refName) {
        try {
            RefUpdate update = repository.updateRef(refName);
            update.setForceUpdate(true);
            update.delete();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code descendant} contains {@code ancestor}, as the fetcher decides it. */
    boolean isAncestor(ObjectId ancestor, ObjectId descendant) {
        try (RevWalk walk = new RevWalk(repository)) {
            return walk.isMergedInto(walk.parseCommit(ancestor), walk.parseCommit(descendant));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
