package dev.facet.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.ArchiveCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.archive.ArchiveFormats;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PacketLineIn;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.SideBandOutputStream;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.lib.FileMode;

/**
 * The server's half of {@code git archive --remote}: the client sends {@code argument …}
 * pkt-lines and a flush; the answer is {@code ACK} and a flush, then the archive on side-band
 * channel 1 and a flush, or {@code NACK reason} when the request cannot be served (the client
 * prints the reason). As Git's own server does by default, only refs the caller can see may be
 * archived (with an optional {@code :path}), never an object named by its id, so nothing that
 * a clone would not show comes out of an archive.
 */
final class UploadArchive {
    static {
        // JGit finds formats by name in its own registry; tar, zip and tar.gz are registered once for the JVM.
        ArchiveFormats.registerAll();
    }

    /** Git's order for reading a short name as a ref (refs.c's rev-parse rules). */
    private static final List<String> REF_RULES = List.of("%s", "refs/%s", "refs/tags/%s", "refs/heads/%s",
            "refs/remotes/%s", "refs/remotes/%s/HEAD");
    private static final String ARGUMENT = "argument ";

    private final Repository repository;
    private final Map<String, Ref> visibleRefs;

    /**
     * @param visibleRefs the refs a clone by the same caller would be shown, by name (HEAD included)
     */
    UploadArchive(Repository repository, Map<String, Ref> visibleRefs) {
        this.repository = repository;
        this.visibleRefs = visibleRefs;
    }

    /** Speaks the protocol on {@code in} and {@code out}; a request that cannot be served is answered with NACK. */
    void serve(InputStream in, OutputStream out) throws IOException {
        PacketLineOut answer = new PacketLineOut(out);
        ArchiveCommand archive;
        try {
            archive = commandFor(ArchiveRequest.parse(readArguments(new PacketLineIn(in))));
        } catch (ArchiveRequest.Refused e) {
            answer.writeString("NACK " + e.getMessage() + "\n");
            answer.flush();
            return;
        }
        answer.writeString("ACK\n");
        answer.end();
        SideBandOutputStream data = new SideBandOutputStream(SideBandOutputStream.CH_DATA,
                SideBandOutputStream.MAX_BUF, out);
        try {
            archive.setOutputStream(new KeptOpen(data)).call();
            data.flush();
        } catch (GitAPIException | RuntimeException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            SideBandOutputStream error = new SideBandOutputStream(SideBandOutputStream.CH_ERROR,
                    SideBandOutputStream.MAX_BUF, out);
            error.write(("facet: the archive could not be made: " + e.getMessage() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            error.flush();
            throw new IOException("archive of " + repository + " failed", e);
        }
        answer.end();
        out.flush();
    }

    private static List<String> readArguments(PacketLineIn in) throws IOException {
        List<String> arguments = new ArrayList<>();
        for (String line = in.readString(); !PacketLineIn.isEnd(line); line = in.readString()) {
            if (!line.startsWith(ARGUMENT)) {
                throw new ArchiveRequest.Refused("'argument' token or flush expected");
            }
            if (arguments.size() == ArchiveRequest.MAX_ARGUMENTS) {
                throw new ArchiveRequest.Refused("too many arguments (more than " + ArchiveRequest.MAX_ARGUMENTS + ")");
            }
            arguments.add(line.substring(ARGUMENT.length()));
        }
        return arguments;
    }

    private ArchiveCommand commandFor(ArchiveRequest request) throws IOException {
        int colon = request.treeish().indexOf(':');
        String refName = colon < 0 ? request.treeish() : request.treeish().substring(0, colon);
        ObjectId tip = REF_RULES.stream().map(rule -> visibleRefs.get(rule.formatted(refName)))
                .filter(ref -> ref != null && ref.getObjectId() != null).map(Ref::getObjectId).findFirst()
                .orElseThrow(() -> new ArchiveRequest.Refused("no such ref: " + refName));
        try (RevWalk walk = new RevWalk(repository)) {
            RevObject target = walk.peel(walk.parseAny(tip));
            RevTree root = target instanceof org.eclipse.jgit.revwalk.RevCommit commit ? commit.getTree()
                    : target instanceof RevTree tree ? tree : null;
            if (root == null) {
                throw new ArchiveRequest.Refused("not a tree object: " + refName);
            }
            ObjectId tree = target;
            if (colon >= 0) {
                String inside = trimmed(request.treeish().substring(colon + 1));
                tree = inside.isEmpty() ? root : subtree(root, inside, request.treeish());
            }
            RevTree searched = walk.parseTree(tree);
            List<String> paths = new ArrayList<>();
            for (String path : request.paths()) {
                String wanted = trimmed(path);
                if (wanted.isEmpty()) {
                    continue;
                }
                if (TreeWalk.forPath(repository, wanted, searched) == null) {
                    throw new ArchiveRequest.Refused("pathspec '" + path + "' did not match any files");
                }
                paths.add(wanted);
            }
            return new ArchiveCommand(repository).setTree(tree)
                    .setFormat(request.format().equals("tar.gz") ? "tgz" : request.format())
                    .setPrefix(request.prefix()).setPaths(paths.toArray(String[]::new));
        }
    }

    private ObjectId subtree(RevTree root, String path, String treeish) throws IOException {
        try (TreeWalk walk = TreeWalk.forPath(repository, path, root)) {
            if (walk == null) {
                throw new ArchiveRequest.Refused("not a valid object name: " + treeish);
            }
            if (walk.getFileMode(0) != FileMode.TREE) {
                throw new ArchiveRequest.Refused("not a tree object: " + treeish);
            }
            return walk.getObjectId(0);
        }
    }

    /** A path as a tree walk takes it: no trailing slashes, and {@code .} for the whole tree. */
    private static String trimmed(String path) {
        String trimmed = path.replaceAll("/+$", "");
        return trimmed.equals(".") ? "" : trimmed;
    }

    /** Archive streams close what they write to; the side-band stream must stay open for the final flush. */
    private static final class KeptOpen extends OutputStream {
        private final OutputStream out;

        KeptOpen(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
