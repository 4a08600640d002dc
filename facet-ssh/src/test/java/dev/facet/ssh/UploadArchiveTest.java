package dev.facet.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectIdRef;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.SymbolicRef;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.transport.PacketLineIn;
import org.eclipse.jgit.transport.PacketLineOut;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The protocol of {@code git archive --remote} spoken against a repository in memory. */
class UploadArchiveTest {
    InMemoryRepository repository;
    ObjectId commit;
    ObjectId secret;
    Map<String, Ref> visible;

    @BeforeEach
    void repositoryWithABranchAndAHiddenRef() throws IOException {
        repository = new InMemoryRepository(new DfsRepositoryDescription("test"));
        try (ObjectInserter inserter = repository.newObjectInserter()) {
            TreeFormatter docs = new TreeFormatter();
            docs.append("guide.txt", FileMode.REGULAR_FILE, blob(inserter, "a guide\n"));
            TreeFormatter root = new TreeFormatter();
            root.append("README.md", FileMode.REGULAR_FILE, blob(inserter, "hello\n"));
            root.append("docs", FileMode.TREE, inserter.insert(docs));
            commit = commitOf(inserter, inserter.insert(root));
            TreeFormatter hidden = new TreeFormatter();
            hidden.append("secret.txt", FileMode.REGULAR_FILE, blob(inserter, "secret\n"));
            secret = commitOf(inserter, inserter.insert(hidden));
            inserter.flush();
        }
        Ref main = new ObjectIdRef.PeeledNonTag(Ref.Storage.LOOSE, "refs/heads/main", commit);
        visible = new HashMap<>(Map.of("refs/heads/main", main,
                Constants.HEAD, new SymbolicRef(Constants.HEAD, main)));
    }

    private static ObjectId blob(ObjectInserter inserter, String content) throws IOException {
        return inserter.insert(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectId commitOf(ObjectInserter inserter, ObjectId tree) throws IOException {
        CommitBuilder builder = new CommitBuilder();
        builder.setTreeId(tree);
        PersonIdent who = new PersonIdent("Facet Test", "test@facet.invalid");
        builder.setAuthor(who);
        builder.setCommitter(who);
        builder.setMessage("test\n");
        return inserter.insert(builder);
    }

    /** What the server answers to these argument lines: the first pkt-line, then the archive's bytes if any. */
    private record Answer(String first, byte[] archive, String error) {
    }

    private Answer ask(List<String> lines) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        PacketLineOut out = new PacketLineOut(request);
        for (String line : lines) {
            out.writeString(line + "\n");
        }
        out.end();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        new UploadArchive(repository, visible).serve(new ByteArrayInputStream(request.toByteArray()), response);

        PacketLineIn in = new PacketLineIn(new ByteArrayInputStream(response.toByteArray()));
        String first = in.readString();
        if (!first.equals("ACK")) {
            return new Answer(first, new byte[0], "");
        }
        assertThat(PacketLineIn.isEnd(in.readString())).as("a flush after ACK").isTrue();
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        StringBuilder error = new StringBuilder();
        for (String packet = in.readStringRaw(); !PacketLineIn.isEnd(packet); packet = in.readStringRaw()) {
            byte[] bytes = packet.getBytes(StandardCharsets.ISO_8859_1);
            if (bytes[0] == 1) {
                archive.write(bytes, 1, bytes.length - 1);
            } else if (bytes[0] == 3) {
                error.append(new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8));
            }
        }
        return new Answer(first, archive.toByteArray(), error.toString());
    }

    private static Map<String, String> tarFiles(byte[] tar) throws IOException {
        Map<String, String> files = new HashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (entry.isFile()) {
                    files.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return files;
    }

    @Test
    void aBranchIsSentAsATarOnSideBandOneAfterAck() throws IOException {
        Answer answer = ask(List.of("argument --format=tar", "argument main"));

        assertThat(answer.first()).isEqualTo("ACK");
        assertThat(answer.error()).isEmpty();
        assertThat(tarFiles(answer.archive())).isEqualTo(Map.of("README.md", "hello\n", "docs/guide.txt", "a guide\n"));
    }

    @Test
    void headAPrefixAPathAndRefColonPathAreHonoured() throws IOException {
        assertThat(tarFiles(ask(List.of("argument --prefix=app/", "argument HEAD", "argument docs")).archive()))
                .isEqualTo(Map.of("app/docs/guide.txt", "a guide\n"));
        assertThat(tarFiles(ask(List.of("argument refs/heads/main:docs")).archive()))
                .isEqualTo(Map.of("guide.txt", "a guide\n"));
    }

    @Test
    void aZipIsAZip() throws IOException {
        byte[] zip = ask(List.of("argument --format=zip", "argument main")).archive();

        assertThat(new String(zip, 0, 2, StandardCharsets.ISO_8859_1)).isEqualTo("PK");
    }

    @Test
    void anObjectIdOrARefTheCallerCannotSeeIsNotArchived() throws IOException {
        repository.getRefDatabase().newUpdate("refs/facet/kept", false).link("refs/heads/main");

        assertThat(ask(List.of("argument " + secret.name())).first()).isEqualTo("NACK no such ref: " + secret.name());
        assertThat(ask(List.of("argument " + commit.name())).first()).startsWith("NACK no such ref");
        assertThat(ask(List.of("argument refs/facet/kept")).first()).isEqualTo("NACK no such ref: refs/facet/kept");
        assertThat(ask(List.of("argument main~1")).first()).isEqualTo("NACK no such ref: main~1");
    }

    @Test
    void aMissingPathAFileAsTreeAndABadLineAreAnsweredWithNack() throws IOException {
        assertThat(ask(List.of("argument main", "argument nowhere")).first())
                .isEqualTo("NACK pathspec 'nowhere' did not match any files");
        assertThat(ask(List.of("argument main:README.md")).first()).isEqualTo("NACK not a tree object: main:README.md");
        assertThat(ask(List.of("argument main:nowhere")).first()).isEqualTo("NACK not a valid object name: main:nowhere");
        assertThat(ask(List.of("want 0000000000000000000000000000000000000000")).first())
                .isEqualTo("NACK 'argument' token or flush expected");
        assertThat(ask(List.of("argument --exec=sh", "argument main")).first()).startsWith("NACK '--exec=sh' is not served");
    }
}
