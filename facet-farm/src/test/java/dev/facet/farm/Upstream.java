package dev.facet.farm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;

/** A bare repository on disk that plays the upstream: the test commits into it, and nodes fetch from its file URL. */
final class Upstream implements AutoCloseable {
    static final String MAIN = "refs/heads/main";
    private static final PersonIdent AUTHOR = new PersonIdent("Ada", "ada@example.com",
            Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private final Path directory;
    private final Repository repository;
    private final String flavour;
    private int counter;

    /** {@code flavour} goes into every file, so two upstreams never share an object. */
    Upstream(Path directory, String flavour) throws IOException {
        this.directory = directory;
        this.flavour = flavour;
        this.repository = new FileRepository(directory.toFile());
        repository.create(true);
        repository.updateRef(Constants.HEAD).link(MAIN);
    }

    /** A new commit on main, on top of what main has. */
    ObjectId push() {
        try {
            ObjectId parent = repository.resolve(MAIN);
            ObjectId commit = commit(parent == null ? new ObjectId[0] : new ObjectId[] {parent});
            RefUpdate update = repository.updateRef(MAIN);
            update.setNewObjectId(commit);
            update.setForceUpdate(true);
            update.update();
            return commit;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A branch at what main has now. */
    ObjectId branch(String name) {
        try {
            ObjectId main = repository.resolve(MAIN);
            RefUpdate update = repository.updateRef(Constants.R_HEADS + name);
            update.setNewObjectId(main);
            update.update();
            return main;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ObjectId commit(ObjectId... parents) throws IOException {
        counter++;
        try (ObjectInserter inserter = repository.newObjectInserter()) {
            ObjectId blob = inserter.insert(Constants.OBJ_BLOB,
                    (flavour + " " + counter + "\n").getBytes(StandardCharsets.UTF_8));
            TreeFormatter tree = new TreeFormatter();
            tree.append("file" + counter + ".txt", FileMode.REGULAR_FILE, blob);
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(inserter.insert(tree));
            commit.setParentIds(parents);
            commit.setAuthor(AUTHOR);
            commit.setCommitter(AUTHOR);
            commit.setMessage(flavour + " " + counter + "\n");
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            return id;
        }
    }

    String url() {
        return directory.toUri().toString();
    }

    @Override
    public void close() {
        repository.close();
    }
}
