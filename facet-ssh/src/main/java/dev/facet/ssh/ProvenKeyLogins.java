package dev.facet.ssh;

import dev.facet.core.access.SshLoginProof;
import java.security.PublicKey;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.session.ServerSession;

/**
 * Public-key login as sshd does it, which also keeps what the client signed to log in (RFC 4252 §7)
 * on the session once sshd has verified it: the proof a mirror passes on with a push, so the
 * primary checks the user's own signature rather than the mirror's word.
 */
final class ProvenKeyLogins extends UserAuthPublicKeyFactory {
    static final AttributeKey<SshLoginProof> LOGIN_PROOF = new AttributeKey<>();

    @Override
    public UserAuthPublicKey createUserAuth(ServerSession session) {
        return new KeepingProof();
    }

    private final class KeepingProof extends UserAuthPublicKey {
        KeepingProof() {
            super(ProvenKeyLogins.this.getSignatureFactories());
        }

        @Override
        protected boolean verifySignature(ServerSession session, String username, String alg, PublicKey key,
                                          Buffer buffer, Signature verifier, byte[] sig) throws Exception {
            // The buffer holds the key blob as the client sent it, length first; read from a copy, sshd reads it next.
            byte[] blob = new ByteArrayBuffer(buffer.array(), buffer.rpos(), buffer.available()).getBytes();
            boolean verified = super.verifySignature(session, username, alg, key, buffer, verifier, sig);
            if (verified) {
                session.setAttribute(LOGIN_PROOF, new SshLoginProof(session.getSessionId(), username, getService(), alg,
                        blob, sig));
            }
            return verified;
        }
    }
}
