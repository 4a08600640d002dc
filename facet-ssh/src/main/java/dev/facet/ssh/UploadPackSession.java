package dev.facet.ssh;

import dev.facet.git.ClonePackCache;
import dev.facet.git.GitSession;
import dev.facet.git.TeeOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser.PacketLineOutRefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;
import org.eclipse.jgit.transport.resolver.ServiceNotEnabledException;
import org.eclipse.jgit.transport.resolver.UploadPackFactory;

/**
 * One {@code git-upload-pack} over SSH. Protocol v2 is stateless by design (every command carries
 * all the server needs, and {@code git upload-pack} itself serves each one afresh), so Facet
 * serves each v2 command as HTTP serves a request: a fresh upload pack from the same factory reads
 * that one command, and a full clone's fetch goes through the same {@link ClonePackCache}. Protocol
 * v0 is one conversation with JGit and is not cached.
 */
final class UploadPackSession {
    /** A v2 command larger than this is refused; a clone's or a fetch's is a small fraction of it. */
    static final int MAX_COMMAND_BYTES = 16 * 1024 * 1024;
    private static final int COPY_BUFFER_BYTES = 256 * 1024;

    private final UploadPackFactory<GitSession> uploadPacks;
    private final ClonePackCache clones;

    UploadPackSession(UploadPackFactory<GitSession> uploadPacks, ClonePackCache clones) {
        this.uploadPacks = uploadPacks;
        this.clones = clones;
    }

    void serve(GitSession session, Repository repository, InputStream in, OutputStream out, OutputStream err)
            throws IOException, ServiceNotEnabledException, ServiceNotAuthorizedException {
        if (!session.protocolParameters().contains("version=2")) {
            try (UploadPack uploadPack = uploadPacks.create(session, repository)) {
                uploadPack.upload(in, out, err);
            }
            return;
        }
        try (UploadPack advertiser = uploadPacks.create(session, repository)) {
            advertiser.sendAdvertisedRefs(new PacketLineOutRefAdvertiser(new PacketLineOut(out)));
        }
        out.flush();
        for (byte[] command = nextCommand(in); command != null; command = nextCommand(in)) {
            try (UploadPack uploadPack = uploadPacks.create(session, repository)) {
                uploadPack.setBiDirectionalPipe(false);
                ClonePackCache.Answer<IOException> answer = new OneCommand(uploadPack, command, out, err);
                if (!clones.answerClone(session.repositoryId(), command, session.gitProtocol(), answer)) {
                    answer.pack(OutputStream.nullOutputStream());
                }
            }
        }
    }

    /**
     * The pkt-lines of the client's next command, up to and including the flush-pkt that ends it;
     * null when the client has ended the session. Every pkt-line counts against
     * {@link #MAX_COMMAND_BYTES}, its 4-byte length too, so that a stream of bare delim-pkts cannot grow it
     * without end either.
     */
    static byte[] nextCommand(InputStream in) throws IOException {
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        byte[] header = new byte[4];
        while (true) {
            int read = in.readNBytes(header, 0, 4);
            if (read == 0 && command.size() == 0) {
                return null;
            }
            if (read < 4) {
                throw new IOException("the client hung up in the middle of a command");
            }
            int length = pktLength(header);
            if (length == 3) {
                throw new NotGitProtocol("the client sent a pkt-line of length 3");
            }
            int lineBytes = Math.max(length, 4);
            if (command.size() + lineBytes > MAX_COMMAND_BYTES) {
                throw new NotGitProtocol("the client's command is larger than " + MAX_COMMAND_BYTES + " bytes");
            }
            command.write(header);
            if (length > 4) {
                byte[] payload = in.readNBytes(length - 4);
                if (payload.length < length - 4) {
                    throw new IOException("the client hung up in the middle of a command");
                }
                command.write(payload);
            }
            if (length == 0) {
                return command.toByteArray();
            }
        }
    }

    /** A pkt-line's length: exactly four hex digits, as Git writes it (no sign, no space). */
    private static int pktLength(byte[] header) throws NotGitProtocol {
        int length = 0;
        for (byte b : header) {
            int digit = Character.digit(b, 16);
            if (digit < 0) {
                throw new NotGitProtocol("the client sent something other than a Git pkt-line");
            }
            length = length * 16 + digit;
        }
        return length;
    }

    /**
     * Input that is not Git's protocol, or more of it than a command may hold: the client is told why and the
     * command ends, where a client that merely hangs up is not worth a word.
     */
    static final class NotGitProtocol extends IOException {
        NotGitProtocol(String message) {
            super(message);
        }
    }

    /** One v2 command: packed by its own upload pack, or a kept answer sent as it is. */
    private record OneCommand(UploadPack uploadPack, byte[] command, OutputStream out, OutputStream err)
            implements ClonePackCache.Answer<IOException> {
        @Override
        public boolean pack(OutputStream copy) throws IOException {
            // Closing the tee only flushes: the channel stays open for the session's next command.
            OutputStream both = new TeeOutputStream(out, copy);
            uploadPack.upload(new ByteArrayInputStream(command), both, err);
            both.flush();
            return true;
        }

        @Override
        public void send(InputStream kept, long size) throws IOException {
            // Large reads: transferTo's 8 KiB buffer would make four reads and writes of every 32 KiB SSH packet.
            byte[] buffer = new byte[COPY_BUFFER_BYTES];
            for (int read = kept.read(buffer); read >= 0; read = kept.read(buffer)) {
                out.write(buffer, 0, read);
            }
            out.flush();
        }
    }
}
