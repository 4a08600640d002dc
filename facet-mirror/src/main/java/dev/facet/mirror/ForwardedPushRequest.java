package dev.facet.mirror;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.digest.Sha256;
import dev.facet.core.identity.BodyDigest;
import dev.facet.core.mirror.protocol.ForwardedSshLogin;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.eclipse.jgit.internal.storage.pack.PackWriter;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.ReceiveCommand;

/**
 * The body of a forwarded push over SSH, as the primary's {@code ssh-pushes} endpoint reads it: the
 * length of the login (four bytes, big-endian) and the login as JSON, then the Git request a client
 * sends to {@code git-receive-pack}: the commands as pkt-lines, a flush, and unless every command
 * deletes, a pack of the objects the new values need beyond {@code haves}.
 */
public final class ForwardedPushRequest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CAPABILITIES = "report-status ofs-delta agent=facet-mirror";

    private ForwardedPushRequest() {
    }

    /** Writes the request to {@code file} and answers its digest, which the mirror's signed token carries. */
    public static BodyDigest write(Path file, Repository repository, Collection<ReceiveCommand> commands,
                                   Collection<ObjectId> haves, ForwardedSshLogin login) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        try (OutputStream raw = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file)), digest)) {
            byte[] head = JSON.writeValueAsBytes(login);
            DataOutputStream out = new DataOutputStream(raw);
            out.writeInt(head.length);
            out.write(head);
            PacketLineOut lines = new PacketLineOut(out);
            boolean first = true;
            Set<ObjectId> wants = new HashSet<>();
            for (ReceiveCommand command : commands) {
                String line = command.getOldId().name() + " " + command.getNewId().name() + " " + command.getRefName();
                lines.writeString(first ? line + "\0" + CAPABILITIES + "\n" : line + "\n");
                first = false;
                if (command.getType() != ReceiveCommand.Type.DELETE) {
                    wants.add(command.getNewId());
                }
            }
            lines.end();
            if (!wants.isEmpty()) {
                try (PackWriter writer = new PackWriter(repository)) {
                    // Whole objects or deltas within the pack: the primary needs no base it might not hold.
                    writer.setThin(false);
                    writer.setDeltaBaseAsOffset(true);
                    writer.preparePack(NullProgressMonitor.INSTANCE, wants, Set.copyOf(haves));
                    writer.writePack(NullProgressMonitor.INSTANCE, NullProgressMonitor.INSTANCE, out);
                }
            }
            out.flush();
        }
        return new BodyDigest(Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest()));
    }
}
